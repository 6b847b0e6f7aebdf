// Several releases at once against the emulated GitHub, through the real actions and Octokit:
// a real Valkey afternoon (five lines released together, all editing the hashes repo's README),
// and downstream reports arriving out of order, twice, and all at once.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { parseConfig } from "../../src/core/config/parse.js";
import type { Config } from "../../src/core/config/schema.js";
import { deriveState } from "../../src/core/ledger/release-state.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { openDownstreamPrs } from "../../src/steps/downstream/open-prs.js";
import { trackRelease } from "../../src/steps/track/track.js";
import type { TrackStatusSettings } from "../../src/steps/track/track-inputs.js";
import { lostSwaps } from "../support/lost-swaps.js";
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
  return openDownstreamPrs(
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
    const start = emulator.log.mark();
    const opened = await Promise.all(VERSIONS.map((v) => openPrs(v)));
    // They really raced: all five read the base branch before any of them wrote.
    const calls = emulator.log.calls({ since: start });
    const firstWrite = calls.find((c) => c.mutating)?.seq ?? 0;
    // The base is read by the one GraphQL query a PR starts with (the branch head and the files).
    const baseReads = calls.filter((c) => c.route === "POST /graphql pullRequestBase" && c.repo === HASHES);
    expect(baseReads.map((c) => c.seq < firstWrite)).toEqual(VERSIONS.map(() => true));
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
  const CONTAINER = "valkey-io/valkey-container";
  const REPORTER = "valkey-release-relay[bot]";
  const report = (version: string, repo: string, kind: string, runId: number, state?: string) => ({
    schemaVersion: 1,
    releaseId: `valkey@${version}`,
    repo,
    kind,
    runId: String(runId),
    url: `${emulator.url}/${repo}/actions/runs/${runId}`,
    ...(state ? { state } : {}),
  });
  // In the order the downstream runs happened: CI failed, was rerun green, merged, image built.
  const story = (version: string, base: number) => [
    report(version, HASHES, "ci", base + 1, "pending"),
    report(version, HASHES, "ci", base + 1, "failure"),
    report(version, HASHES, "ci", base + 2, "success"),
    report(version, HASHES, "merged", base + 3),
    report(version, CONTAINER, "ci", base + 11, "success"),
    report(version, CONTAINER, "merged", base + 12),
    report(version, CONTAINER, "image-build", base + 13, "failure"),
    report(version, CONTAINER, "image-build", base + 14, "success"),
  ];
  /**
   * What GitHub knows by the time the reports arrive: each release PR opened, tested and merged, and
   * every run the reports name (reports are hints; what is recorded is what GitHub says).
   */
  const happened = async (version: string, base: number) => {
    const run = (
      repo: string,
      id: number,
      name: string,
      headSha: string,
      conclusion: "success" | "failure",
    ) => {
      emulator.startWorkflowRun(repo, {
        id,
        name,
        path: `.github/workflows/${name}.yml`,
        event: "pull_request",
        headBranch: `release-relay/${version}`,
        headSha,
        actor: REPORTER,
      });
      emulator.finishWorkflowRun(repo, id, conclusion);
    };
    for (const [repo, name, ci] of [
      [
        HASHES,
        "hashes",
        [
          [base + 1, "failure"],
          [base + 2, "success"],
          [base + 3, "success"],
        ],
      ],
      [
        CONTAINER,
        "container",
        [
          [base + 11, "success"],
          [base + 12, "success"],
          [base + 13, "failure"],
          [base + 14, "success"],
        ],
      ],
    ] as const) {
      const [owner, repoName] = repo.split("/") as [string, string];
      const git = emulator.git(repo);
      const defaultBranch = emulator.state.repos[repo.toLowerCase()]?.defaultBranch ?? "main";
      const parent = (await git.text(["rev-parse", `refs/heads/${defaultBranch}`])).trim();
      const blob = await git.writeBlob(Buffer.from(`${version}\n`));
      const tree = await git.writeTree(parent, [{ path: `release-${version}`, mode: "100644", sha: blob }]);
      const who = { name: "release-bot", email: "bot@example.invalid", date: "2025-01-07T12:00:00Z" };
      const head = await git.writeCommit(tree, [parent], `${version}\n`, who, who);
      const branch = `release-relay/${version}/${name}`;
      await git.run(["update-ref", `refs/heads/${branch}`, head]);
      const pr = await bot.rest.pulls.create({
        owner,
        repo: repoName,
        head: branch,
        base: defaultBranch,
        title: version,
      });
      await maintainer.rest.pulls.merge({ owner, repo: repoName, pull_number: pr.data.number });
      await new LedgerStore(bot, AUTOMATION, version).append({
        id: `pr:${name}:${pr.data.number}`,
        at: "2025-01-07T12:00:00.000Z",
        type: "pull-request",
        downstream: name,
        repo,
        number: pr.data.number,
        url: pr.data.html_url,
        headSha: head,
        action: "opened",
      });
      for (const [id, conclusion] of ci) run(repo, id, name === "hashes" ? "CI" : "build", head, conclusion);
    }
  };
  const record = (version: string, r: object, n: number) =>
    trackRelease(
      {
        configPath: examplePath,
        version,
        token: "bot",
        report: JSON.stringify(r),
      } as TrackStatusSettings,
      full,
      {
        github: bot,
        run: { runId: `run-${n}`, runUrl: undefined, serverUrl: emulator.url, sender: REPORTER },
        now: () => new Date(),
      },
    );
  const downstreamState = async (version: string) => {
    const { events } = await new LedgerStore(bot, AUTOMATION, version).read();
    return deriveState(events).downstream.sort((a, b) => a.name.localeCompare(b.name));
  };
  const reportIds = async (version: string) =>
    (await new LedgerStore(bot, AUTOMATION, version).read()).events
      .map((e) => e.id)
      .filter((id) => id.startsWith("report:"))
      .map((id) => id.replace(/:\d+:/, ":N:"))
      .sort();

  it("ends in the state of in-order delivery, with every report recorded once", async () => {
    await happened("8.0.10", 100);
    for (const [n, r] of story("8.0.10", 100).entries()) await record("8.0.10", r, n);
    const inOrder = await downstreamState("8.0.10");
    expect(inOrder.find((d) => d.name === "hashes")).toMatchObject({ ci: "success", merged: true });
    expect(inOrder.find((d) => d.name === "container")?.image?.status).toBe("succeeded");

    // The same story for another release: reversed, every report sent twice, all at the same time.
    await happened("8.1.9", 300);
    const reversed = story("8.1.9", 300).reverse();
    const start = emulator.log.mark();
    await Promise.all([...reversed, ...reversed].map((r, n) => record("8.1.9", r, n)));
    // They really arrived together: writers lost the ledger branch to each other and retried.
    expect(lostSwaps(emulator, AUTOMATION, start).length).toBeGreaterThan(0);
    const strip = (ds: Awaited<ReturnType<typeof downstreamState>>) =>
      ds.map((d) => ({ name: d.name, ci: d.ci, merged: d.merged, closed: d.closed, image: d.image?.status }));
    expect(strip(await downstreamState("8.1.9"))).toEqual(strip(inOrder));
    // Every report once: a pending and a failed report of one finished run are one fact, GitHub's.
    expect(await reportIds("8.1.9")).toEqual(await reportIds("8.0.10"));
    expect(await reportIds("8.0.10")).toHaveLength(story("8.0.10", 100).length - 1);
  }, 120_000);
});
