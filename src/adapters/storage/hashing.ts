import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { createGunzip } from "node:zlib";

/** Digest algorithms release-relay publishes. */
export type HashAlgorithm = "sha256" | "sha512";

/** Size and hex digests of one file. */
export interface FileDigest {
  path: string;
  size: number;
  sha256?: string;
  sha512?: string;
}

// 1 MiB reads keep hashing within a few percent of `openssl dgst` while memory stays bounded.
const READ_SIZE = 1024 * 1024;

/** Hashes one file in this thread, streaming (never the whole file in memory). */
export async function hashFile(
  path: string,
  algorithms: readonly HashAlgorithm[] = ["sha256"],
): Promise<FileDigest> {
  const hashes = algorithms.map((a) => [a, createHash(a)] as const);
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_SIZE })) {
    size += (chunk as Buffer).length;
    for (const [, h] of hashes) h.update(chunk as Buffer);
  }
  return { path, size, ...Object.fromEntries(hashes.map(([a, h]) => [a, h.digest("hex")])) };
}

// The worker is self-contained source, so it runs the same from TypeScript tests and from bundles.
// Inside a worker, blocking reads into one reused buffer are the fastest way through a file:
// no stream machinery and no garbage per chunk.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
parentPort.on("message", ({ id, path, algorithms }) => {
  let fd;
  try {
    fd = openSync(path, "r");
    const hashes = algorithms.map((a) => [a, createHash(a)]);
    let size = 0;
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
      size += n;
      const chunk = buffer.subarray(0, n);
      for (const [, h] of hashes) h.update(chunk);
    }
    const digest = { path, size };
    for (const [a, h] of hashes) digest[a] = h.digest("hex");
    parentPort.postMessage({ id, digest });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

/**
 * Hashes many files in parallel on worker threads (one per core, at most one per file), each
 * file streamed; results in the order of `paths`.
 */
export async function hashFiles(
  paths: readonly string[],
  algorithms: readonly HashAlgorithm[] = ["sha256"],
  parallelism = availableParallelism(),
): Promise<FileDigest[]> {
  if (paths.length === 0) return [];
  if (paths.length === 1 || parallelism <= 1) {
    const out: FileDigest[] = [];
    for (const p of paths) out.push(await hashFile(p, algorithms));
    return out;
  }
  const workers = Array.from(
    { length: Math.min(parallelism, paths.length) },
    () => new Worker(WORKER_SOURCE, { eval: true }),
  );
  const results: FileDigest[] = new Array(paths.length);
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= paths.length) return resolve();
              const id = next++;
              worker.postMessage({ id, path: paths[id], algorithms });
            };
            worker.on("message", (m: { id: number; digest?: FileDigest; error?: string }) => {
              if (m.error) return reject(new Error(`cannot hash ${paths[m.id]}: ${m.error}`));
              results[m.id] = m.digest as FileDigest;
              feed();
            });
            worker.on("error", reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** The first `bytes` of a gzip file, uncompressed (less when the file is shorter). */
export async function gunzipHead(path: string, bytes = 4096): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const source = createReadStream(path).pipe(createGunzip());
  try {
    for await (const chunk of source) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= bytes) break;
    }
  } catch {
    // Not gzip, or cut short: whatever was read is the head.
  } finally {
    source.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}
