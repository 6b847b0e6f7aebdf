import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
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

// 4 MiB reads: few enough round trips that hashing keeps pace with `openssl dgst`, in bounded memory.
const READ_SIZE = 4 * 1024 * 1024;

/** Hashes one file in this thread, never the whole file in memory. */
export async function hashFile(
  path: string,
  algorithms: readonly HashAlgorithm[] = ["sha256"],
): Promise<FileDigest> {
  const hashes = algorithms.map((a) => [a, createHash(a)] as const);
  // Two buffers take turns: the next read runs on the thread pool while this thread hashes.
  let current = Buffer.allocUnsafe(READ_SIZE);
  let spare = Buffer.allocUnsafe(READ_SIZE);
  const file = await open(path, "r");
  let size = 0;
  try {
    let reading = file.read(current, 0, READ_SIZE, 0);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      size += bytesRead;
      reading = file.read(spare, 0, READ_SIZE, size);
      const chunk = current.subarray(0, bytesRead);
      for (const [, h] of hashes) h.update(chunk);
      [current, spare] = [spare, current];
    }
  } finally {
    await file.close();
  }
  return { path, size, ...Object.fromEntries(hashes.map(([a, h]) => [a, h.digest("hex")])) };
}

// The worker is self-contained source, so it runs the same from TypeScript tests and from bundles,
// and starting one loads none of the bundle. Inside a worker, blocking reads into one reused buffer
// are the fastest way through a file: no stream machinery and no garbage per chunk.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const buffer = Buffer.allocUnsafe(${READ_SIZE});
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

const newWorker = () => new Worker(WORKER_SOURCE, { eval: true });

// Workers started ahead by startHashWorkers, unreferenced until hashFiles takes them: an unused
// one never keeps the process alive.
const started: Worker[] = [];

/**
 * Starts the hashing workers now (one per core beside this thread), so they boot while the process
 * is still loading its code and reading its inputs; hashFiles takes them and stops those it does not need.
 */
export function startHashWorkers(count = availableParallelism() - 1): void {
  while (started.length < count) {
    const worker = newWorker();
    worker.unref();
    started.push(worker);
  }
}

/**
 * Hashes many files in parallel (one hasher per core, at most one per file), each file streamed;
 * results in the order of `paths`. This thread is one of the hashers: it starts on the first file
 * at once while the worker threads boot (tens of milliseconds each, most of what a fresh process
 * would otherwise lose to `openssl`), and each hasher takes the next file when it is done.
 */
export async function hashFiles(
  paths: readonly string[],
  algorithms: readonly HashAlgorithm[] = ["sha256"],
  parallelism = availableParallelism(),
): Promise<FileDigest[]> {
  const results: FileDigest[] = new Array(paths.length);
  let next = 0;
  let failed = false;
  const take = () => (failed || next >= paths.length ? undefined : next++);
  const wanted = Math.max(0, Math.min(parallelism, paths.length) - 1);
  const workers = started.splice(0, wanted);
  for (const w of workers) w.ref();
  for (const unneeded of started.splice(0)) void unneeded.terminate();
  while (workers.length < wanted) workers.push(newWorker());
  const inThisThread = async () => {
    for (let id = take(); id !== undefined; id = take())
      results[id] = await hashFile(paths[id] as string, algorithms);
  };
  const inWorker = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const feed = () => {
        const id = take();
        if (id === undefined) return resolve();
        worker.postMessage({ id, path: paths[id], algorithms });
      };
      worker.on("message", (m: { id: number; digest?: FileDigest; error?: string }) => {
        if (m.error) return reject(new Error(`cannot hash ${paths[m.id]}: ${m.error}`));
        results[m.id] = m.digest as FileDigest;
        feed();
      });
      worker.on("error", reject);
      feed();
    });
  try {
    await Promise.all([inThisThread(), ...workers.map(inWorker)]);
  } catch (error) {
    failed = true;
    throw error;
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
