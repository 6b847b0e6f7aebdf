import * as core from "@actions/core";
import type { z } from "zod";
import { ReleaseRelayError } from "../core/errors.js";
import { describeIssues } from "../core/inputs/validation-issues.js";

/** Reads the named action inputs (empty = absent) and validates them with the action's schema. */
export function readInputs<S extends z.ZodType>(schema: S, names: readonly string[]): z.output<S> {
  const raw: Record<string, string> = {};
  for (const name of names) {
    const value = core.getInput(name);
    if (value !== "") raw[name] = value;
  }
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `invalid action inputs:\n${describeIssues(result.error.issues)
        .map((l) => `  input ${l}`)
        .join("\n")}`,
      "fix the `with:` block of this step in the workflow",
    );
  }
  return result.data;
}
