// The storage part of a yank: every object of the release moves under `<prefix>yanked/`, never
// deleted; a yank run again finds what an earlier one moved.
import type { S3Client } from "@aws-sdk/client-s3";
import { moveObject, readManifest, wouldMoveObject } from "../../adapters/storage/yank-storage.js";
import { releaseObjectKey } from "../../core/artifacts/publication.js";
import type { Config } from "../../core/config/schema.js";
import { describeError } from "../../core/errors.js";
import { type ObjectMove, storageStep, type YankStep } from "../../core/yank/yank-outcome.js";
import { releaseObjects, STORAGE, yankedKey } from "../../core/yank/yank-plan.js";

/** The storage step, and (for a dry run) the objects it would move: those at their public keys. */
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
    const move = dryRun ? wouldMoveObject : moveObject;
    const moves: ObjectMove[] = [];
    for (const o of objects)
      moves.push({ ...o, outcome: await move(s3, bucket, o.key, yankedKey(prefix, o.key)) });
    const step = storageStep(moves, prefix);
    if (!dryRun || step.outcome === "failed") return { ...step, objects: undefined };
    // The preview counts and lists only what is there to move: an optional key never published, or
    // an object an earlier yank already moved, is not part of it.
    return { ...step, ...wouldMove(moves, prefix) };
  } catch (error) {
    return { target: STORAGE, outcome: "failed", detail: describeError(error), objects: undefined };
  }
}

/** The dry run's words for the storage: the objects found at their public keys, and those already moved. */
function wouldMove(
  moves: readonly ObjectMove[],
  prefix: string,
): { detail: string; objects: { key: string; optional: boolean }[] } {
  const objects = moves.filter((m) => m.outcome === "moved").map(({ key, optional }) => ({ key, optional }));
  const already = moves.filter((m) => m.outcome === "already-moved").length;
  return {
    detail: `would move ${objects.length} objects${already ? `; ${already} already under ${yankedKey(prefix, prefix)}` : ""}`,
    objects,
  };
}
