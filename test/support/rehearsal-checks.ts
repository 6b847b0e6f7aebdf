// Runs the bundled CLI's rehearsal and judges a kept world from its files: shared by the e2e and
// reliability suites.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { STAGES } from "../../src/core/ledger/events.js";
import {
  changedFiles,
  expectedPrFiles,
  fileAt,
  gitIn,
  ledgerEvents,
  readState,
  readSummary,
} from "./rehearsal-world.js";
import { spawnCollect } from "./spawn-collect.js";
import { rehearsalTools } from "./tools.js";

export const cli = join(import.meta.dirname, "../../dist/cli/index.js");
export const DOWNSTREAMS = ["hashes", "container", "website"];

/** Temporary world directories, removed by `removeWorlds` (call it from afterAll). */
const worlds: string[] = [];
export function newWorld(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "rehearsal-")), "world");
  worlds.push(dir);
  return dir;
}
export function removeWorlds(): void {
  for (const w of worlds.splice(0)) rmSync(join(w, ".."), { recursive: true, force: true });
}

/** Branches of an emulated repo. */
/**
 * Sets up a file of rehearsal tests: kept worlds are removed after it (they are large: a full
 * suite's take a while), and whether the rehearsal's tools are installed is returned (outside CI a
 * machine without them skips the tests and says what to install).
 */
export function rehearsalSuite(): boolean {
  afterAll(removeWorlds, 600_000);
  return rehearsalTools();
}

export function branches(dir: string, repo: string): string[] {
  return gitIn(dir, repo, ["for-each-ref", "--format=%(refname)", "refs/heads"]).trim().split("\n").sort();
}

/** The objects a release of the example publishes: each artifact and its signature, the checksums and keys. */
export function expectedObjectKeys(dir: string, version: string): string[] {
  const built = readdirSync(join(dir, "artifacts")).filter((f) => /^cachet-.*\.tar\.gz$/.test(f));
  return [
    ...built.flatMap((f) => [`releases/${f}`, `releases/${f}.minisig`]),
    // Each built file's provenance; the source archive is GitHub's, not built by the release.
    ...built.filter((f) => f !== `cachet-${version}.tar.gz`).map((f) => `releases/${f}.intoto.jsonl`),
    `releases/cachet-${version}-SHA256SUMS`,
    `releases/cachet-${version}-SHA256SUMS.minisig`,
    `releases/cachet-${version}-hashes.json`,
    `releases/cachet-${version}-minisign.pub`,
    `releases/cachet-${version}-release-key.pem`,
  ].sort();
}

/** Runs `release-relay rehearse --json` as npx does (the bundled CLI); returns exit code and notices. */
export interface Notice {
  kind: string;
  text?: string;
  repo?: string;
  job?: { id: string; result: string; steps?: { name: string; outcome: string; log?: string }[] };
}

/** What went wrong in a rehearsal, for an assertion's message: each failed job's failing steps and their log tails. */
export function whyNotCompleted(notices: Notice[], stderr: string): string {
  const failed = notices.flatMap((n) =>
    n.kind === "job-finished" && n.job && n.job.result === "failure"
      ? (n.job.steps ?? [])
          .filter((s) => s.outcome === "failure")
          .map(
            (s) => `${n.repo} ${n.job?.id} / ${s.name}:\n${(s.log ?? "").split("\n").slice(-25).join("\n")}`,
          )
      : [],
  );
  const lastPhases = notices
    .filter((n) => n.kind === "phase")
    .slice(-3)
    .map((n) => n.text ?? "");
  return [stderr.trim(), ...failed, ...lastPhases].filter(Boolean).join("\n---\n");
}

export async function runRehearse(
  args: string[],
): Promise<{ code: number; notices: Notice[]; stderr: string; why: string }> {
  const { code, stdout, stderr } = await spawnCollect(process.execPath, [cli, "rehearse", "--json", ...args]);
  const notices = stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Notice);
  return { code, notices, stderr, why: whyNotCompleted(notices, stderr) };
}

