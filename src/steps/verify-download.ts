import { join } from "node:path";
import { downloadToFile } from "../adapters/storage/download.js";
import { readHashesFile } from "../adapters/storage/hashes-file.js";
import { createS3Client, downloadObject } from "../adapters/storage/s3.js";
import { PUBLISHED_KEY_NAMES, releaseObjectKey } from "../core/artifacts/publication.js";
import type { Config } from "../core/config/schema.js";
import { objectUrl } from "../core/request/plan.js";

/** Fetches one object of the release to a file; `where` names it for messages. */
interface ObjectSource {
  fetch(key: string, path: string): Promise<void>;
  where(key: string): string;
  close(): void;
}

/** Anyone's way: plain HTTP(S) from upload.public-url, no credentials. */
function publicSource(config: Config): ObjectSource {
  return {
    fetch: (key, path) => downloadToFile(objectUrl(config.upload, key), path),
    where: (key) => objectUrl(config.upload, key),
    close: () => undefined,
  };
}

/** The publisher's way: the S3 API with AWS credentials, for a bucket with no public URL. */
function bucketSource(config: Config): ObjectSource {
  const s3 = createS3Client({
    bucket: config.upload.bucket,
    region: config.upload.region,
    endpoint: config.upload.endpoint,
  });
  return {
    fetch: (key, path) => downloadObject(s3, config.upload.bucket, key, path),
    where: (key) => `s3://${config.upload.bucket}/${key}`,
    close: () => s3.destroy(),
  };
}

/**
 * Downloads a release's published files (as listed in its hashes.json) into `dir`, from
 * upload.public-url when the config has one (unless `fromBucket`), else through the S3 API.
 * Returns where each public key found beside the files came from, by file name.
 */
export async function downloadRelease(
  config: Config,
  version: string,
  dir: string,
  fromBucket: boolean,
): Promise<Map<string, string>> {
  const source = config.upload.publicUrl && !fromBucket ? publicSource(config) : bucketSource(config);
  try {
    const manifestKey = releaseObjectKey(config, version, "hashes.json");
    await source.fetch(manifestKey, join(dir, "hashes.json"));
    const entries = await readHashesFile(
      join(dir, "hashes.json"),
      `${source.where(manifestKey)} (the release manifest)`,
      "the release manifest was changed after it was published; do not trust this release",
    );
    for (const e of entries) {
      // The source archive is GitHub's, not ours: it is fetched from where GitHub serves it.
      if (e.key) await source.fetch(e.key, join(dir, e.name));
      else if (e.url) await downloadToFile(e.url, join(dir, e.name));
    }
    const keys = new Map<string, string>();
    for (const name of PUBLISHED_KEY_NAMES) {
      const key = releaseObjectKey(config, version, name);
      const found = await source.fetch(key, join(dir, name)).then(
        () => true,
        () => false,
      );
      if (found) keys.set(name, source.where(key));
    }
    return keys;
  } finally {
    source.close();
  }
}
