// The SHA-256 checksums S3 keeps with an object: full-object for a single PUT, composite
// (`<sha256 of part checksums>-<parts>`) for a multipart upload.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { AwsChunkedDecoder } from "./aws-chunked.js";
import { readBody } from "./s3-upstream.js";

export interface StoredChecksum {
  value: string;
  type: "FULL_OBJECT" | "COMPOSITE";
}

/** Reads a request body, decoding aws-chunked framing; returns the SHA-256 and any declared checksum. */
export async function hashBody(
  req: IncomingMessage,
): Promise<{ digest: string; declared: string | undefined; body: Buffer }> {
  const hash = createHash("sha256");
  const raw = await readBody(req);
  let declared = req.headers["x-amz-checksum-sha256"] as string | undefined;
  if (String(req.headers["content-encoding"] ?? "").includes("aws-chunked")) {
    const decoder = new AwsChunkedDecoder((chunk) => hash.update(chunk));
    await new Promise<void>((resolve, reject) => decoder.end(raw, () => resolve()).on("error", reject));
    declared = decoder.trailers["x-amz-checksum-sha256"] ?? declared;
  } else {
    hash.update(raw);
  }
  return { digest: hash.digest("base64"), declared, body: raw };
}

/** A multipart object's checksum from its parts' checksums (base64), in part order. */
export function compositeChecksum(parts: readonly string[]): StoredChecksum {
  const composite = createHash("sha256");
  for (const d of parts) composite.update(Buffer.from(d, "base64"));
  return { value: `${composite.digest("base64")}-${parts.length}`, type: "COMPOSITE" };
}
