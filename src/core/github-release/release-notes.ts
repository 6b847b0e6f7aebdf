// The release notes of one version, from the notes file the source repo holds at the tag: either the
// whole file, or the section whose heading names the version (a project may keep every patch of a
// line in one file, newest first, under one `Acme 8.0.2 - Released ...` heading each).

/** Placeholder in a heading pattern for the version, matched literally. */
const VERSION_PLACEHOLDER = "{version}";
/** What another version's heading has in place of {version}: where this version's section ends. */
const ANY_VERSION = "\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.]+)?";

/**
 * A Markdown changelog heading by default: `## 1.2.1`, `## [1.2.1] - 2026-12-01`, `# v1.2.1`.
 * A file of `Acme 8.0.2 - Released ...` headings needs `^Acme {version} `.
 */
export const DEFAULT_NOTES_HEADING = "^#{1,6}\\s+\\[?v?{version}\\]?(?=\\s|$)";

/** What was found for a version's notes. */
export type ReleaseNotes =
  | { found: true; text: string }
  | { found: false; file: string; why: "no-file" | "no-section"; heading?: string };

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A heading pattern with {version} filled in: this version's literally, or any version's. */
export function headingRegex(pattern: string, version: string | undefined): RegExp {
  const parts = pattern.split(VERSION_PLACEHOLDER);
  return new RegExp(parts.join(version === undefined ? ANY_VERSION : escapeRegex(version)));
}

// Lines that only underline or frame a heading (`=====`, `-----`): part of the heading, not the notes.
const RULE = /^\s*([=\-*#~_])\1{2,}\s*$/;

/**
 * The section of `text` under the heading `pattern` matches for `version`, up to the next heading
 * that names another version (or the end). Without a pattern the whole file is the notes.
 */
export function extractReleaseNotes(
  text: string | undefined,
  version: string,
  file: string,
  pattern?: string,
): ReleaseNotes {
  if (text === undefined) return { found: false, file, why: "no-file" };
  if (pattern === undefined) {
    const whole = text.trim();
    return whole === "" ? { found: false, file, why: "no-section" } : { found: true, text: whole };
  }
  const lines = text.split(/\r?\n/);
  const mine = headingRegex(pattern, version);
  const any = headingRegex(pattern, undefined);
  const start = lines.findIndex((l) => mine.test(l));
  if (start < 0) return { found: false, file, why: "no-section", heading: pattern };
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (any.test(lines[i] as string)) {
      end = i;
      break;
    }
  }
  const section = lines.slice(start + 1, end);
  // The next heading's framing rule above it, and this heading's own underline, are not notes.
  while (section.length > 0 && RULE.test(section[0] as string)) section.shift();
  while (section.length > 0 && (RULE.test(section.at(-1) as string) || section.at(-1)?.trim() === ""))
    section.pop();
  const body = section.join("\n").trim();
  return body === ""
    ? { found: false, file, why: "no-section", heading: pattern }
    : { found: true, text: body };
}
