// Attacks on the newest trust decisions, against the GitHub emulator where GitHub is asked: who may
// hold a stage (claims in the ledger, believed only while GitHub says their run is this release
// workflow's and still running), what the tracking issue shows as a release happens (GitHub's list of
// the run's jobs, the environment's reviewers), and what a rerun makes again when artifacts are gone.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../../src/adapters/github/client.js";
import { LedgerStore } from "../../../src/adapters/ledger/ledger-store.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { dashboardContext } from "../../../src/core/dashboard/context.js";
import { renderDashboardHtml } from "../../../src/core/dashboard/html.js";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import { type RunArtifact, stagesToRemake } from "../../../src/core/ledger/artifact-retention.js";
import { type LedgerEvent, STAGES, type Stage } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import {
  awaitingApprovalEvents,
  progressEvents,
  type RunJob,
} from "../../../src/core/ledger/stage-progress.js";
import { targetArtifacts } from "../../../src/core/request/plan.js";
import { parseVersion } from "../../../src/core/request/version.js";
import { GitHubEmulator } from "../../../src/rehearsal/github/emulator.js";
import { trackRelease } from "../../../src/steps/track/track.js";
import type { TrackStatusSettings } from "../../../src/steps/track/track-inputs.js";
import { lostSwaps } from "../../support/lost-swaps.js";
import { trackSettings } from "../../support/track-settings.js";

const configPath = join(import.meta.dirname, "../../../examples/valkey/release-relay.yml");
const config = parseConfig(readFileSync(configPath, "utf8"));
const AUTOMATION = config.tracking.repo;
const OTHER = "mallory/lookalike";
const PATH = ".github/workflows/release.yml";
const COMMIT = "a".repeat(40);

let emulator: GitHubEmulator;
let github: GitHubClient;

const settings = (): TrackStatusSettings => trackSettings(configPath, "8.0.2");
const ledger = () => new LedgerStore(github, AUTOMATION, "8.0.2");
const runOf = (id: number, attempt = 1, now = "2025-01-07T12:00:00Z") => ({
  github,
  now: () => new Date(now),
  sleep: async () => {},
  run: { runId: `${id}-${attempt}`, runUrl: undefined, workflowRunId: String(id), actor: "maintainer" },
  runLookup: {
    github: createGitHubClient({ token: "job", baseUrl: emulator.url, pace: "local" }),
    repo: AUTOMATION,
    workflowPath: PATH,
  },
});
const start = (id: number, path = PATH, repo = AUTOMATION) =>
  emulator.startWorkflowRun(repo, {
    id,
    name: "release",
    path,
    event: "workflow_dispatch",
    headBranch: "main",
    headSha: "b".repeat(40),
    actor: "maintainer",
  });
const decide = (id: number, request: TrackStatusSettings["rerun"] = "failed", attempt = 1) =>
  trackRelease({ ...settings(), rerun: request }, config, runOf(id, attempt));
const record = (id: number, stage: Stage, status: "succeeded" | "failed") =>
  trackRelease({ ...settings(), stage, status }, config, runOf(id));
const forgeClaim = (id: string, runId: string, stages: Stage[], at = "2025-01-07T12:30:00Z") =>
  ledger().append({ id, at, type: "claim", stages, runId });

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(AUTOMATION);
  await emulator.createRepo(OTHER);
  emulator.addToken("t", {
    login: "release-bot[bot]",
    repos: { [AUTOMATION]: ["contents:write", "issues:write"] },
  });
  emulator.addToken("job", {
    login: "github-actions[bot]",
    repos: { [AUTOMATION]: ["actions:read"], [OTHER]: ["actions:read"] },
  });
  github = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
});
afterEach(async () => {
  await emulator.stop();
});

