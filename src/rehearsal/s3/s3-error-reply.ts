import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

/** Answers with an S3 error document, as S3 does; returns the status for the operation log. */
export function sendS3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  condition?: string,
): number {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${condition ? `<Condition>${condition}</Condition>` : ""}<RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(status, {
    "content-type": "application/xml",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
  return status;
}

/** 412: an `If-None-Match: *` write of a key that exists. */
export const preconditionFailed = (res: ServerResponse): number =>
  sendS3Error(
    res,
    412,
    "PreconditionFailed",
    "At least one of the pre-conditions you specified did not hold",
    "If-None-Match",
  );

/** 400: the bytes do not have the SHA-256 the request declared. */
export const badDigest = (res: ServerResponse): number =>
  sendS3Error(res, 400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.");
