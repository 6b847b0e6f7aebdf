import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseConfig } from "../../src/core/config/parse.js";
import { planRelease, type ReleasePlan } from "../../src/core/request/plan.js";
import { parseTag } from "../../src/core/request/version.js";
import { hashRelease } from "../../src/steps/hash.js";

/**
 * The example's plan without the source archive (which needs GitHub), and so without the downstreams
 * whose edits name it (and the release page's tags, which name one); every target architecture-independent if asked.
 */
function plan(architectureIndependent = false): ReleasePlan {
  const doc = parseDocument(
    readFileSync(join(import.meta.dirname, "../../examples/valkey/release-relay.yml"), "utf8"),
  );
  doc.deleteIn(["source", "archive"]);
  doc.set("downstream", []);
  doc.deleteIn(["github-release", "container-image"]);
  doc.deleteIn(["github-release", "container-tags"]);
  if (architectureIndependent)
    for (let i = 0; i < 4; i++) doc.setIn(["build", "targets", i, "architecture-independent"], true);
  const config = parseConfig(doc.toString());
  return planRelease({
    config,
    version: parseTag("1.2.3", config.tags.pattern),
    commit: "a".repeat(40),
    requestedAt: "2025-01-07T10:00:00Z",
    serverUrl: "https://github.com",
  });
}

/** A workspace where each target's build packed `staging(target)` into its tarball with tar. */
function build(p: ReleasePlan, staging: (target: string, dir: string) => void): string {
  const workspace = mkdtempSync(join(tmpdir(), "empty-artifacts-"));
  mkdirSync(join(workspace, "dist"));
  for (const m of p.matrix.include) {
    const dir = mkdtempSync(join(tmpdir(), "staging-"));
    staging(m.target, dir);
    // What the starter config's command did: a reproducible tarball of the staging directory.
    execFileSync("tar", [
      "--sort=name",
      "--mtime=@0",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "-czf",
      join(workspace, "dist", m.artifact),
      "-C",
      dir,
      ".",
    ]);
  }
  return workspace;
}

const hash = (p: ReleasePlan, workspace: string) =>
  hashRelease(
    { artifacts: "dist/*.tar.gz", algorithms: ["sha256"], outputDir: undefined, plan: JSON.stringify(p) },
    workspace,
  );

const installed = (target: string, dir: string) => {
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "valkey-server"), `server built for ${target}\n`);
};

describe("compute-hashes refuses artifacts that hold nothing, writing nothing", () => {
  it("control: tarballs with each target's own files are hashed", async () => {
    const p = plan();
    const workspace = build(p, installed);
    const { hashes } = await hash(p, workspace);
    expect(hashes.filter((h) => h.kind === "binary")).toHaveLength(4);
  });

  it("refuses tarballs of an empty staging directory, naming each, before any hashes.json", async () => {
    const p = plan();
    const workspace = build(p, (target, dir) => {
      if (target.endsWith("arm64")) mkdirSync(join(dir, "bin"));
      else installed(target, dir);
    });
    const refused = hash(p, workspace);
    await expect(refused).rejects.toMatchObject({ code: "E_INPUT" });
    await expect(refused).rejects.toThrow(
      /valkey-1\.2\.3-jammy-arm64\.tar\.gz is an archive with no files in it \(\d+ bytes.*; valkey-1\.2\.3-noble-arm64\.tar\.gz is an archive with no files/,
    );
    expect(readdirSync(join(workspace, "dist")).sort()).toEqual(p.artifacts.map((a) => a.name).sort());
  });

  it("refuses the same bytes built for every target unless the targets are architecture-independent", async () => {
    const same = (_target: string, dir: string) =>
      writeFileSync(join(dir, "README"), "the same everywhere\n");
    const p = plan();
    const workspace = build(p, same);
    await expect(hash(p, workspace)).rejects.toThrow(
      /valkey-1\.2\.3-jammy-x86_64\.tar\.gz \(linux-jammy-x86_64\), .* are byte-identical/,
    );
    expect(readdirSync(join(workspace, "dist"))).not.toContain("hashes.json");
    const independent = plan(true);
    expect(independent.artifacts.every((a) => a.architectureIndependent)).toBe(true);
    const { hashes } = await hash(independent, build(independent, same));
    expect(new Set(hashes.filter((h) => h.kind === "binary").map((h) => h.sha256)).size).toBe(1);
  });
});
