import type { Edit } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import type { EditValues } from "./template.js";
import { renderTemplate } from "./template.js";
import { isFileEdit, updaterFor } from "./updaters/registry.js";
import type { UpdateContext } from "./updaters/updater.js";

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
  const paths = edits.flatMap((e, i) => {
    if (!isFileEdit(e) || !editApplies(e, prerelease)) return [];
    const render = (text: string, field: string) => renderTemplate(text, values, `edits[${i}].${field}`);
    return [render(e.file, "file"), ...(updaterFor(e).reads?.(e, render) ?? [])];
  });
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
    if (!isFileEdit(edit)) continue;
    const where = `edits[${i}]`;
    const path = renderTemplate(edit.file, values, `${where}.file`);
    const before = current(path);
    const updater = updaterFor(edit);
    const context: UpdateContext = {
      file: path,
      render: (text, field) => renderTemplate(text, values, `${where}.${field}`),
      renderValue: (value, field) => renderValue(value, values, `${where}.${field}`),
      renderWith: (text, own, field) => renderTemplate(text, own, `${where}.${field}`),
      values,
      read: current,
      templates,
    };
    let after: string;
    if (before !== undefined) after = updater.apply(edit, before, context);
    else if (updater.create) after = updater.create(edit, context);
    else
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${path} does not exist in the downstream repo`,
        `check ${where}.file in release-relay.yml`,
      );
    if (after !== before)
      changed.set(path, { path, before: changed.get(path)?.before ?? files(path), after });
  }
  return [...changed.values()].filter((f) => f.after !== f.before);
}