/** Everything a finished release must have left in its world. */
export function expectReleased(dir: string, version: string, options: { afterCrash?: boolean } = {}): void {
  const summary = readSummary(dir);
  expect(summary.version).toBe(version);
  expect(summary.completed).toBe(true);
  const serverUrl = new URL(summary.trackingIssue?.url ?? "").origin;
  const today = new Date().toISOString().slice(0, 10);
  const expected = expectedPrFiles(dir, version, serverUrl, today);

  // One merged PR per downstream, holding exactly the expected files, byte for byte.
  expect(summary.prs.map((p) => p.downstream).sort()).toEqual([...DOWNSTREAMS].sort());
  const state = readState(dir);
  for (const pr of summary.prs) {
    expect(pr.state).toBe("merged");
    // A fork's PR (--fork-pr) is a contributor's, not the release's: the release opened one.
    const pulls = (state.repos[pr.repo]?.pulls ?? []) as { headRepo?: string }[];
    const own = pulls.filter((p) => !p.headRepo);
    expect(own).toHaveLength(1);
    const files = expected[pr.downstream] as Record<string, string>;
    expect(changedFiles(dir, pr.repo, pr.headSha).sort()).toEqual(Object.keys(files).sort());
    for (const [path, content] of Object.entries(files))
      expect(fileAt(dir, pr.repo, pr.headSha, path)).toBe(content);
  }

  // One tracking issue, closed as done, linking every PR; every event in the ledger.
  const issues = state.repos["cachet-io/cachet-release-automation"]?.issues.filter((i) => !i.isPull) ?? [];
  expect(issues).toHaveLength(1);
  expect(issues[0]?.state).toBe("closed");
  const body = readFileSync(join(dir, "tracking-issue.md"), "utf8");
  expect(body).toBe(issues[0]?.body);
  expect(body).toContain("✅ Released");
  for (const pr of summary.prs) expect(body).toContain(pr.url);
  const events = ledgerEvents(dir, version);
  const types = events.map((e) => e.type);
  for (const stage of STAGES)
    expect(events.some((e) => e.type === "stage" && e.stage === stage && e.status === "succeeded")).toBe(
      true,
    );
  expect(types.filter((t) => t === "pull-request")).toHaveLength(3);
  // Each downstream's CI passed (a run killed mid-way may have reported a failure before its rerun).
  const green = events.filter((e) => e.type === "downstream-ci" && e.state === "success");
  expect(new Set(green.map((e) => e.downstream)).size).toBe(3);
  expect(types.filter((t) => t === "pull-request-closed")).toHaveLength(3);
  // The image was built once; after a crash, a build the crash killed may have reported before its rerun.
  const images = events.filter((e) => e.type === "image-build");
  if (options.afterCrash) expect(images.some((e) => e.status === "succeeded")).toBe(true);
  else expect(images).toHaveLength(1);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  const comments = state.repos["cachet-io/cachet-release-automation"]?.comments.map((c) => c.body) ?? [];
  expect(new Set(comments).size).toBe(comments.length);

  // Every object in the bucket is what its recorded sha256 says, and verify passed on the download.
  expect(summary.artifacts.map((a) => a.name)).toEqual(
    expect.arrayContaining([
      `cachet-${version}.tar.gz`,
      `cachet-${version}-linux-x86_64.tar.gz`,
      `cachet-${version}-SHA256SUMS`,
    ]),
  );
  // Each binary is built for the architecture its name says (the ELF header's machine field).
  const MACHINE: Record<string, number> = { x86_64: 0x3e, arm64: 0xb7 };
  const binaries = summary.artifacts.filter((a) => /-linux-(x86_64|arm64)\.tar\.gz$/.test(a.name));
  expect(binaries.map((a) => a.name)).toContain(`cachet-${version}-linux-x86_64.tar.gz`);
  for (const a of binaries) {
    const elf = execFileSync("tar", ["-xzOf", join(dir, "artifacts", a.name), "./bin/cachet"]);
    const arch = /-linux-(\w+)\.tar\.gz$/.exec(a.name)?.[1] as string;
    expect(elf.readUInt16LE(18), a.name).toBe(MACHINE[arch]);
  }
  const sums = readFileSync(join(dir, "artifacts", "SHA256SUMS"), "utf8");
  for (const name of [`cachet-${version}.tar.gz`, `cachet-${version}-linux-x86_64.tar.gz`]) {
    const digest = createHash("sha256")
      .update(readFileSync(join(dir, "artifacts", name)))
      .digest("hex");
    expect(sums).toContain(`${digest}  ${name}`);
    expect(summary.artifacts.find((a) => a.name === name)?.sha256).toBe(digest);
  }

  // No stray branch or object: each downstream holds its default branch and one release branch,
  // the bucket exactly the release's files.
  for (const pr of summary.prs)
    expect(branches(dir, pr.repo)).toEqual([
      `refs/heads/${state.repos[pr.repo]?.defaultBranch}`,
      `refs/heads/release-relay/${version}/${pr.downstream}`,
    ]);
  expect(summary.artifacts.map((a) => a.key).sort()).toEqual(expectedObjectKeys(dir, version));

  // The source repo's GitHub Release of the tag: published (a prerelease for a candidate), its body
  // linking every file the published manifest lists, whatever its kind.
  const releases = (state.repos["cachet-io/cachet"] as { releases?: GitHubReleaseRecord[] }).releases ?? [];
  const release = releases.find((r) => r.tagName === version);
  expect(release).toMatchObject({
    draft: false,
    prerelease: version.includes("-"),
    name: `cachet ${version}`,
  });
  const manifest: { name: string }[] = JSON.parse(
    readFileSync(join(dir, "artifacts", "hashes.json"), "utf8"),
  );
  expect(manifest.length).toBeGreaterThan(0);
  for (const f of manifest) expect(release?.body).toContain(`[${f.name}](`);
  // The image tags the container PR sets (update.sh's output) and the page release-relay.yml names.
  const [major, minor, patch] = version.split(/[.-]/);
  expect(release?.body).toContain(`Container image \`cachet/cachet\`, tags \`${version}\`, `);
  expect(release?.body).toContain(
    `Download page: [https://cachet.example/download/releases/v${major}-${minor}-${patch}/]`,
  );
}

