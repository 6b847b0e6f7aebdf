// Several releases at once against the emulated GitHub, through the real actions and Octokit:
// a real Valkey afternoon (five lines released together, all editing the hashes repo's README),
// and downstream reports arriving out of order, twice, and all at once.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runOpenDownstreamPrs } from "../../src/actions/open-downstream-prs.js";
import { runTrackStatus, type TrackStatusSettings } from "../../src/actions/track-status.js";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github.js";
import { LedgerStore } from "../../src/adapters/ledger-store.js";
import type { Config } from "../../src/core/config.js";
import { parseConfig } from "../../src/core/config-parse.js";
import { deriveState } from "../../src/core/release-state.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { seedValkeyDownstreams } from "../support/valkey-downstreams.js";

const examplePath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const full = parseConfig(readFileSync(examplePath, "utf8"));
const hashesOnly: Config = { ...full, downstream: full.downstream.filter((d) => d.name === "hashes") };
const HASHES = "valkey-io/valkey-hashes";
const AUTOMATION = full.tracking.repo;
// 7.2.14, 8.0.10, 8.1.9, 9.0.5 and 9.1.1 went out on one afternoon.
const VERSIONS = ["7.2.14", "8.0.10", "8.1.9", "9.0.5", "9.1.1"];
const sha = (v: string) => createHash("sha256").update(`valkey-${v}.tar.gz`).digest("hex");
const line = (v: string) =>
  `hash valkey-${v}.tar.gz sha256 ${sha(v)} https://github.com/valkey-io/valkey/archive/refs/tags/${v}.tar.gz`;

