import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { LocalS3 } from "./local-s3.js";

interface MirroredObject {
  key: string;
  contentType?: string;
  cacheControl?: string;
  metadata: Record<string, string>;
}

/** Every object of a bucket: key, size. */
export async function listBucket(s3: LocalS3, bucket: string): Promise<{ key: string; size: number }[]> {
  const client = s3.client();
  const out: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key ?? "", size: o.Size ?? 0 });
    token = page.NextContinuationToken;
  } while (token);
  client.destroy();
  return out;
}

/** Copies a bucket (bodies and metadata) into `dir`: the local S3 keeps objects in memory only. */
export async function saveBucket(s3: LocalS3, bucket: string, dir: string): Promise<void> {
  const client = s3.client();
  const index: MirroredObject[] = [];
  // The copy is the bucket as it is now: objects moved or deleted since the last copy go.
  rmSync(join(dir, "objects"), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const { key } of await listBucket(s3, bucket)) {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const path = join(dir, "objects", key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    index.push({
      key,
      ...(got.ContentType ? { contentType: got.ContentType } : {}),
      ...(got.CacheControl ? { cacheControl: got.CacheControl } : {}),
      metadata: got.Metadata ?? {},
    });
  }
  writeFileSync(join(dir, "index.json"), JSON.stringify(index, null, 2));
  client.destroy();
}

/** Puts back what `saveBucket` copied. */
export async function restoreBucket(s3: LocalS3, bucket: string, dir: string): Promise<void> {
  const client = s3.client();
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as MirroredObject[];
  for (const o of index)
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: o.key,
        Body: readFileSync(join(dir, "objects", o.key)),
        ContentType: o.contentType,
        CacheControl: o.cacheControl,
        Metadata: o.metadata,
      }),
    );
  client.destroy();
}
