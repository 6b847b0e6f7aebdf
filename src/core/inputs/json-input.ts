import type { z } from "zod";
import { type ErrorCode, ReleaseRelayError } from "../errors.js";

/**
 * Parses JSON from outside against its schema; what is wrong is named, with how to fix it. `code` is
 * E_PAYLOAD for a payload another repo sent, E_INPUT for what the workflow passed, and the code of
 * the file's stage for a file read back (the ledger, a job's generated edits).
 */
export function parseJsonInput<T>(
  text: string,
  schema: z.ZodType<T>,
  what: string,
  hint: string,
  code: ErrorCode = "E_INPUT",
): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ReleaseRelayError(code, `${what} is not JSON`, hint);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new ReleaseRelayError(
      code,
      `${what} is not valid, got ${JSON.stringify(raw).slice(0, 300)}: ${parsed.error.issues[0]?.message}`,
      hint,
    );
  return parsed.data;
}