let emulator: GitHubEmulator;
let bot: GitHubClient;
let maintainer: GitHubClient;
let work: string;

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await seedValkeyDownstreams(emulator);
  await emulator.createRepo(AUTOMATION);
  emulator.addToken("bot", {
    login: "release-bot[bot]",
    repos: { "*": ["contents:write", "pull_requests:write", "issues:write"] },
  });
  emulator.addToken("maintainer", {
    login: "maintainer",
    repos: { "*": ["contents:write", "pull_requests:write"] },
  });
  bot = createGitHubClient({ token: "bot", baseUrl: emulator.url });
  maintainer = createGitHubClient({ token: "maintainer", baseUrl: emulator.url });
  work = mkdtempSync(join(tmpdir(), "concurrency-"));
});
afterEach(async () => {
  await emulator.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The PR stage of one release (what the release workflow runs, first time or rerun). */
function openPrs(version: string) {
  const hashesFile = join(work, `hashes-${version}.json`);
  writeFileSync(
    hashesFile,
    JSON.stringify([
      {
        name: `valkey-${version}.tar.gz`,
        kind: "source-archive",
        size: 3_500_000,
        sha256: sha(version),
        url: `https://github.com/valkey-io/valkey/archive/refs/tags/${version}.tar.gz`,
      },
    ]),
  );
  return runOpenDownstreamPrs(
    {
      configPath: examplePath,
      environment: undefined,
      version,
      hashesFile,
      token: "bot",
      releasedVersions: [],
      trackingIssueUrl: undefined,
      releaseDate: "2025-01-07",
      recordedPrs: undefined,
    },
    hashesOnly,
    { github: bot, configDir: dirname(examplePath), today: "2025-01-07" },
  );
}

const pullOf = (version: string) =>
  emulator.state.repos[HASHES]?.pulls.find((p) => p.headRef === `release-relay/${version}/hashes`);
const readme = async (ref: string) => emulator.git(HASHES).text(["show", `${ref}:README`]);
const merge = (version: string) =>
  maintainer.rest.pulls.merge({
    owner: "valkey-io",
    repo: "valkey-hashes",
    pull_number: pullOf(version)?.number ?? 0,
  });

describe("reliability: five releases of different lines on one afternoon", () => {
  it("each ends with one clean PR, rebased as the others merge: none lost, none duplicated", async () => {
    const before = await readme("main");
    // Five release workflows reach their PR stage at the same moment.
    const opened = await Promise.all(VERSIONS.map((v) => openPrs(v)));
    expect(opened.map((r) => r[0]?.outcome)).toEqual(VERSIONS.map(() => "opened"));
    expect(emulator.state.repos[HASHES]?.pulls).toHaveLength(5);
    for (const v of VERSIONS) expect(await readme(`release-relay/${v}/hashes`)).toBe(`${before}\n${line(v)}`);

    // Maintainers merge in their own order; each merge moves the base under the other PRs.
    const order = ["9.1.1", "7.2.14", "9.0.5", "8.1.9", "8.0.10"];
    const merged: string[] = [];
    for (const v of order) {
      if (merged.length > 0) {
        // The base moved: the stale PR no longer merges until its release reruns the PR stage.
        await expect(merge(v)).rejects.toMatchObject({ status: 405 });
        const mark = emulator.log.mark();
        const [rerun] = await openPrs(v);
        expect(rerun?.outcome).toBe("updated");
        expect(rerun?.number).toBe(pullOf(v)?.number);
        expect(emulator.log.summary(mark).byRoute["POST /repos/{owner}/{repo}/pulls"]).toBeUndefined();
        // One commit on the current base: exactly this release's line added to what is merged.
        expect(await readme(`release-relay/${v}/hashes`)).toBe(
          [before, ...merged.map(line), line(v)].join("\n"),
        );
      }
      expect((await merge(v)).status).toBe(200);
      merged.push(v);
    }

    const final = await readme("main");
    expect(final).toBe([before, ...order.map(line)].join("\n"));
    for (const v of VERSIONS) expect(final.split(line(v)).length - 1).toBe(1);
    const pulls = emulator.state.repos[HASHES]?.pulls ?? [];
    expect(pulls).toHaveLength(5);
    expect(pulls.every((p) => p.merged)).toBe(true);
    // Each release, rerun once more after its merge, finds its merged PR and writes nothing.
    const mark = emulator.log.mark();
    await Promise.all(VERSIONS.map((v) => openPrs(v)));
    expect(emulator.log.summary(mark).mutating).toBe(0);
  }, 120_000);
});

describe("reliability: downstream reports out of order, twice and all at once", () => {
  const report = (version: string, repo: string, kind: string, runId: string, state?: string) => ({
    schemaVersion: 1,
    releaseId: `valkey@${version}`,
    repo,
    kind,
    runId,
    url: `https://github.com/${repo}/actions/runs/${runId}`,
    ...(state ? { state } : {}),
  });
  // In the order the downstream runs happened: CI failed, was rerun green, merged, image built.
  const story = (version: string) => [
    report(version, HASHES, "ci", "101", "pending"),
    report(version, HASHES, "ci", "101", "failure"),
    report(version, HASHES, "ci", "102", "success"),
    report(version, HASHES, "merged", "103"),
    report(version, "valkey-io/valkey-container", "ci", "201", "success"),
    report(version, "valkey-io/valkey-container", "merged", "202"),
    report(version, "valkey-io/valkey-container", "image-build", "203", "failure"),
    report(version, "valkey-io/valkey-container", "image-build", "204", "success"),
  ];
  const record = (version: string, r: object, n: number) =>
    runTrackStatus(
      {
        configPath: examplePath,
        version,
        token: "bot",
        report: JSON.stringify(r),
      } as TrackStatusSettings,
      full,
      { github: bot, run: { runId: `run-${n}`, runUrl: undefined }, now: () => new Date() },
    );
  const downstreamState = async (version: string) => {
    const { events } = await new LedgerStore(bot, AUTOMATION, version).read();
    return deriveState(events).downstream.sort((a, b) => a.name.localeCompare(b.name));
  };

  it("ends in the state of in-order delivery, with every report recorded once", async () => {
    for (const [n, r] of story("8.0.10").entries()) await record("8.0.10", r, n);
    const inOrder = await downstreamState("8.0.10");
    expect(inOrder.find((d) => d.name === "hashes")).toMatchObject({ ci: "success", merged: true });
    expect(inOrder.find((d) => d.name === "container")?.image?.status).toBe("succeeded");

    // The same story for another release: reversed, every report sent twice, all at the same time.
    const reversed = story("8.1.9").reverse();
    await Promise.all([...reversed, ...reversed].map((r, n) => record("8.1.9", r, n)));
    expect(await downstreamState("8.1.9")).toEqual(inOrder);
    const { events } = await new LedgerStore(bot, AUTOMATION, "8.1.9").read();
    expect(events.filter((e) => e.id.startsWith("report:"))).toHaveLength(story("8.1.9").length);
  }, 120_000);
});
