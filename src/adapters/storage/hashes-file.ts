import { readFile } from "node:fs/promises";
import { type ArtifactHash, HASHES_FILE_HINT, parseHashesFile } from "../../core/artifacts/checksums.js";
import { ReleaseRelayError } from "../../core/errors.js";

/** Reads a hashes.json from disk; `source` names it in errors (default: `hashes-file <path>`). */
export async function readHashesFile(
  path: string,
  source = `hashes-file ${path}`,
  hint = HASHES_FILE_HINT,
): Promise<ArtifactHash[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ReleaseRelayError("E_INPUT", `cannot read ${source}: ${(error as Error).message}`, hint);
  }
  return parseHashesFile(text, source, hint);
}
