import { ReleaseRelayError } from "../../errors.js";

/** A downstream file's JSON, refused (with the file named) when it is not JSON. */
export function parseDownstreamJson(content: string, file: string): unknown {
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file} is not valid JSON: ${(error as Error).message}`,
      "fix the file in the downstream repo first",
    );
  }
}
