import type { Edit } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import type { EditValues } from "./release-values.js";
import { renderTemplate } from "./template.js";
import { appendLine } from "./updaters/append-line.js";
import { prependChangelogEntry } from "./updaters/debian-changelog.js";
import { jsonSet } from "./updaters/json-set.js";
import { regexReplace } from "./updaters/regex-replace.js";
import { templateCreate } from "./updaters/template-create.js";
import { yamlSet } from "./updaters/yaml-set.js";

function renderValue(value: unknown, values: EditValues, where: string): unknown {
  if (typeof value === "string") return renderTemplate(value, values, where);
  if (Array.isArray(value)) return value.map((v, i) => renderValue(v, values, `${where}[${i}]`));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderValue(v, values, `${where}.${k}`)]),
    );
  }
  return value;
}

/** Whether an edit runs for this release: `when: stable` edits skip prereleases and the reverse. */
export function editApplies(edit: Edit, prerelease: boolean): boolean {
  return !(edit.when === "stable" && prerelease) && !(edit.when === "prerelease" && !prerelease);
}

/** The files a downstream's edits read and write, rendered for this release (in order, once each). */
export function editedPaths(edits: readonly Edit[], values: EditValues, prerelease: boolean): string[] {
  const paths = edits
    .filter((e) => e.kind !== "script" && editApplies(e, prerelease))
    .map((e, i) => renderTemplate((e as { file: string }).file, values, `edits[${i}].file`));
  return [...new Set(paths)];
}

/** A file an edit changed (or created). */
export interface EditedFile {
  path: string;
  before: string | undefined;
  after: string;
}

/**
 * Applies a downstream's edits (except `script`, which runs in a checkout) to its files, in order;
 * pure: `files` maps a path to its current content, or undefined if the file does not exist.
 */
export function applyEdits(
  edits: readonly Edit[],
  files: (path: string) => string | undefined,
  values: EditValues,
  prerelease: boolean,
  templates: (path: string) => string | undefined,
): EditedFile[] {
  const changed = new Map<string, EditedFile>();
  const current = (path: string) => (changed.has(path) ? changed.get(path)?.after : files(path));
  for (const [i, edit] of edits.entries()) {
    if (!editApplies(edit, prerelease)) continue;
    if (edit.kind === "script") continue;
    const where = `edits[${i}]`;
    const path = renderTemplate(edit.file, values, `${where}.file`);
    const before = current(path);
    let after: string;
    if (edit.kind === "template-create") {
      const template = templates(edit.template) ?? edit.template;
      after = templateCreate(before, renderTemplate(template, values, `${where}.template`), path);
    } else {
      if (before === undefined) {
        throw new ReleaseRelayError(
          "E_DOWNSTREAM",
          `${path} does not exist in the downstream repo`,
          `check ${where}.file in release-relay.yml`,
        );
      }
      switch (edit.kind) {
        case "append-line":
          after = appendLine(
            before,
            renderTemplate(edit.line, values, `${where}.line`),
            path,
            edit.conflictKey ? renderTemplate(edit.conflictKey, values, `${where}.conflict-key`) : undefined,
          );
          break;
        case "regex-replace":
          after = regexReplace(
            before,
            renderTemplate(edit.pattern, values, `${where}.pattern`),
            renderTemplate(edit.replacement, values, `${where}.replacement`),
            edit.count,
            path,
          );
          break;
        case "json-set":
          after = jsonSet(
            before,
            renderTemplate(edit.path, values, `${where}.path`),
            renderValue(edit.value, values, `${where}.value`),
            path,
          );
          break;
        case "debian-changelog":
          after = prependChangelogEntry(
            before,
            {
              package: edit.package,
              upstreamVersion: String(values.version),
              revision: edit.revision,
              distribution: edit.distribution,
              urgency: edit.urgency,
              maintainer: edit.maintainer,
              changes: edit.changes.map((c, j) => renderTemplate(c, values, `${where}.changes[${j}]`)),
              date: String(values.date),
            },
            path,
          );
          break;
        case "yaml-set":
          after = yamlSet(
            before,
            renderTemplate(edit.path, values, `${where}.path`),
            renderValue(edit.value, values, `${where}.value`),
            path,
          );
          break;
      }
    }
    if (after !== before)
      changed.set(path, { path, before: changed.get(path)?.before ?? files(path), after });
  }
  return [...changed.values()].filter((f) => f.after !== f.before);
}
