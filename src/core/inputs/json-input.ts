import type { z } from "zod";
import { ReleaseRelayError } from "../errors.js";

/** Parses a JSON input against its schema; what is wrong is named, with how to fix it. */
export function parseJsonInput<T>(text: string, schema: z.ZodType<T>, what: string, hint: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ReleaseRelayError("E_INPUT", `${what} is not JSON`, hint);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new ReleaseRelayError(
      "E_INPUT",
      `${what} is not valid, got ${JSON.stringify(raw).slice(0, 300)}: ${parsed.error.issues[0]?.message}`,
      hint,
    );
  return parsed.data;
}
