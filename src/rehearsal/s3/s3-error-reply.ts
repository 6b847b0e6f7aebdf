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
