import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultKind } from "../github/faults.js";

/** The faults S3 and the network between produce; rate limits are S3's 503 SlowDown. */
export const S3_FAULT_KINDS: readonly FaultKind[] = ["500", "503", "reset", "latency"];

/**
 * Applies one drawn fault to an S3 request. "before": the request fails without reaching the store;
 * "after": the store acts, then the reply is lost (connection reset), as when a PUT succeeded but its
 * answer timed out. Returns true when the request is finished, false when it must still be served.
 */
export async function injectS3Fault(
  fault: { kind: FaultKind; phase: "before" | "after"; latencyMs: number },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (fault.kind === "latency") {
    await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    return false;
  }
  if (fault.phase === "after") {
    const lose = (): ServerResponse => {
      req.socket.destroy();
      return res;
    };
    res.writeHead = lose as never;
    res.write = (() => true) as never;
    res.end = lose as never;
    return false;
  }
  if (fault.kind === "reset") {
    req.socket.destroy();
    return true;
  }
  req.resume();
  const [code, message] =
    fault.kind === "503"
      ? ["SlowDown", "Please reduce your request rate."]
      : ["InternalError", "We encountered an internal error. Please try again."];
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(fault.kind === "503" ? 503 : 500, {
    "content-type": "application/xml",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
  return true;
}