describe("claims written by others", () => {
  it("a claim naming a run in progress in another repo holds nothing", async () => {
    // Run 41 exists and runs, with the release workflow's path, but in a repo of someone else's.
    start(41, PATH, OTHER);
    await forgeClaim("claim:41-1", "41", [...STAGES]);
    start(42);
    const taken = await decide(42);
    expect(taken.held).toEqual([]);
    expect(taken.stagesToRun).toEqual([...STAGES]);
  });

  it("a claim naming an impossible run (20 digits, zero, past 2^53) holds nothing and breaks nothing", async () => {
    await forgeClaim("claim:a", "99999999999999999999", ["build-matrix"]);
    await forgeClaim("claim:b", "0", ["build"]);
    await forgeClaim("claim:c", "9007199254740993", ["qualify"]);
    await forgeClaim("claim:d", "00000000000000000000", ["sign-upload"]);
    start(43);
    const taken = await decide(43);
    expect(taken.held).toEqual([]);
    expect(taken.stagesToRun).toEqual([...STAGES]);
  });

  it("the deciding run is not held by a claim that spells its own run id with a leading zero", async () => {
    // GitHub reads "031" as run 31, the run deciding: it is in progress and runs the release
    // workflow, so it passes the liveness check; compared as text it is not this run's own claim.
    start(31);
    await forgeClaim("claim:031-1", "031", ["build"]);
    const taken = await decide(31);
    expect(taken.held).toEqual([]);
    expect(taken.stagesToRun).toContain("build");
  });

  it("a re-run attempt of the same run is not held by the claim its crashed first attempt made", async () => {
    start(51);
    const first = await decide(51);
    expect(first.stagesToRun).toEqual([...STAGES]);
    // Attempt 1 crashed after claiming; GitHub re-runs the same run id (attempt 2), still in progress.
    const again = await decide(51, "failed", 2);
    expect(again.held).toEqual([]);
    expect(again.stagesToRun).toEqual([...STAGES]);
    // Any other run of the release is still held by run 51 while it runs.
    start(52);
    const other = await decide(52);
    expect(other.stagesToRun).toEqual([]);
    expect(other.held.map((h) => h.runId)).toEqual(STAGES.map(() => "51"));
  });

  it("a finished stage's claim holds nothing; one still running holds every stage another run wanted", async () => {
    start(61);
    await decide(61);
    for (const s of ["build-matrix", "build", "qualify", "compute-hashes", "sign-upload"] as const)
      await record(61, s, "succeeded");
    start(62);
    // Only the build, asked by name, is free: its stage finished, though run 61 still runs.
    const build = await decide(62, ["build"]);
    expect(build.held).toEqual([]);
    expect(build.stagesToRun).toEqual(["build"]);
    emulator.finishWorkflowRun(AUTOMATION, 62, "success");
    start(63);
    // The build with the PRs: the PRs are still run 61's, so run 63 takes neither.
    const both = await decide(63, ["build", "open-downstream-prs"]);
    expect(both.stagesToRun).toEqual([]);
    expect(both.held).toEqual([{ stage: "open-downstream-prs", runId: "61" }]);
  });

  it("a forged claim dated in the future, for a run that ended, does not free the stages a live run holds", async () => {
    start(64);
    expect((await decide(64)).stagesToRun).toEqual([...STAGES]);
    // Someone who can push to the ledger branch writes a claim sorted after every real one, naming a
    // run GitHub reports as finished: it must hold nothing, and must not release run 64's claim.
    start(65, PATH);
    emulator.finishWorkflowRun(AUTOMATION, 65, "failure");
    await forgeClaim("claim:65-1", "65", [...STAGES], "2999-01-01T00:00:00Z");
    start(66);
    const second = await decide(66);
    expect(second.stagesToRun).toEqual([]);
    // Run 64 still holds every stage it claimed.
    expect(second.held).toEqual(STAGES.map((stage) => ({ stage, runId: "64" })));
  });

  it("a forged stage end dated in the future, naming no run of the holder, does not free a live run's claim", async () => {
    start(67);
    expect((await decide(67)).stagesToRun).toEqual([...STAGES]);
    // A stage's end, written by hand, for a run that is not the one holding it.
    await ledger().append({
      id: "stage:build-matrix:failed:1-1",
      at: "2999-01-01T00:00:00Z",
      type: "stage",
      stage: "build-matrix",
      status: "failed",
      runId: "1",
    });
    start(68);
    const second = await decide(68, ["build-matrix"]);
    expect(second.stagesToRun).toEqual([]);
    expect(second.held).toEqual([{ stage: "build-matrix", runId: "67" }]);
  });

  it("three runs deciding at the same moment: exactly one takes the stages, the others take none", async () => {
    for (const id of [71, 72, 73]) start(id);
    const mark = emulator.log.mark();
    const results = await Promise.all([decide(71), decide(72), decide(73)]);
    // They decided on the same ledger head: the two that lost the branch saw the claim on their retry.
    expect(lostSwaps(emulator, AUTOMATION, mark).length).toBeGreaterThanOrEqual(2);
    const winners = results.filter((r) => r.stagesToRun.length > 0);
    expect(winners).toHaveLength(1);
    const events = (await ledger().read()).events.filter((e) => e.type === "claim");
    expect(events).toHaveLength(1);
    for (const r of results.filter((x) => x !== winners[0])) expect(r.stagesToRun).toEqual([]);
  });

  it("a claim naming a live run of the release workflow blocks only while GitHub says that run runs", async () => {
    // The worst a forged claim can do: hold the release while the run it names lives. Named run
    // ended (even with the claim dated far in the future): nothing is held any more.
    start(81);
    await forgeClaim("claim:81-1", "81", ["build"], "2999-01-01T00:00:00Z");
    start(82);
    expect((await decide(82)).held).toEqual([{ stage: "build", runId: "81" }]);
    emulator.finishWorkflowRun(AUTOMATION, 81, "cancelled");
    emulator.finishWorkflowRun(AUTOMATION, 82, "success");
    start(83);
    const after = await decide(83);
    expect(after.held).toEqual([]);
    expect(after.stagesToRun).toContain("build");
  });

  it("a claim for a run of another workflow of this repo, or one GitHub knows nothing of, holds nothing", async () => {
    start(91, ".github/workflows/ci.yml");
    await forgeClaim("claim:91-1", "91", ["build-matrix", "build"]);
    await forgeClaim("claim:404-1", "404", ["qualify"]);
    start(92);
    const taken = await decide(92);
    expect(taken.held).toEqual([]);
    expect(taken.stagesToRun).toEqual([...STAGES]);
  });
});

