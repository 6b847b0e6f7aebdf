// The storage part of a yank: every object of the release moves under `<prefix>yanked/`, never
// deleted; a yank run again finds what an earlier one moved.
import type { S3Client } from "@aws-sdk/client-s3";
import { moveObject, readManifest } from "../../adapters/storage/yank-storage.js";
import { releaseObjectKey } from "../../core/artifacts/publication.js";
import type { Config } from "../../core/config/schema.js";
import { describeError } from "../../core/errors.js";
import { type ObjectMove, storageStep, type YankStep } from "../../core/yank/yank-outcome.js";
import { releaseObjects, STORAGE, yankedKey } from "../../core/yank/yank-plan.js";

/** The storage step, and (for a dry run) the objects it would move. */
export async function yankStorage(
  s3: S3Client,
  config: Config,
  version: string,
  dryRun: boolean,
): Promise<YankStep & { objects: { key: string; optional: boolean }[] | undefined }> {
  const { bucket, prefix } = config.upload;
  const manifestKey = releaseObjectKey(config, version, "hashes.json");
  try {
    const manifest = await readManifest(s3, bucket, [manifestKey, yankedKey(prefix, manifestKey)]);
    if (!manifest)
      return { target: STORAGE, outcome: "nothing-to-do", detail: "nothing was published", objects: [] };
    const objects = releaseObjects(config, version, manifest);
    if (dryRun)
      return { target: STORAGE, outcome: "moved", detail: `would move ${objects.length} objects`, objects };
    const moves: ObjectMove[] = [];
    for (const o of objects)
      moves.push({ ...o, outcome: await moveObject(s3, bucket, o.key, yankedKey(prefix, o.key)) });
    return { ...storageStep(moves, prefix), objects: undefined };
  } catch (error) {
    return { target: STORAGE, outcome: "failed", detail: describeError(error), objects: undefined };
  }
}
