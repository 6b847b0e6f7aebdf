import type { z } from "zod";
import {
  type KnownPlaceholders,
  knownPlaceholders,
  unknownPlaceholders,
} from "../downstream/edit-placeholders.js";
import { templateFilePath } from "../downstream/template-source.js";
import { isFileEdit, updaterFor } from "../downstream/updaters/registry.js";
import type { Config } from "./schema.js";

type Ctx = z.core.$RefinementCtx<unknown>;

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

// Every string of an edit is rendered except its kind and when; a template naming a file is read
// from that file, whose text `release-relay validate` checks.
function templatedStrings(value: unknown, path: (string | number)[]): [string, (string | number)[]][] {
  if (typeof value === "string") return [[value, path]];
  if (Array.isArray(value)) return value.flatMap((v, i) => templatedStrings(v, [...path, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => templatedStrings(v, [...path, k]));
  return [];
}

/**
 * Refuses a placeholder that nothing fills in for its downstream, in its edits and its PR's title,
 * commit message and body, at parse time: a release would otherwise fail on it at the edit, after
 * the artifacts were published.
 */
export function checkDownstreamPlaceholders(config: Config, ctx: Ctx): void {
  for (const [i, d] of config.downstream.entries()) {
    const known = knownPlaceholders(config, d);
    if (!known) continue;
    const fields: [string, (string | number)[], KnownPlaceholders][] = [
      [d.pr.title, ["downstream", i, "pr", "title"], known],
      [d.pr.commitMessage, ["downstream", i, "pr", "commit-message"], known],
      ...(d.pr.body
        ? [
            [d.pr.body, ["downstream", i, "pr", "body"], known] as [
              string,
              (string | number)[],
              KnownPlaceholders,
            ],
          ]
        : []),
    ];
    for (const [j, edit] of d.edits.entries())
      for (const [key, value] of Object.entries(edit)) {
        if (key === "kind" || key === "when") continue;
        if (edit.kind === "template-create" && key === "template" && templateFilePath(edit.template))
          continue;
        // A kind that lists items (the image-tags entries) fills in their names in some of its keys.
        const own = isFileEdit(edit) ? updaterFor(edit).placeholders : undefined;
        const usable =
          own?.fields.includes(kebab(key)) === true
            ? { ...known, names: [...known.names, ...own.names], records: own.records }
            : known;
        for (const [text, path] of templatedStrings(value, ["downstream", i, "edits", j, kebab(key)]))
          fields.push([text, path, usable]);
      }
    for (const [text, path, usable] of fields)
      for (const message of unknownPlaceholders(text, usable))
        ctx.addIssue({ code: "custom", path, message });
  }
}
