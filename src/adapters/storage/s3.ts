import { createReadStream, createWriteStream } from "node:fs";

import { pipeline } from "node:stream/promises";
import { GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { z } from "zod";
import { ReleaseRelayError } from "../../core/errors.js";

/** Where objects go: the bucket, its region, and an endpoint for S3-compatible stores. */
export interface S3Target {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
}

/** A client from the standard AWS credential chain (env, OIDC web identity, profile). */
export function createS3Client(target: S3Target): S3Client {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // AWS_ENDPOINT_URL_S3 is the SDK's standard override; S3-compatible stores need path-style with it.
  const endpoint = target.endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
  return new S3Client({
    region: target.region,
    // A release must not fail on one SlowDown or reset: S3 asks clients to retry those.
    maxAttempts: 6,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

/**
 * Refuses, before anything is written, when any of these keys already holds other bytes: a release
 * whose fifth artifact collides must not have published the first four.
 */
export async function checkKeysFree(
  client: S3Client,
  bucket: string,
  objects: readonly { key: string; sha256: string; size: number }[],
): Promise<void> {
  for (const object of objects) {
    const existing = await headObject(client, bucket, object.key);
    if (existing && (existing.sha256 !== object.sha256 || existing.size !== object.size))
      throw immutableConflict(object.key, existing.sha256, object.sha256);
  }
}

/** What an upload did: wrote the object, or found the same bytes already there. */
export type UploadOutcome = "created" | "unchanged";

/** One object to publish. */
export interface ObjectToUpload {
  key: string;
  file: string;
  sha256: string;
  size: number;
  contentType: string;
  cacheControl: string;
}

const headSchema = z.object({
  ContentLength: z.number().int().nonnegative(),
  Metadata: z.record(z.string(), z.string()).default({}),
  ChecksumSHA256: z.string().optional(),
});

/** The object's size and SHA-256 (from its metadata), or undefined when there is none. */
export async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ size: number; sha256: string | undefined; checksum: string | undefined } | undefined> {
  try {
    const raw = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
    );
    const head = headSchema.safeParse(raw);
    if (!head.success) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `S3 answered HEAD ${key} without a size`,
        "check the endpoint is an S3 API",
      );
    }
    const sha256 = head.data.Metadata.sha256;
    return {
      size: head.data.ContentLength,
      sha256: sha256 && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : undefined,
      checksum: head.data.ChecksumSHA256,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Whether S3 answered that the object does not exist (HEAD: NotFound; GET: NoSuchKey). */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
}

function immutableConflict(key: string, found: string | undefined, expected: string): ReleaseRelayError {
  return new ReleaseRelayError(
    "E_IMMUTABLE",
    `s3 object ${key} already exists with different content (sha256 ${found ?? "unknown"}, this release has ${expected})`,
    "a released artifact never changes: release a new version instead; nothing was overwritten",
  );
}

/** S3's answer to a conditional write (`IfNoneMatch: "*"`) whose key is taken. */
export function isPreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "PreconditionFailed" || e.$metadata?.httpStatusCode === 412;
}

/**
 * Publishes an object that must never change: absent → uploaded with `If-None-Match: *` and its
 * SHA-256 (checksum and metadata); present with the same SHA-256 → unchanged, no PUT; present with
 * other bytes → hard error naming the key. Afterwards the object is read back (HEAD) and checked.
 */
export async function uploadImmutable(
  client: S3Client,
  bucket: string,
  object: ObjectToUpload,
): Promise<UploadOutcome> {
  const existing = await headObject(client, bucket, object.key);
  if (existing) {
    if (existing.sha256 === object.sha256 && existing.size === object.size) return "unchanged";
    throw immutableConflict(object.key, existing.sha256, object.sha256);
  }
  try {
    await new Upload({
      client,
      params: {
        Bucket: bucket,
        Key: object.key,
        Body: createReadStream(object.file, { highWaterMark: 256 * 1024 }),
        ContentLength: object.size,
        ContentType: object.contentType,
        CacheControl: object.cacheControl,
        Metadata: { sha256: object.sha256 },
        ChecksumAlgorithm: "SHA256",
        IfNoneMatch: "*",
      },
      // 6 MiB parts (larger only past ~54 GB, to stay under S3's 10,000 parts), 3 in flight:
      // measured, larger parts or more of them in flight cost memory without speeding up the upload.
      partSize: Math.max(6 * 1024 * 1024, Math.ceil(object.size / 9000)),
      queueSize: 3,
      leavePartsOnError: false,
    }).done();
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
    // Another writer got there first: the same bytes are success, others are a conflict.
    const raced = await headObject(client, bucket, object.key);
    if (raced?.sha256 === object.sha256 && raced.size === object.size) return "unchanged";
    throw immutableConflict(object.key, raced?.sha256, object.sha256);
  }
  const written = await headObject(client, bucket, object.key);
  if (!written || written.size !== object.size || written.sha256 !== object.sha256) {
    throw new ReleaseRelayError(
      "E_UPLOAD_VERIFY",
      `s3 object ${object.key} reads back as ${written?.size ?? "nothing"} bytes / sha256 ${written?.sha256 ?? "none"}, not ${object.size} / ${object.sha256}`,
      "rerun the job; if it persists, the store is corrupting uploads",
    );
  }
  const fullObject = Buffer.from(object.sha256, "hex").toString("base64");
  if (written.checksum && !written.checksum.includes("-") && written.checksum !== fullObject) {
    throw new ReleaseRelayError(
      "E_UPLOAD_VERIFY",
      `s3 object ${object.key} has checksum ${written.checksum}, expected ${fullObject}`,
      "rerun the job",
    );
  }
  return "created";
}

/** Downloads an object to a file, streaming. */
export async function downloadObject(
  client: S3Client,
  bucket: string,
  key: string,
  path: string,
): Promise<void> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new ReleaseRelayError("E_INPUT", `s3 object ${key} has no body`, "check the key");
  await pipeline(out.Body as NodeJS.ReadableStream, createWriteStream(path));
}

/** The Content-Type an object is served with. */
export function contentTypeOf(name: string): string {
  if (/\.(tar\.gz|tgz)$/.test(name)) return "application/gzip";
  if (name.endsWith(".zip")) return "application/zip";
  if (name.endsWith(".asc")) return "application/pgp-signature";
  if (name.endsWith(".json")) return "application/json";
  // The in-toto attestation bundle: JSON lines (https://github.com/in-toto/attestation/blob/main/spec/v1/bundle.md).
  if (name.endsWith(".jsonl")) return "application/jsonl";
  if (name.endsWith(".pem")) return "application/x-pem-file";
  if (/(\.minisig|\.pub|\.sha256|SHA256SUMS|SHA512SUMS)$/.test(name)) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}
