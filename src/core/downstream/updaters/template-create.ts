import { z } from "zod";
import { ReleaseRelayError } from "../../errors.js";
import { defineUpdater, type UpdateContext } from "./updater.js";

/** Creates a file from its rendered template; the same file is a no-op, a different one is never overwritten. */
export function templateCreate(existing: string | undefined, rendered: string, file: string): string {
  if (existing === undefined || existing === rendered) return rendered;
  throw new ReleaseRelayError(
    "E_DOWNSTREAM",
    `${file} already exists with different content`,
    "release-relay never overwrites a published page: remove or fix it by hand if it is wrong",
  );
}

// The template is a file beside the config when one has that path, the text itself otherwise.
const rendered = (template: string, { render, templates }: UpdateContext) =>
  render(templates(template) ?? template, "template");

export const templateCreateUpdater = defineUpdater({
  kind: "template-create",
  shape: {
    file: z.string().min(1),
    template: z.string().min(1),
  },
  apply: (edit, content, context) => templateCreate(content, rendered(edit.template, context), context.file),
  create: (edit, context) => templateCreate(undefined, rendered(edit.template, context), context.file),
});
