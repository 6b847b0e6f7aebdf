import { z } from "zod";
import { regexSource } from "../../config/regex-source.js";
import { ReleaseRelayError } from "../../errors.js";
import { defineUpdater } from "./updater.js";

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

export const regexReplaceUpdater = defineUpdater({
  kind: "regex-replace",
  shape: {
    file: z.string().min(1),
    pattern: regexSource,
    replacement: z.string(),
    count: z.number().int().min(1).default(1),
  },
  apply: (edit, content, { file, render }) =>
    regexReplace(
      content,
      render(edit.pattern, "pattern"),
      render(edit.replacement, "replacement"),
      edit.count,
      file,
    ),
});
