import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultKind } from "../github/faults.js";
import { sendS3Error } from "./s3-error-reply.js";

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
  if (fault.kind === "503") sendS3Error(res, 503, "SlowDown", "Please reduce your request rate.");
  else sendS3Error(res, 500, "InternalError", "We encountered an internal error. Please try again.");
  return true;
}
