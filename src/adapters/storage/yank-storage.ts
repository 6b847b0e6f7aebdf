import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type ArtifactHash, parseHashesFile } from "../../core/artifacts/checksums.js";
import { ReleaseRelayError } from "../../core/errors.js";
import { headObject, isNotFound } from "./s3.js";

/** What moving one object did. */
export type MoveOutcome = "moved" | "already-moved" | "absent";

/**
 * The release's manifest (hashes.json), from its public key or, for a yank that stopped after
 * moving it, from its yanked key; undefined when the release published nothing. Validated: it
 * decides which objects move.
 */
export async function readManifest(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
): Promise<ArtifactHash[] | undefined> {
  for (const key of keys) {
    let text: string;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      text = (await out.Body?.transformToString("utf8")) ?? "";
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    return parseHashesFile(
      text,
      `s3 object ${key} (the release manifest)`,
      "the manifest sign-upload wrote was changed; move this release's objects by hand",
    );
  }
  return undefined;
}

/**
 * What moving `from` to `to` would find, read only (for a dry run): "moved" if it is at `from`,
 * "already-moved" if only at `to`, "absent" if at neither.
 */
export async function wouldMoveObject(
  s3: S3Client,
  bucket: string,
  from: string,
  to: string,
): Promise<MoveOutcome> {
  if (await headObject(s3, bucket, from)) return "moved";
  return (await headObject(s3, bucket, to)) ? "already-moved" : "absent";
}

/**
 * Moves an object to `to` without ever losing it: copy, read the copy back (same size and
 * SHA-256), then delete the original. A rerun finds it moved; a copy left by a stopped run is
 * checked and the original then removed. A different object already at `to` is an error.
 */
export async function moveObject(
  s3: S3Client,
  bucket: string,
  from: string,
  to: string,
): Promise<MoveOutcome> {
  const source = await headObject(s3, bucket, from);
  const target = await headObject(s3, bucket, to);
  if (!source) return target ? "already-moved" : "absent";
  const same = (t: typeof target) => t !== undefined && t.size === source.size && t.sha256 === source.sha256;
  if (target && !same(target))
    throw new ReleaseRelayError(
      "E_IMMUTABLE",
      `s3 object ${to} already holds other bytes than ${from}`,
      "nothing was overwritten or deleted; find out who wrote it, then move the object by hand",
    );
  if (!target) {
    const copySource = `${bucket}/${from.split("/").map(encodeURIComponent).join("/")}`;
    await s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: copySource, MetadataDirective: "COPY" }),
    );
    const copied = await headObject(s3, bucket, to);
    if (!same(copied))
      throw new ReleaseRelayError(
        "E_UPLOAD_VERIFY",
        `the copy of ${from} at ${to} reads back as ${copied?.size ?? "nothing"} bytes / sha256 ${copied?.sha256 ?? "none"}`,
        "the original was kept; rerun the yank",
      );
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: from }));
  return "moved";
}
