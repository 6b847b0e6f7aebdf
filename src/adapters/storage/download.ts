import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ReleaseRelayError } from "../../core/errors.js";

/** Streams a URL to a file (following redirects, as GitHub's archive links need). */
export async function downloadToFile(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const response = await fetch(url, { headers, redirect: "follow" });
  if (!response.ok || !response.body) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `could not download ${url}: HTTP ${response.status}`,
      "check the tag exists and the URL is reachable",
    );
  }
  await pipeline(
    Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
    createWriteStream(path),
  );
}

/** A published text file as anyone reads it (no credentials); undefined when it is not there (404, 403). */
export async function fetchPublishedText(url: string): Promise<string | undefined> {
  const response = await fetch(url, { redirect: "follow" });
  // S3 answers 403 to an anonymous read of a key that does not exist when listing is not public.
  if (response.status === 404 || response.status === 403) return undefined;
  if (!response.ok)
    throw new ReleaseRelayError(
      "E_INPUT",
      `could not read ${url}: HTTP ${response.status}`,
      "check upload.public-url serves the release's files, then rerun",
    );
  return response.text();
}
