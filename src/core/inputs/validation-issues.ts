import type { z } from "zod";

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

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] as number;
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
