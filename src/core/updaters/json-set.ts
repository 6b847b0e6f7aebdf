import { ReleaseRelayError } from "../errors.js";
import { parseEditPath } from "./edit-path.js";

/** Sets a value in a JSON file, keeping its indentation, key order and final newline. */
export function jsonSet(content: string, path: string, value: unknown, file: string): string {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (error) {
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file} is not valid JSON: ${(error as Error).message}`,
      "fix the file in the downstream repo first",
    );
  }
  const keys = parseEditPath(path);
  let node = data as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === undefined) node[key] = {};
    if (typeof node[key] !== "object" || node[key] === null) {
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${file}: ${path} runs into a ${typeof node[key]} at ${String(key)}`,
        "check the edit's path",
      );
    }
    node = node[key] as Record<string | number, unknown>;
  }
  node[keys.at(-1) as string | number] = value;
  const indent = /^[ \t]+/m.exec(content)?.[0] ?? "  ";
  return JSON.stringify(data, null, indent) + (content.endsWith("\n") ? "\n" : "");
}
