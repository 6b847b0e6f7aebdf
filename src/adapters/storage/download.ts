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
