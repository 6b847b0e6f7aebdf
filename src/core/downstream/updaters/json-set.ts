import { z } from "zod";
import { ReleaseRelayError } from "../../errors.js";
import { parseEditPath } from "./edit-path.js";
import { parseDownstreamJson } from "./json-content.js";
import { defineUpdater } from "./updater.js";

/** Sets a value in a JSON file, keeping its indentation, key order and final newline. */
export function jsonSet(content: string, path: string, value: unknown, file: string): string {
  const data = parseDownstreamJson(content, file);
  const keys = parseEditPath(path);
  // A file whose shape changed (an object became a list, a section a string) is refused, never
  // patched where JSON.stringify would silently drop the value.
  const shapeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "list" : typeof v);
  const expectContainer = (v: unknown, key: string | number, at: string): void => {
    const fits = typeof key === "number" ? Array.isArray(v) : shapeOf(v) === "object";
    if (!fits)
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${file}: ${path} runs into a ${shapeOf(v)} at ${at}`,
        "the file's format changed: update the edit's path in release-relay.yml, or fix the file",
      );
  };
  let node = data as Record<string | number, unknown>;
  let at = "the top level";
  for (const [i, key] of keys.slice(0, -1).entries()) {
    expectContainer(node, key, at);
    if (node[key] === undefined) node[key] = typeof keys[i + 1] === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
    at = String(key);
  }
  const last = keys.at(-1) as string | number;
  expectContainer(node, last, at);
  node[last] = value;
  const indent = /^[ \t]+/m.exec(content)?.[0] ?? "  ";
  return JSON.stringify(data, null, indent) + (content.endsWith("\n") ? "\n" : "");
}

export const jsonSetUpdater = defineUpdater({
  kind: "json-set",
  shape: {
    file: z.string().min(1),
    path: z.string().min(1),
    value: z.unknown(),
  },
  apply: (edit, content, { file, render, renderValue }) =>
    jsonSet(content, render(edit.path, "path"), renderValue(edit.value, "value"), file),
});
