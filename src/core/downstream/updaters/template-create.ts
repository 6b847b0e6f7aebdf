import { z } from "zod";
import { ReleaseRelayError } from "../../errors.js";
import { missingTemplateFile, templateFilePath } from "../template-source.js";
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

// A template that names a file (templateFilePath) is that file beside the config; a missing one is
// refused, never published as its own name. Any other template is the text itself.
function rendered(template: string, { render, templates }: UpdateContext): string {
  const path = templateFilePath(template);
  if (path === undefined) return render(template, "template");
  const text = templates(path);
  if (text === undefined) throw missingTemplateFile(path, "template");
  return render(text, "template");
}

export const templateCreateUpdater = defineUpdater({
  kind: "template-create",
  shape: {
    file: z.string().min(1),
    template: z.string().min(1),
  },
  apply: (edit, content, context) => templateCreate(content, rendered(edit.template, context), context.file),
  create: (edit, context) => templateCreate(undefined, rendered(edit.template, context), context.file),
});
