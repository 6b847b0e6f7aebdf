// Undoing one release commit's change to one file, decided from the file before the release
// commit, after it, and on the downstream's branch now.

/** What reverting one file needs: new content, its removal, nothing, or a person. */
export type FileRevert =
  | { kind: "write"; content: string }
  | { kind: "delete" }
  | { kind: "unchanged"; why: string }
  | { kind: "conflict"; why: string };

/** A text's lines without their endings, and whether it ends with a newline (so joining gives it back). */
function linesOf(text: string): { lines: string[]; finalNewline: boolean } {
  const finalNewline = text.endsWith("\n");
  const body = finalNewline ? text.slice(0, -1) : text;
  return { lines: body === "" ? [] : body.split("\n"), finalNewline };
}

/** The lines of `from` that are not in `to`, counted like a multiset. */
function linesMissing(from: readonly string[], to: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const l of to) left.set(l, (left.get(l) ?? 0) + 1);
  return from.filter((l) => {
    const n = left.get(l) ?? 0;
    if (n > 0) left.set(l, n - 1);
    return n === 0;
  });
}

/**
 * Decides how to undo the release's change to one file (`undefined`: the file did not exist).
 * Unchanged since the release: the content from before it. A release that only added lines (a
 * hashes line) whose lines are still there: those lines removed, whatever came after. None of the
 * lines naming the release's version left (a later release replaced them): nothing to undo.
 * Anything else is a conflict for a person: a guess could publish the wrong hashes. Lines are
 * compared without their endings: appending to a file without a final newline adds one before.
 */
export function planFileRevert(
  path: string,
  version: string,
  before: string | undefined,
  after: string | undefined,
  current: string | undefined,
): FileRevert {
  if (current === before) return { kind: "unchanged", why: `${path} is already as before the release` };
  if (current === after)
    return before === undefined ? { kind: "delete" } : { kind: "write", content: before };
  if (current === undefined)
    return { kind: "conflict", why: `${path} was deleted since the release; restore it by hand if needed` };
  const afterLines = linesOf(after ?? "").lines;
  const beforeLines = linesOf(before ?? "").lines;
  const added = linesMissing(afterLines, beforeLines);
  const removed = linesMissing(beforeLines, afterLines);
  const now = linesOf(current);
  const present = (lines: readonly string[]) => linesMissing(lines, linesMissing(lines, now.lines));
  const naming = added.filter((l) => l.includes(version));
  if (present(naming.length > 0 ? naming : added).length === 0)
    return { kind: "unchanged", why: `${path} no longer holds the release's lines (superseded)` };
  if (removed.length === 0 && before !== undefined && present(added).length === added.length) {
    // Remove the latest occurrence of each added line: earlier ones predate the release.
    const kept = [...now.lines];
    for (const line of added) kept.splice(kept.lastIndexOf(line), 1);
    return { kind: "write", content: kept.join("\n") + (now.finalNewline && kept.length ? "\n" : "") };
  }
  return {
    kind: "conflict",
    why: `${path} changed since the release and still holds some of its lines; revert it by hand`,
  };
}

/** A file's revert in words, for the yank's report. */
export function describeFileRevert(path: string, revert: FileRevert): string {
  if (revert.kind === "write") return `${path}: restored`;
  if (revert.kind === "delete") return `${path}: removed (the release created it)`;
  return revert.why;
}