/** A GitHub Release as the kept world's emulator state holds it. */
export interface GitHubReleaseRecord {
  tagName: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
}

/** Tokens and signing keys of a kept world, and every place a person or log could see them. */
export function expectNoSecrets(dir: string): void {
  const world = JSON.parse(readFileSync(join(dir, "world.json"), "utf8")) as {
    credentials: Record<string, string>;
  };
  const secrets = Object.values(world.credentials).flatMap((v) =>
    // The signing key's base64 body, line by line (a leaked key is rarely printed whole).
    v.includes("PRIVATE KEY")
      ? v.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))
      : v.includes("PUBLIC KEY")
        ? []
        : [v],
  );
  expect(secrets.length).toBeGreaterThanOrEqual(5);
  const places: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (name !== "workspace" && name !== "home") walk(path);
      } else if (/\.(log|md|json|html)$|^(output|env|summary\.md)$/.test(name)) places.push(path);
    }
  };
  walk(join(dir, "actions", "runs"));
  places.push(
    ...["emulator-state.json", "tracking-issue.md", "dashboard.html", "summary.json"].map((f) =>
      join(dir, f),
    ),
  );
  // The world's own files and at least one job log, even for a release that never started.
  expect(places.length).toBeGreaterThanOrEqual(5);
  for (const place of places) {
    const text = readFileSync(place, "utf8");
    for (const secret of secrets)
      expect(text.includes(secret), `${secret.slice(0, 12)}… in ${place}`).toBe(false);
  }
}
