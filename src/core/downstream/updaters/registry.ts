import type { z } from "zod";
import { appendLineUpdater } from "./append-line.js";
import { debianChangelogUpdater } from "./debian-changelog.js";
import { imageTagsUpdater } from "./image-tags.js";
import { jsonSetUpdater } from "./json-set.js";
import { regexReplaceUpdater } from "./regex-replace.js";
import { templateCreateUpdater } from "./template-create.js";
import type { Updater } from "./updater.js";
import { yamlSetUpdater } from "./yaml-set.js";

/**
 * Every kind of edit release-relay makes to a downstream file itself, each once: the config's edit
 * kinds and applyEdits are built from this list, so a new kind is its file here and its test.
 * The order is the one the config's JSON Schema lists them in.
 */
export const updaters = [
  appendLineUpdater,
  regexReplaceUpdater,
  jsonSetUpdater,
  yamlSetUpdater,
  templateCreateUpdater,
  debianChangelogUpdater,
  imageTagsUpdater,
] as const;

type RegisteredUpdater = (typeof updaters)[number];

/** An edit of a registered kind, as the config parses it. */
export type FileEdit = z.output<RegisteredUpdater["schema"]>;

/** The config schemas of the registered kinds, in order. */
export const updaterSchemas = updaters.map((u) => u.schema) as [
  RegisteredUpdater["schema"],
  ...RegisteredUpdater["schema"][],
];

const byKind = new Map<string, RegisteredUpdater>(updaters.map((u) => [u.kind, u]));

/** Whether an edit is one release-relay applies itself (a `script` is run in a checkout instead). */
export function isFileEdit(edit: { kind: string }): edit is FileEdit {
  return byKind.has(edit.kind);
}

/** The updater of an edit's kind. */
export function updaterFor(edit: FileEdit): Updater<FileEdit> {
  // Each updater takes only its own kind's edits; looked up by that kind, this one does.
  return byKind.get(edit.kind) as unknown as Updater<FileEdit>;
}