describe("the release as it happens", () => {
  const claimed = (runId: string): LedgerEvent[] => [
    { id: `claim:${runId}-1`, at: "2025-01-07T10:00:00Z", type: "claim", stages: [...STAGES], runId },
    ...(["build-matrix", "build", "qualify"] as const).map(
      (stage): LedgerEvent => ({
        id: `stage:${stage}:succeeded:${runId}-1`,
        at: "2025-01-07T10:10:00Z",
        type: "stage",
        stage,
        status: "succeeded",
        runId,
      }),
    ),
  ];
  const run = { runId: "31-1", workflowRunId: "31" };
  const ctx = dashboardContext(config, "8.0.2", "f".repeat(40));

  it("reviewer names and the environment cannot break out of the issue's table or into the HTML page", () => {
    const evil = [
      "a|b",
      "<img src=x onerror=alert(1)>",
      "[click](https://evil.example/x)",
      "x\n| Stage | forged |",
      "<script>alert(1)</script>",
    ];
    const waiting = awaitingApprovalEvents(
      deriveState(claimed("31")),
      ["compute-hashes", "sign-upload"],
      "release|</td><b>",
      evil,
      run,
      "2025-01-07T10:11:00Z",
    );
    expect(waiting.map((e) => (e.type === "stage" ? e.stage : ""))).toEqual([
      "compute-hashes",
      "sign-upload",
    ]);
    const state = deriveState([...claimed("31"), ...waiting]);
    const body = renderDashboard(state, ctx);
    const rows = body
      .split("\n")
      .filter((l) => l.startsWith("| Hashes |") || l.startsWith("| Sign & upload |"));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      // Five cells: six pipes not escaped.
      expect(row.replaceAll("\\|", "").split("|")).toHaveLength(7);
      expect(row).not.toMatch(/<img|<script|<\/td>|<b>/i);
      expect(row).not.toMatch(/[^\\]\]\(https:\/\/evil/);
    }
    // No extra table row was smuggled in by a newline.
    expect(body.split("\n").filter((l) => l.includes("forged"))).toHaveLength(2);
    const html = renderDashboardHtml(state, ctx, { title: "valkey 8.0.2" });
    expect(html).not.toMatch(/<img|<script|<\/td><b>|href="https:\/\/evil/i);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("a late 'waiting' never hides a start, an end or a failure, and nobody is awaited after a failure", () => {
    const at = (m: number) => `2025-01-07T11:${String(m).padStart(2, "0")}:00Z`;
    const waiting = (stage: Stage, m: number, runId = "31-1"): LedgerEvent => ({
      id: `stage:${stage}:waiting:${runId}`,
      at: at(m),
      type: "stage",
      stage,
      status: "waiting",
      detail: "waiting for approval by @x (environment release)",
    });
    const stage = (s: Stage, status: "started" | "succeeded" | "failed", m: number): LedgerEvent => ({
      id: `stage:${s}:${status}:31-1`,
      at: at(m),
      type: "stage",
      stage: s,
      status,
      runId: "31",
    });
    const state = deriveState([
      ...claimed("31"),
      stage("compute-hashes", "started", 1),
      waiting("compute-hashes", 2),
      stage("sign-upload", "failed", 3),
      waiting("sign-upload", 4),
      stage("open-downstream-prs", "succeeded", 5),
      waiting("open-downstream-prs", 6),
    ]);
    expect(state.stages["compute-hashes"].status).toBe("running");
    expect(state.stages["open-downstream-prs"].status).toBe("succeeded");
    // A failed stage may wait again (a rerun's approval); its failure stays on record.
    expect(state.failures.map((f) => f.what)).toContain("stage sign-upload");
    // sign-upload failed: the PRs wait for nobody; a stage this run did not claim waits for nobody.
    const failedState = deriveState([...claimed("31"), stage("sign-upload", "failed", 3)]);
    expect(
      awaitingApprovalEvents(failedState, ["open-downstream-prs"], "release", ["x"], run, at(9)),
    ).toEqual([]);
    expect(
      awaitingApprovalEvents(deriveState(claimed("77")), ["compute-hashes"], "release", ["x"], run, at(9)),
    ).toEqual([]);
  });

  it("jobs that only look like a stage's job, or have not started, move no stage", () => {
    const job = (name: string, over: Partial<RunJob> = {}): RunJob => ({
      name,
      status: "completed",
      conclusion: "success",
      startedAt: "2025-01-07T10:00:00Z",
      completedAt: "2025-01-07T10:05:00Z",
      ...over,
    });
    const events = progressEvents(
      [
        job("builder"),
        job("build-matrix"),
        job("build-extra (linux)"),
        job("qualify-logs"),
        job("publishing"),
        job("downstream-generate (x)"),
        job("planner"),
        // Waiting on the environment: not started, whatever started_at says.
        job("publish", { status: "waiting", conclusion: null, completedAt: null }),
        // Skipped: not run at all.
        job("downstream", { conclusion: "skipped" }),
      ],
      run,
    );
    expect(events).toEqual([]);
  });

  it("a run that holds no stage records no stage from its own jobs", async () => {
    // Run 101 holds the release; run 102 (the same release requested again) is held and runs nothing
    // but its plan job, which GitHub lists like any other; a maintainer cancels the useless run 102
    // (its track job still runs: always()). Its plan ending must not tell the issue that the plan of
    // the release failed, nor release run 101's claim on it.
    start(101);
    await decide(101);
    start(102);
    const held = await decide(102);
    expect(held.stagesToRun).toEqual([]);
    const jobs: RunJob[] = [
      {
        name: "plan",
        status: "completed",
        conclusion: "cancelled",
        startedAt: "2025-01-07T12:01:00Z",
        completedAt: "2025-01-07T12:02:00Z",
      },
    ];
    const after = await trackRelease({ ...settings(), runJobs: jobs }, config, runOf(102));
    expect(after.state.stages["build-matrix"].status).not.toBe("failed");
    expect(after.state.failures).toEqual([]);
    expect(after.state.claims["build-matrix"]).toEqual(["101"]);
  });
});

