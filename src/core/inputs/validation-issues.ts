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

// The value at a path of the whole input, when every step of the path is there.
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/**
 * One line per problem: where it is, what was expected, what was found. Given the whole input
 * (`root`), a rule checked across fields shows the value at the problem's path, not the input it ran on.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  knownKeys?: (path: readonly PropertyKey[]) => string[],
  root?: unknown,
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
      case "invalid_union": {
        // A discriminated union's tag (signing.method) that names no variant: zod lists the variants.
        const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
        // A schema that words this itself (the edit kinds) keeps its words.
        if (discriminator && options?.length && /^Invalid\b/.test(issue.message)) {
          const found = (issue.input as Record<string, unknown> | undefined)?.[discriminator];
          return `${where}: expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}, got ${shown(found)}`;
        }
        return describeOther(issue, where, root);
      }
      default:
        return describeOther(issue, where, root);
    }
  });
}

// Any other problem in zod's words, with the value found (at the path, for a rule across fields).
function describeOther(issue: z.core.$ZodIssue, where: string, root: unknown): string {
  const found = root !== undefined && issue.code === "custom" ? valueAt(root, issue.path) : issue.input;
  return /\bgot\b/.test(issue.message) || found === undefined || issue.message.includes(shown(found))
    ? `${where}: ${issue.message}`
    : `${where}: ${issue.message} (got ${shown(found)})`;
}
