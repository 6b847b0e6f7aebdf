import { parseDocument } from "yaml";
import { z } from "zod";
import { ReleaseRelayError } from "../../errors.js";
import { parseEditPath } from "./edit-path.js";
import { defineUpdater } from "./updater.js";

/** Sets a value in a YAML file through the yaml Document API, keeping comments, order and style. */
export function yamlSet(content: string, path: string, value: unknown, file: string): string {
  const doc = parseDocument(content);
  if (doc.errors.length > 0) {
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file} is not valid YAML: ${doc.errors[0]?.message.split("\n")[0]}`,
      "fix the file in the downstream repo first",
    );
  }
  doc.setIn(parseEditPath(path), value);
  return doc.toString();
}

export const yamlSetUpdater = defineUpdater({
  kind: "yaml-set",
  shape: {
    file: z.string().min(1),
    path: z.string().min(1),
    value: z.unknown(),
  },
  apply: (edit, content, { file, render, renderValue }) =>
    yamlSet(content, render(edit.path, "path"), renderValue(edit.value, "value"), file),
});
