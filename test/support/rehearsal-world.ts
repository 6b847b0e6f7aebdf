// Reads a kept rehearsal world (the --keep layout) and computes, independently of the product,
// what each downstream PR must contain.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RehearsalSummary } from "../../src/rehearsal/rehearsal-outcome.js";

export const exampleDir = join(import.meta.dirname, "../../examples/cachet");

/** summary.json of a kept world. */
export function readSummary(dir: string): RehearsalSummary {
  return JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
}

/** Runs git in an emulated repo's bare repository in DIR/repos. */
export function gitIn(dir: string, repo: string, args: readonly string[]): string {
  const [owner, name] = repo.split("/") as [string, string];
  return execFileSync("git", ["--git-dir", join(dir, "repos", owner, `${name}.git`), ...args]).toString();
}

/** A maintainer's commit to an emulated repo of a kept world (`null` content deletes the file). */
export function commitTo(
  dir: string,
  repo: string,
  path: string,
  content: string | null,
  message: string,
): void {
  const work = mkdtempSync(join(tmpdir(), "maintainer-commit-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", work, "-c", "user.name=m", "-c", "user.email=m@example.com", ...args]);
  execFileSync("git", ["clone", "-q", join(dir, "repos", `${repo}.git`), work]);
  if (content === null) git("rm", "-q", path);
  else {
    writeFileSync(join(work, path), content);
    git("add", path);
  }
  git("commit", "-qm", message);
  git("push", "-q", "origin", "HEAD");
  rmSync(work, { recursive: true, force: true });
}

/** A file of an emulated repo at a commit. */
export function fileAt(dir: string, repo: string, sha: string, path: string): string {
  return gitIn(dir, repo, ["show", `${sha}:${path}`]);
}

/** Files a release PR changed. */
export function changedFiles(dir: string, repo: string, sha: string): string[] {
  return gitIn(dir, repo, ["diff", "--name-only", `${sha}~1`, sha])
    .trim()
    .split("\n");
}

const example = (path: string) => readFileSync(join(exampleDir, path), "utf8");

/**
 * The files each downstream PR must hold for `version`, built from the example's seed files and
 * the released source archive (as read back from the bucket), with nothing from the product.
 */
export function expectedPrFiles(
  dir: string,
  version: string,
  serverUrl: string,
  today: string,
): Record<string, Record<string, string>> {
  const archiveName = `cachet-${version}.tar.gz`;
  const sha = createHash("sha256")
    .update(readFileSync(join(dir, "artifacts", archiveName)))
    .digest("hex");
  const url = `${serverUrl}/cachet-io/cachet/archive/refs/tags/${version}.tar.gz`;
  const [major, minor, patch] = version.split(/[.-]/) as [string, string, string];
  const line = `${major}.${minor}`;
  const versions = JSON.parse(example("repos/cachet-container/versions.json"));
  versions[line] = { ...(versions[line] ?? {}), version, url, sha256: sha };
  const dockerfile = example("repos/cachet-container/Dockerfile.template")
    .replace("%%VERSION%%", version)
    .replace("%%URL%%", url)
    .replace("%%SHA256%%", sha);
  const tags = version.includes("-") ? `${version}, ${line}-rc` : `${version}, ${line}, ${major}, latest`;
  return {
    hashes: { README: `${example("repos/cachet-hashes/README")}hash ${archiveName} sha256 ${sha} ${url}\n` },
    container: {
      "versions.json": `${JSON.stringify(versions, null, 2)}\n`,
      [`${line}/Dockerfile`]: dockerfile,
    },
    website: {
      [`content/download/releases/v${major}-${minor}-${patch}.md`]: example("templates/website-release.md")
        .replaceAll("{version}", version)
        .replace("{date}", today)
        .replace("{container.tags}", tags),
    },
  };
}

/** The emulator state a kept world saved. */
export function readState(dir: string): {
  repos: Record<
    string,
    {
      defaultBranch: string;
      issues: { number: number; title: string; state: string; body: string | null; isPull: boolean }[];
      comments: { body: string }[];
      pulls: unknown[];
    }
  >;
} {
  return JSON.parse(readFileSync(join(dir, "emulator-state.json"), "utf8"));
}

/** The ledger events of a release, from the automation repo's ledger branch. */
export function ledgerEvents(
  dir: string,
  version: string,
): { type: string; id: string; stage?: string; status?: string; state?: string; downstream?: string }[] {
  return JSON.parse(
    fileAt(dir, "cachet-io/cachet-release-automation", `release-relay-ledger/${version}`, "ledger.json"),
  );
}