describe("artifacts a rerun would reuse", () => {
  const version = parseVersion("8.0.2");
  const targets = targetArtifacts(config, version).map((t) => t.target);
  const buildName = (target: string) => `build-${target}-${COMMIT}`;
  // Run 200 built, qualified and published; its PRs failed: a rerun needs only the hashes.
  // Run 100 built and qualified; its publishing failed: a rerun needs the build's files.
  const history = (publishedBy: string | undefined): LedgerEvent[] =>
    [
      ["build-matrix", "100"],
      ["build", "100"],
      ["qualify", "100"],
      ...(publishedBy
        ? [
            ["compute-hashes", publishedBy],
            ["sign-upload", publishedBy],
          ]
        : []),
    ].map(([stage, runId]) => ({
      id: `stage:${stage}:succeeded:${runId}-1`,
      at: "2025-01-07T10:00:00Z",
      type: "stage" as const,
      stage: stage as Stage,
      status: "succeeded" as const,
      runId: runId as string,
    }));
  const art = (name: string, expired = false): RunArtifact => ({
    name,
    expired,
    expiresAt: expired ? "2025-01-08T00:00:00Z" : "2025-01-14T00:00:00Z",
  });

  it("one target's build files gone while the others remain: the rerun builds again", async () => {
    const lookup = runOf(300).runLookup;
    start(100);
    await decide(100);
    for (const stage of ["build-matrix", "build", "qualify"] as const) await record(100, stage, "succeeded");
    await record(100, "sign-upload", "failed");
    // Only the first target's artifact is still there (the others deleted by hand or by a cleanup).
    emulator.recordArtifact(AUTOMATION, {
      runId: 100,
      name: buildName(targets[0] as string),
      sizeInBytes: 10,
      retentionDays: 7,
    });
    emulator.finishWorkflowRun(AUTOMATION, 100, "failure");
    expect(targets.length).toBeGreaterThan(1);
    start(300);
    const rerun = await trackRelease({ ...settings(), rerun: "failed" }, config, {
      ...runOf(300),
      runLookup: lookup,
    });
    // Qualify and publish would download every target's files from run 100: three are not there.
    expect(rerun.stagesToRun).toContain("build");
    expect(rerun.stagesToRun).toContain("qualify");
  });

  it("remakes only what made the artifacts gone, and judges nothing GitHub did not list", () => {
    const published = deriveState(history("200"));
    const prsOnly: Stage[] = ["open-downstream-prs"];
    const all = targets.map((t) => art(buildName(t)));
    // Everything still there: nothing added, nothing published again.
    expect(
      stagesToRemake(published, prsOnly, { "200": [art("hashes")], "100": all }, { targets, commit: COMMIT })
        .stages,
    ).toEqual([]);
    // Hashes expired, build files there: hashed and uploaded again (upload is immutable), not rebuilt.
    expect(
      stagesToRemake(
        published,
        prsOnly,
        { "200": [art("hashes", true)], "100": all },
        { targets, commit: COMMIT },
      ).stages,
    ).toEqual(["compute-hashes", "sign-upload"]);
    // Hashes and build files expired: built and qualified again before anything is published.
    expect(
      stagesToRemake(
        published,
        prsOnly,
        {
          "200": [art("hashes", true)],
          "100": targets.map((t) => art(buildName(t), true)),
        },
        { targets, commit: COMMIT },
      ).stages,
    ).toEqual(["compute-hashes", "sign-upload", "build", "qualify"]);
    // Runs not looked up are not judged; nor is a build no stage of the rerun uses.
    expect(stagesToRemake(published, prsOnly, {}, { targets, commit: COMMIT }).stages).toEqual([]);
    expect(stagesToRemake(published, [...STAGES], { "100": [] }, { targets, commit: COMMIT }).stages).toEqual(
      [],
    );
    // A listing for another run (a forged run id's) changes nothing.
    expect(stagesToRemake(published, prsOnly, { "999": [] }, { targets, commit: COMMIT }).stages).toEqual([]);
  });

  it("a build run GitHub no longer knows counts as gone: rebuilt, never published from nothing", async () => {
    start(100);
    await decide(100);
    for (const stage of ["build-matrix", "build", "qualify"] as const) await record(100, stage, "succeeded");
    await record(100, "sign-upload", "failed");
    emulator.finishWorkflowRun(AUTOMATION, 100, "failure");
    // Run 100 deleted: drop it from what GitHub lists.
    const repo = emulator.state.repos[AUTOMATION.toLowerCase()];
    if (repo?.workflowRuns) repo.workflowRuns = repo.workflowRuns.filter((r) => r.id !== 100);
    start(300);
    const rerun = await decide(300);
    expect(rerun.stagesToRun.slice(0, 2)).toEqual(["build", "qualify"]);
    expect(rerun.state.reruns.at(-1)?.detail).toMatch(/build artifacts of run 100 are gone/);
  });
});
