import { execFileSync, spawnSync } from "node:child_process";
import { lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, relative } from "node:path";

/** A maintainer's checkout read as the emulated repo's first commit. */
export interface CheckoutFiles {
  files: Record<string, Buffer>;
  /** Paths whose mode is executable (git's 100755, or any x bit in a plain directory). */
  executables: string[];
  /** The branch checked out, if any: the emulated repo's default branch. */
  branch?: string;
  /** The commit read, for a git checkout. */
  head?: string;
  /** How the files were read, for the one line the rehearsal prints. */
  how: string;
}

// Never part of what a repo holds: git's own data and installed dependencies.
const SKIPPED_DIRS = new Set([".git", "node_modules"]);

const git = (dir: string, args: string[]) =>
  execFileSync("git", ["-C", dir, ...args], { maxBuffer: 512 * 1024 * 1024 });

function isGitWorkTree(dir: string): boolean {
  const r = spawnSync("git", ["-C", dir, "rev-parse", "--show-toplevel"], { encoding: "utf8" });
  // Only the checkout's own repository: a plain directory inside some other repository is a directory.
  return r.status === 0 && relative(realpathSync(r.stdout.trim()), realpathSync(dir)) === "";
}

/**
 * The files git tracks at HEAD (what a push would publish: neither uncommitted edits nor untracked
 * files), read with one `git cat-file --batch`. Submodules are left out (the emulator has none).
 */
function fromGit(dir: string): CheckoutFiles {
  const head = git(dir, ["rev-parse", "HEAD"]).toString().trim();
  const entries = git(dir, ["ls-tree", "-r", "-z", "--full-tree", "HEAD"])
    .toString()
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split("\t") as [string, string];
      const [mode, type, sha] = meta.split(" ") as [string, string, string];
      return { mode, type, sha, path };
    })
    .filter((e) => e.type === "blob");
  const files: Record<string, Buffer> = {};
  if (entries.length > 0) {
    const out = execFileSync("git", ["-C", dir, "cat-file", "--batch"], {
      input: `${entries.map((e) => e.sha).join("\n")}\n`,
      maxBuffer: 512 * 1024 * 1024,
    });
    let at = 0;
    for (const entry of entries) {
      const eol = out.indexOf(10, at);
      const size = Number(out.subarray(at, eol).toString().split(" ")[2]);
      files[entry.path] = out.subarray(eol + 1, eol + 1 + size);
      at = eol + 1 + size + 1;
    }
  }
  const branch = spawnSync("git", ["-C", dir, "symbolic-ref", "--short", "-q", "HEAD"], { encoding: "utf8" });
  return {
    files,
    head,
    executables: entries.filter((e) => e.mode === "100755").map((e) => e.path),
    ...(branch.status === 0 && branch.stdout.trim() ? { branch: branch.stdout.trim() } : {}),
    how: `the ${entries.length} files git tracks at HEAD ${head.slice(0, 12)}${branch.stdout.trim() ? ` (${branch.stdout.trim()})` : ""}; uncommitted changes are not used`,
  };
}

function fromDirectory(dir: string): CheckoutFiles {
  const files: Record<string, Buffer> = {};
  const executables: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) walk(path);
      } else if (stat.isFile()) {
        const rel = relative(dir, path);
        files[rel] = readFileSync(path);
        if (stat.mode & 0o111) executables.push(rel);
      }
    }
  };
  walk(dir);
  return {
    files,
    executables,
    how: `the ${Object.keys(files).length} files of the directory (not a git checkout; .git and node_modules skipped)`,
  };
}

/** Reads a checkout (an existing directory): a git working tree's files at HEAD, or a plain directory's files. */
export function readCheckout(dir: string): CheckoutFiles {
  return isGitWorkTree(dir) ? fromGit(dir) : fromDirectory(dir);
}
