import semver from "semver";
import { z } from "zod";
import { ReleaseRelayError } from "../../errors.js";
import { floatingTags, parseVersion } from "../../request/version.js";
import type { EditValues, TemplateScalar } from "../template.js";
import { parseDownstreamJson } from "./json-content.js";
import { joinLines, splitLines } from "./text-lines.js";
import { defineUpdater, type UpdateContext } from "./updater.js";

/** One published image line as the repo's own versions file records it: `"8.0": { "version": "8.0.1", … }`. */
export interface ImageEntry {
  /** Its key in the versions file (`8.0`, `unstable`). */
  name: string;
  version: string;
  /** Every scalar of the entry by its dotted path (`version`, `alpine.version`). */
  fields: Record<string, TemplateScalar>;
}

const entrySchema = z.looseObject({ version: z.string().min(1) });
const versionsFileSchema = z.record(z.string(), entrySchema);

function scalarsOf(value: unknown, prefix: string, into: Record<string, TemplateScalar>) {
  if (typeof value === "string" || typeof value === "number") into[prefix] = value;
  else if (value && typeof value === "object" && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) scalarsOf(v, prefix ? `${prefix}.${k}` : k, into);
}

/** The entries of a versions file (`{ "<name>": { "version": …, … } }`), refused when one has no version. */
export function parseImageEntries(content: string, file: string): ImageEntry[] {
  const data = parseDownstreamJson(content, file);
  const parsed = versionsFileSchema.safeParse(data);
  if (!parsed.success) {
    const at = parsed.error.issues[0]?.path.join(".") || "the top level";
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file}: expected an object of entries each with a "version" string; ${at} is not one`,
      "the file's format changed: point the edit's versions at the file that lists each line's version",
    );
  }
  return Object.entries(parsed.data).map(([name, entry]) => {
    const fields: Record<string, TemplateScalar> = {};
    scalarsOf(entry, "", fields);
    return { name, version: entry.version, fields };
  });
}

const isVersion = (v: string) => /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v) && semver.valid(v) !== null;

/**
 * The entries in the order an image's page lists them: those that are not versions (a development
 * build such as `unstable`) first as the file has them, then the newest version first.
 */
export function orderImageEntries(entries: readonly ImageEntry[]): ImageEntry[] {
  const named = entries.filter((e) => !isVersion(e.version));
  const versions = entries
    .filter((e) => isVersion(e.version))
    .sort((a, b) => semver.rcompare(a.version, b.version));
  return [...named, ...versions];
}

/**
 * An entry's tags before any variant suffix: its version, then the floating tags it holds among
 * every version the file lists (`8.0.0, 8.0, 8, latest`; `7.2.6, 7.2, 7` beside 8.0.0; a release
 * candidate, or an entry that is not a version, only its own).
 */
export function entryTags(entry: ImageEntry, all: readonly ImageEntry[]): string[] {
  if (!isVersion(entry.version)) return [entry.version];
  const released = all.map((e) => e.version).filter(isVersion);
  return floatingTags(parseVersion(entry.version), released);
}

/**
 * The tags with one variant suffix (`-bookworm`, `-alpine3.20`, or "" for the tags as they are);
 * `latest` with a suffix is the suffix alone (`bookworm`, `alpine3.20`), as Docker images name it.
 */
export function suffixedTags(tags: readonly string[], suffix: string): string[] {
  return tags.map((t) => (t === "latest" && suffix !== "" ? suffix.replace(/^[-_.]/, "") : `${t}${suffix}`));
}

/**
 * Replaces the list that follows `heading` (every line up to the first blank one) with `lines`:
 * a file without the heading, or with it twice, is refused rather than given a second list.
 */
export function replaceListAfter(
  content: string,
  heading: string,
  lines: readonly string[],
  file: string,
): string {
  const text = splitLines(content);
  const at = text.lines.flatMap((l, i) => (l.trimEnd() === heading ? [i] : []));
  if (at.length !== 1)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file}: the heading ${JSON.stringify(heading)} is there ${at.length} time(s), expected 1`,
      "the file's format changed: update the edit's heading in release-relay.yml, or fix the file",
    );
  const start = (at[0] as number) + 1;
  let end = start;
  while (end < text.lines.length && (text.lines[end] as string).trim() !== "") end++;
  return joinLines({ ...text, lines: [...text.lines.slice(0, start), ...lines, ...text.lines.slice(end)] });
}

const variantSchema = z.object({
  name: z.string().min(1),
  suffixes: z.array(z.string()).min(1),
});

/** The edit's placeholders for one entry: `{entry}` (its name) and `{entry.<field>}` (its fields). */
function entryValues(values: EditValues, entry: ImageEntry): EditValues {
  const own: EditValues = { ...values, entry: entry.name };
  for (const [k, v] of Object.entries(entry.fields)) own[`entry.${k}`] = v;
  return own;
}

/** The list's lines: per entry (ordered as orderImageEntries) and variant, its tags in `line`. */
export function imageTagLines(
  edit: { line: string; tag: string; variants: readonly z.output<typeof variantSchema>[] },
  entries: readonly ImageEntry[],
  context: Pick<UpdateContext, "values" | "renderWith">,
): string[] {
  const lines: string[] = [];
  for (const entry of orderImageEntries(entries)) {
    const tags = entryTags(entry, entries);
    for (const [i, variant] of edit.variants.entries()) {
      const values = { ...entryValues(context.values, entry), variant: variant.name };
      const shown = variant.suffixes
        .flatMap((s, j) => suffixedTags(tags, context.renderWith(s, values, `variants[${i}].suffixes[${j}]`)))
        .map((tag) => context.renderWith(edit.tag, { ...values, tag }, "tag"));
      lines.push(context.renderWith(edit.line, { ...values, tags: shown.join(", ") }, "line"));
    }
  }
  return lines;
}

/** Names the edit's `line`, `tag` and `suffixes` may use besides the release's values. */
export const IMAGE_TAG_PLACEHOLDERS = {
  fields: ["line", "tag", "variants"],
  names: ["entry", "variant", "tags", "tag"],
  records: ["entry"],
} as const;

export const imageTagsUpdater = defineUpdater({
  kind: "image-tags",
  shape: {
    file: z.string().min(1),
    heading: z.string().min(1),
    versions: z.string().min(1),
    variants: z.array(variantSchema).min(1),
    line: z.string().min(1),
    tag: z.string().min(1).default("{tag}"),
  },
  placeholders: IMAGE_TAG_PLACEHOLDERS,
  reads: (edit, render) => [render(edit.versions, "versions")],
  apply: (edit, content, context) => {
    const versionsFile = context.render(edit.versions, "versions");
    const versions = context.read(versionsFile);
    if (versions === undefined)
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${context.file}: its versions file ${versionsFile} does not exist in the downstream repo`,
        "check the edit's versions in release-relay.yml",
      );
    const lines = imageTagLines(edit, parseImageEntries(versions, versionsFile), context);
    return replaceListAfter(content, context.render(edit.heading, "heading"), lines, context.file);
  },
});
