import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A unified diff of one file's change, as `git diff` shows it (a/ and b/ paths, 3 lines of context). */
export function unifiedDiff(path: string, before: string | undefined, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), "release-relay-diff-"));
  try {
    const a = join(dir, "a", path);
    const b = join(dir, "b", path);
    mkdirSync(dirname(a), { recursive: true });
    mkdirSync(dirname(b), { recursive: true });
    if (before !== undefined) writeFileSync(a, before);
    writeFileSync(b, after);
    const out = spawnSync(
      "git",
      [
        "diff",
        "--no-index",
        "--no-color",
        "--no-ext-diff",
        // The paths given are a/<path> and b/<path> already: git's own prefixes would double them.
        "--no-prefix",
        before === undefined ? "/dev/null" : `a/${path}`,
        `b/${path}`,
      ],
      { cwd: dir, encoding: "utf8" },
    );
    // Against /dev/null git names the new file b/<path> on both sides of its first line; git diff says a/ b/.
    return before === undefined ? out.stdout.replace(/^diff --git b\//, "diff --git a/") : out.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
