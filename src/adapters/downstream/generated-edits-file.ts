import { createHash } from "node:crypto";
import { mkdir, open, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Downstream } from "../../core/config/schema.js";
import {
  GENERATED_LIMITS,
  type GeneratedEdits,
  generatedEditsSchema,
} from "../../core/downstream/generated-edits.js";
import { ReleaseRelayError } from "../../core/errors.js";
import { parseJsonInput } from "../../core/inputs/json-input.js";

/**
 * The digest of what release-relay.yml says a downstream's change is made of: the job that
 * generates and the job that publishes read the same file, so a mismatch means the generated
 * change is not the one this config asks for.
 */
export function editsDigest(d: Downstream): string {
  return createHash("sha256")
    .update(JSON.stringify({ repo: d.repo, baseBranch: d.baseBranch ?? null, edits: d.edits }))
    .digest("hex");
}

export async function writeGeneratedEdits(path: string, generated: GeneratedEdits): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(generated)}\n`);
}

/**
 * Reads the generate job's generated-edits.json, which downstream scripts shaped: its size is
 * checked before a byte is parsed, then every field against the schema. Undefined when absent
 * (the generate job uploaded nothing); downstreams that need it then fail by name.
 */
export async function readGeneratedEdits(path: string): Promise<GeneratedEdits | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let text: string;
  try {
    const { size } = await handle.stat();
    if (size > GENERATED_LIMITS.fileBytes)
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${path} is ${size} bytes, more than the ${GENERATED_LIMITS.fileBytes} generated edits may be`,
        "a downstream's script changed too much: see the generate job's log",
      );
    text = await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
  return parseJsonInput(
    text,
    generatedEditsSchema,
    path,
    "pass the generated-edits artifact of this run's generate job unchanged; a downstream's script may have produced a change release-relay does not publish (see the generate job's log)",
    "E_DOWNSTREAM",
  );
}
