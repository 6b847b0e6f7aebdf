import type { z } from "zod";
import { closest } from "./closest-name.js";

/** `downstream[1].repo` from zod's `["downstream", 1, "repo"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out || "(top level)";
}

function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line per problem: where it is, what was expected, what was found. */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  knownKeys?: (path: readonly PropertyKey[]) => string[],
): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    switch (issue.code) {
      case "unrecognized_keys":
        return issue.keys
          .map((key) => {
            const guess = closest(key, knownKeys?.(issue.path) ?? []);
            return `${where}: unknown key ${JSON.stringify(key)}${guess ? ` — did you mean ${JSON.stringify(guess)}?` : ""}`;
          })
          .join("\n");
      case "invalid_type":
        return `${where}: expected ${issue.expected}, got ${shown(issue.input)}`;
      case "invalid_value":
        return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${shown(issue.input)}`;
      default:
        return /\bgot\b/.test(issue.message) || issue.input === undefined
          ? `${where}: ${issue.message}`
          : `${where}: ${issue.message} (got ${shown(issue.input)})`;
    }
  });
}
