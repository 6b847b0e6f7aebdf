import { ReleaseRelayError } from "../../errors.js";

/**
 * Replaces every match of `pattern` (with `$1`-style groups) and insists on exactly `count`
 * matches: a file whose format changed fails loudly instead of being half-edited.
 */
export function regexReplace(
  content: string,
  pattern: string,
  replacement: string,
  count: number,
  file: string,
): string {
  const re = new RegExp(pattern, "gm");
  const found = [...content.matchAll(re)].length;
  if (found !== count) {
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file}: /${pattern}/ matched ${found} time(s), expected ${count}`,
      "the file's format changed: update the edit's pattern or count in release-relay.yml",
    );
  }
  return content.replace(re, replacement);
}
