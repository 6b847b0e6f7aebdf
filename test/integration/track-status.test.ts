import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { readEnvironmentReviewers, readRunJobs } from "../../src/adapters/runs/run-jobs.js";
import { buildArtifactName } from "../../src/core/artifacts/placement.js";
import { parseConfig } from "../../src/core/config/parse.js";
import { readLedgerMarker } from "../../src/core/dashboard/ledger-marker.js";
import type { LedgerEvent } from "../../src/core/ledger/events.js";
import { targetArtifacts } from "../../src/core/request/plan.js";
import { buildReleaseRequested } from "../../src/core/request/release-requested.js";
import { parseVersion } from "../../src/core/request/version.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { planRequest } from "../../src/steps/plan.js";
import { sweepOpenReleases } from "../../src/steps/track/review-sweep.js";
import { trackRelease } from "../../src/steps/track/track.js";
import type { TrackStatusSettings } from "../../src/steps/track/track-inputs.js";
import { lostSwaps } from "../support/lost-swaps.js";
import { valkeyReleaseEvents } from "../support/release-events.js";
import { runBundledAction } from "../support/run-action.js";
import { reportChecks, seedReleasableCommit } from "../support/source-ci.js";
import { trackSettings } from "../support/track-settings.js";

const configPath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const config = parseConfig(readFileSync(configPath, "utf8"));
const AUTOMATION = config.tracking.repo;
let emulator: GitHubEmulator;
let github: GitHubClient;

const settings = (event?: LedgerEvent): TrackStatusSettings =>
  trackSettings(configPath, "8.0.2", { event: event ? JSON.stringify(event) : undefined });
const deps = (n = 1): Parameters<typeof trackRelease>[2] => ({
  github,
  run: { runId: `run-${n}`, runUrl: undefined },
  now: () => new Date("2025-01-07T12:00:00Z"),
  sleep: async () => {},
});
const issuesOf = () => emulator.state.repos[AUTOMATION.toLowerCase()]?.issues ?? [];
const commentsOf = (n: number) =>
  (emulator.state.repos[AUTOMATION.toLowerCase()]?.comments ?? []).filter((c) => c.issueNumber === n);

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(AUTOMATION);
  emulator.addToken("t", {
    login: "release-bot[bot]",
    repos: { [AUTOMATION]: ["contents:write", "issues:write"] },
  });
  github = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
});
afterEach(async () => {
  await emulator.stop();
});

describe("track-status against the GitHub emulator", () => {
  it("keeps what a rerun needs: the original request, the runs of finished stages, and what is left to do", async () => {
    const plan = {
      schemaVersion: 1,
      releaseId: "valkey@8.0.2",
      project: "valkey",
      source: "valkey-io/valkey",
      buildCommand: "make",
      version: "8.0.2",
      tag: "8.0.2",
      commit: "a".repeat(40),
      prerelease: false,
      line: "8.0",
      buildTime: "2025-01-07T10:00:00Z",
      sourceDateEpoch: 1736244000,
      buildTimeoutMinutes: 60,
      matrix: { include: [] },
      artifacts: [],
      downstream: [],
      checksums: { key: "k", url: "https://x/k" },
      ledgerBranch: "release-relay-ledger/8.0.2",
      tracking: { repo: AUTOMATION, title: "Release 8.0.2" },
    };
    const runOf = (id: string) => ({
      ...deps(),
      run: { runId: `${id}-1`, runUrl: undefined, workflowRunId: id, actor: "maintainer" },
    });
    await trackRelease({ ...settings(), plan: JSON.stringify(plan) }, config, runOf("100"));
    for (const stage of ["build-matrix", "build", "compute-hashes"] as const)
      await trackRelease({ ...settings(), stage, status: "succeeded" }, config, runOf("100"));
    await trackRelease(
      { ...settings(), stage: "sign-upload", status: "failed", detail: "S3 denied" },
      config,
      runOf("100"),
    );
    // The first run, as GitHub knows it, with the build's files it kept for reruns.
    emulator.startWorkflowRun(AUTOMATION, {
      id: 100,
      name: "release",
      path: ".github/workflows/release.yml",
      event: "repository_dispatch",
      headBranch: "main",
      headSha: "a".repeat(40),
      actor: "release-relay[bot]",
    });
    for (const target of targetArtifacts(config, parseVersion("8.0.2")))
      emulator.recordArtifact(AUTOMATION, {
        runId: 100,
        name: buildArtifactName(target.target, "a".repeat(40)),
        sizeInBytes: 10,
        retentionDays: 7,
      });
    emulator.addToken("t", {
      login: "release-bot[bot]",
      repos: { [AUTOMATION]: ["contents:write", "issues:write", "actions:read"] },
    });
    const rerun = await trackRelease({ ...settings(), rerun: "failed" }, config, runOf("200"));
    // A plan without a qualify command settles that stage: the release never waits for it.
    expect(rerun.state.stages.qualify).toMatchObject({
      status: "skipped",
      detail: "no qualify command in release-relay.yml",
    });
    expect(rerun.stagesToRun).toEqual(["sign-upload", "open-downstream-prs"]);
    expect(rerun.state.request).toEqual({
      tag: "8.0.2",
      commit: "a".repeat(40),
      requestedAt: "2025-01-07T10:00:00Z",
    });
    expect(rerun.state.stages.build.runId).toBe("100");
    expect(commentsOf(rerun.issue.number).at(-1)?.body).toBe(
      "Rerun requested by maintainer: sign-upload, open-downstream-prs.",
    );
    const nothing = await trackRelease({ ...settings(), rerun: "all" }, config, runOf("300"));
    expect(nothing.stagesToRun).toEqual([
      "build-matrix",
      "build",
      "qualify",
      "compute-hashes",
      "sign-upload",
      "open-downstream-prs",
    ]);
  });

  it("shows a maintainer's override of red source CI once GitHub confirms the run that asked for it", async () => {
    const SOURCE = config.source.repo;
    await emulator.createRepo(SOURCE, { files: { "src/server.c": "int main(void) { return 0; }\n" } });
    const sha = await seedReleasableCommit(emulator, SOURCE);
    await reportChecks(emulator, SOURCE, sha, { "test-sanitizer-address": "failure" });
    // The maintainer ran request-release by hand with an override-reason: GitHub knows that run.
    emulator.startWorkflowRun(SOURCE, {
      id: 4242,
      name: "request-release",
      path: ".github/workflows/release-relay.yml",
      event: "workflow_dispatch",
      headBranch: "8.0",
      headSha: sha,
      actor: "maintainer",
    });
    const payload = buildReleaseRequested(config.project, parseVersion("8.0.2"), sha, SOURCE, {
      actor: "maintainer",
      event: "workflow_dispatch",
      // Sent by that run, just now (a run long before the request confirms nothing).
      at: new Date().toISOString(),
      runUrl: `${emulator.url}/${SOURCE}/actions/runs/4242`,
      checksOverride: {
        by: "maintainer",
        reason: "flaky | sanitizer run",
        failing: ["test-sanitizer-address (failure)"],
      },
    });
    const context = {
      github,
      serverUrl: emulator.url,
      sender: "valkey-release-bot",
      now: () => new Date(),
      log: () => {},
    };
    const plan = await planRequest(
      {
        configPath,
        environment: undefined,
        token: "t",
        payload: JSON.stringify(payload),
        version: undefined,
        sha: undefined,
        requestedAt: undefined,
      },
      config,
      context,
    );
    expect(plan.requestedBy).toBe("maintainer");
    const done = await trackRelease({ ...settings(), plan: JSON.stringify(plan) }, config, deps());
    expect(done.state.request?.checksOverride).toEqual(payload.options?.checksOverride);
    const body = issuesOf()[0]?.body ?? "";
    expect(body).toContain(
      "> ⚠️ **Released with source CI not green** (test-sanitizer-address (failure)): overridden by maintainer — `flaky \\| sanitizer run`",
    );
    // A rerun's plan carries no override; the first request's record stays.
    const rerunPlan = await planRequest(
      {
        configPath,
        environment: undefined,
        token: "t",
        payload: undefined,
        version: "8.0.2",
        sha: undefined,
        requestedAt: undefined,
      },
      config,
      context,
    );
    expect(rerunPlan.commit).toBe(sha);
    expect(rerunPlan.buildTime).toBe(plan.buildTime);
    const again = await trackRelease({ ...settings(), plan: JSON.stringify(rerunPlan) }, config, deps(2));
    expect(again.state.request?.checksOverride?.reason).toBe("flaky | sanitizer run");
  });

  it("pings the reviewers once when a release PR waits past tracking.review-ping, and never a merged one", async () => {
    const pinging = {
      ...config,
      tracking: { ...config.tracking, reviewPing: { afterHours: 24, notify: ["@valkey-io/core-team"] } },
    };
    const opened = Date.parse("2025-01-07T12:00:00Z");
    const at = (hours: number) => ({ ...deps(), now: () => new Date(opened + hours * 3_600_000) });
    const pr = (name: string, repo: string, number: number): LedgerEvent => ({
      id: `pr:${name}:${number}`,
      at: "2025-01-07T12:00:00.000Z",
      type: "pull-request",
      downstream: name,
      repo,
      number,
      url: `https://github.com/${repo}/pull/${number}`,
      action: "opened",
    });
    await trackRelease(settings(pr("hashes", "valkey-io/valkey-hashes", 41)), pinging, at(0));
    await trackRelease(settings(pr("container", "valkey-io/valkey-container", 42)), pinging, at(0));
    const merged: LedgerEvent = {
      id: "report:container:merged",
      at: "2025-01-07T13:00:00.000Z",
      type: "pull-request-closed",
      downstream: "container",
      merged: true,
      by: "reviewer",
    };
    await trackRelease(settings(merged), pinging, at(1));
    const { issue } = await trackRelease(settings(), pinging, at(23));
    expect(commentsOf(issue.number)).toEqual([]);
    await trackRelease(settings(), pinging, at(26));
    expect(commentsOf(issue.number).map((c) => c.body)).toEqual([
      "@valkey-io/core-team the hashes PR of release 8.0.2 has waited 26 h without being merged: https://github.com/valkey-io/valkey-hashes/pull/41 — please review it (its CI: unknown).",
    ]);
    // Once: later looks (the hourly sweep) post nothing more.
    const mark = emulator.log.mark();
    await trackRelease(settings(), pinging, at(40));
    expect(commentsOf(issue.number)).toHaveLength(1);
    expect(emulator.log.summary(mark).mutating).toBe(0);
  });

  it("the hourly sweep looks at every open release and only those", async () => {
    for (const version of ["8.0.2", "8.1.0-rc1"])
      await trackRelease({ ...settings(), version, stage: "build", status: "started" }, config, deps());
    const swept = await sweepOpenReleases(config, settings(), deps());
    expect(swept.map((s) => s.version).sort()).toEqual(["8.0.2", "8.1.0-rc1"]);
    const [first] = issuesOf();
    const [owner, repo] = AUTOMATION.split("/") as [string, string];
    await github.rest.issues.update({ owner, repo, issue_number: first?.number as number, state: "closed" });
    const again = await sweepOpenReleases(config, settings(), deps());
    expect(again.map((s) => s.version)).toEqual(["8.1.0-rc1"]);
    // An issue anyone opened with a release's title and label is no release: with the App's slug, as
    // status.yml passes it, the sweep looks only at the App's own issues (and starts no ledger).
    emulator.addToken("someone", { login: "someone", repos: { [AUTOMATION]: ["issues:write"] } });
    const someone = createGitHubClient({ token: "someone", baseUrl: emulator.url, pace: "local" });
    await someone.rest.issues.create({ owner, repo, title: "Release 99.0.0", labels: ["release"] });
    const own = await sweepOpenReleases(config, { ...settings(), appSlug: "release-bot" }, deps());
    expect(own.map((s) => s.version)).toEqual(["8.1.0-rc1"]);
    expect((await new LedgerStore(github, AUTOMATION, "99.0.0").read()).events).toEqual([]);
  });

  it("creates the tracking label the repo lacks, once, so the issue carries it and the sweep finds it", async () => {
    const labels = () => emulator.state.repos[AUTOMATION.toLowerCase()]?.labels ?? [];
    expect(labels()).toEqual([]);
    await trackRelease({ ...settings(), stage: "build", status: "started" }, config, deps());
    expect(labels()).toMatchObject([
      { name: "release", color: "0e8a16", description: "A release tracked by release-relay" },
    ]);
    expect(issuesOf().map((i) => i.labels)).toEqual([["release"]]);
    // Another release's issue uses the label as it is: read, not created again.
    const mark = emulator.log.mark();
    await trackRelease(
      { ...settings(), version: "8.1.0-rc1", stage: "build", status: "started" },
      config,
      deps(),
    );
    const calls = emulator.log.calls({ since: mark }).map((c) => c.route);
    expect(calls).toContain("GET /repos/{owner}/{repo}/labels/{name}");
    expect(calls).not.toContain("POST /repos/{owner}/{repo}/labels");
    expect(labels()).toHaveLength(1);
    expect(issuesOf().map((i) => i.labels)).toEqual([["release"], ["release"]]);
    const swept = await sweepOpenReleases(config, settings(), deps());
    expect(swept.map((s) => s.version).sort()).toEqual(["8.0.2", "8.1.0-rc1"]);
  });

  it("tells a whole Valkey-shaped release in one tracking issue with at most 3 comments, closed at the end", async () => {
    for (const event of valkeyReleaseEvents({ failBuildOnce: true }))
      await trackRelease(settings(event), config, deps());
    const issues = issuesOf();
    expect(issues.map((i) => [i.title, i.state])).toEqual([["Release 8.0.2", "closed"]]);
    const issue = issues[0] as (typeof issues)[number];
    expect(issue.body).toContain("**✅ Released**");
    expect(issue.labels).toEqual(["release"]);
    const comments = commentsOf(issue.number);
    expect(comments.length).toBeLessThanOrEqual(3);
    expect(comments.map((c) => c.body.split(":")[0])).toEqual([
      "@valkey-io/core-team release 8.0.2 needs attention",
      "Rerun requested by maintainer",
      "Release 8.0.2 is complete",
    ]);
    // The ledger is a branch of plain git commits, one per step, each naming the events it added: a
    // comment's claim goes in the commit of the event that made it due.
    const log = await emulator.git(AUTOMATION).text(["log", "--format=%s", "release-relay-ledger/8.0.2"]);
    const { events } = await new LedgerStore(github, AUTOMATION, "8.0.2").read();
    const commits = log.split("\n").reverse();
    const named = commits.flatMap((m) => /^\d+ events: (.*)$/.exec(m)?.[1]?.split(", ") ?? [m.split(" ")[1]]);
    expect(named).toEqual(events.map((e) => e.id));
    expect(commits).toContain("2 events: report:container:image, comment:complete");
    expect(commits.length).toBeLessThan(events.length);
    // A rerun of the finished release reopens its issue and says so once.
    const rerun: LedgerEvent = {
      id: "rerun:3",
      at: "2025-01-07T13:00:00Z",
      type: "rerun-requested",
      stages: ["sign-upload"],
      by: "maintainer",
    };
    await trackRelease(settings(rerun), config, deps());
    await trackRelease(
      settings({
        id: "stage:sign-upload:started:3",
        at: "2025-01-07T13:00:05Z",
        type: "stage",
        stage: "sign-upload",
        status: "started",
      }),
      config,
      deps(),
    );
    expect(issuesOf()[0]?.state).toBe("open");
    expect(commentsOf(issue.number).at(-1)?.body).toBe("Rerun requested by maintainer: sign-upload.");
    await trackRelease(
      settings({
        id: "stage:sign-upload:succeeded:3",
        at: "2025-01-07T13:01:00Z",
        type: "stage",
        stage: "sign-upload",
        status: "succeeded",
      }),
      config,
      deps(),
    );
    expect(issuesOf()[0]?.state).toBe("closed");
  });

  it("changes nothing for a duplicate event: no mutating call at all", async () => {
    const [first] = valkeyReleaseEvents();
    await trackRelease(settings(first), config, deps());
    const mark = emulator.log.mark();
    const result = await trackRelease(settings(first), config, deps());
    expect(result.appended).toBe(false);
    expect(emulator.log.summary(mark).mutating).toBe(0);
  });

  it("costs one ledger write and one issue update per step, and never writes an unchanged body", async () => {
    const [a, b] = valkeyReleaseEvents();
    await trackRelease(settings(a), config, deps());
    const mark = emulator.log.mark();
    await trackRelease(settings(b), config, deps());
    // The ledger read in the write is what the issue is rendered from; the head is checked once after.
    expect(emulator.log.calls({ since: mark }).map((c) => c.route)).toEqual([
      "POST /graphql branchFile",
      "POST /graphql createCommitOnBranch",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
    ]);
    // Nothing new: the body GitHub has is read, compared and left as it is.
    const again = emulator.log.mark();
    await trackRelease(settings(b), config, deps());
    expect(emulator.log.calls({ since: again }).map((c) => c.route)).toEqual([
      "POST /graphql branchFile",
      "GET /repos/{owner}/{repo}/issues/{issue_number}",
    ]);
  });

  it("records the plan job's claim, plan, own end and the build under way with the new issue in one commit", async () => {
    const plan = {
      schemaVersion: 1,
      releaseId: "valkey@8.0.2",
      project: "valkey",
      source: "valkey-io/valkey",
      buildCommand: "make",
      version: "8.0.2",
      tag: "8.0.2",
      commit: "b".repeat(40),
      prerelease: false,
      line: "8.0",
      buildTime: "2025-01-07T10:00:00Z",
      sourceDateEpoch: 1736244000,
      buildTimeoutMinutes: 60,
      matrix: { include: [] },
      artifacts: [],
      downstream: [],
      checksums: { key: "k", url: "https://x/k" },
      ledgerBranch: "release-relay-ledger/8.0.2",
      tracking: { repo: AUTOMATION, title: "Release 8.0.2" },
    };
    const step = {
      ...settings(),
      rerun: "failed" as const,
      plan: JSON.stringify(plan),
      stage: "build-matrix" as const,
      status: "succeeded" as const,
      starting: ["build" as const],
      appSlug: "release-bot",
    };
    const run = {
      ...deps(),
      run: { runId: "300-1", runUrl: undefined, workflowRunId: "300", actor: "maintainer" },
    };
    const result = await trackRelease(step, config, run);
    expect(result.stagesToRun).toContain("build-matrix");
    const log = await emulator.git(AUTOMATION).text(["log", "--format=%s", "release-relay-ledger/8.0.2"]);
    expect(log.split("\n")).toEqual([
      `6 events: claim:300-1, request:${"b".repeat(40)}, stage:qualify:skipped:not-configured, stage:build-matrix:succeeded:300-1, stage:build:started:300-1, tracking-issue:1`,
    ]);
    const body = issuesOf()[0]?.body ?? "";
    expect(body).toContain("| Plan | ✅ succeeded |");
    expect(body).toContain("| Build | 🔵 running |");
    expect(readLedgerMarker(body)).toBe(result.head);
    expect(issuesOf()).toHaveLength(1);
  });

  it("keeps one canonical tracking issue when two first writers race, closing the duplicate with a link", async () => {
    const [a, b] = valkeyReleaseEvents();
    // The race, made to happen: each writer's first look for the issue answers only once both have
    // looked, so neither finds the other's issue and each opens its own; both then go on at once, and
    // must agree on the one the ledger recorded first whichever of them appends first.
    let looked = 0;
    let bothLooked = () => {};
    const barrier = new Promise<void>((resolve) => {
      bothLooked = resolve;
    });
    const racer = (n: number) => {
      const client = createGitHubClient({ token: "t", baseUrl: emulator.url, pace: "local" });
      let firstLook = true;
      client.hook.wrap("request", async (request, options) => {
        const response = await request(options);
        if (!firstLook || options.method !== "GET" || !/\/issues(\?|$)/.test(options.url)) return response;
        firstLook = false;
        if (++looked === 2) bothLooked();
        await barrier;
        return response;
      });
      return { ...deps(n), github: client };
    };
    // As release.yml passes it: the App's slug, so an issue this App opened is taken over.
    const [ra, rb] = await Promise.all([
      trackRelease({ ...settings(a), appSlug: "release-bot" }, config, racer(1)),
      trackRelease({ ...settings(b), appSlug: "release-bot" }, config, racer(2)),
    ]);
    expect(
      issuesOf()
        .map((i) => i.state)
        .sort(),
    ).toEqual(["closed", "open"]);
    expect(ra.issue.number).toBe(rb.issue.number);
    const issues = issuesOf();
    const open = issues.filter((i) => i.state === "open");
    expect(open).toHaveLength(1);
    for (const dup of issues.filter((i) => i.state === "closed")) {
      expect(commentsOf(dup.number).map((c) => c.body)).toEqual([
        `Duplicate of ${ra.issue.url}: this release is tracked there.`,
      ]);
    }
  });

  it("repairs the body when a writer died between appending and rendering", async () => {
    const [a, b, c] = valkeyReleaseEvents();
    await trackRelease(settings(a), config, deps());
    // A writer appends, then dies before it renders.
    await new LedgerStore(github, AUTOMATION, "8.0.2").append(b as LedgerEvent);
    const issueBefore = issuesOf()[0];
    expect(issueBefore?.body).not.toContain("Plan | ✅ succeeded");
    // Faults on the next writer's calls are retried; its render covers the lost one.
    emulator.failNext("PATCH /repos/{owner}/{repo}/issues/{issue_number}", "502");
    emulator.failNext("PATCH /repos/{owner}/{repo}/git/refs/{ref}", "503");
    await trackRelease(settings(c), config, deps());
    const body = issuesOf()[0]?.body ?? "";
    expect(body).toContain("| Plan | ✅ succeeded |");
    expect(body).toContain("| Build | 🔵 running |");
  });

  it("turns a report GitHub confirms into an event and refuses the rest", async () => {
    const HASHES = "valkey-io/valkey-hashes";
    await emulator.createRepo(HASHES, { files: { README: "hashes\n" } });
    emulator.startWorkflowRun(HASHES, {
      id: 77,
      name: "report-status",
      path: ".github/workflows/release-relay-report.yml",
      event: "workflow_run",
      headBranch: "main",
      headSha: "a".repeat(40),
      actor: "valkey-release-relay[bot]",
    });
    const report = {
      schemaVersion: 1,
      releaseId: "valkey@8.0.2",
      repo: HASHES,
      kind: "page-published",
      runId: "77",
      url: "https://valkey.io/download/releases/v8-0-2/",
    };
    const reporter = {
      ...deps(),
      run: { runId: "run-1", runUrl: undefined, sender: "valkey-release-relay[bot]" },
    };
    await trackRelease({ ...settings(), report: JSON.stringify(report) }, config, reporter);
    expect((await new LedgerStore(github, AUTOMATION, "8.0.2").read()).events.map((e) => e.type)).toContain(
      "page-published",
    );
    const stranger = { ...report, repo: "someone/else" };
    await expect(
      trackRelease({ ...settings(), report: JSON.stringify(stranger) }, config, reporter),
    ).rejects.toThrow("downstream report from someone/else, which is not a downstream in release-relay.yml");
    await expect(
      trackRelease(
        { ...settings(), report: JSON.stringify({ ...report, schemaVersion: 2 }) },
        config,
        reporter,
      ),
    ).rejects.toThrow("downstream report is invalid");
    await expect(
      trackRelease({ ...settings(), report: JSON.stringify({ ...report, runId: "78" }) }, config, reporter),
    ).rejects.toThrow("names run 78, which GitHub does not know in valkey-io/valkey-hashes");
  });

  it("runs bundled with stage + status inputs, as the runner runs it", async () => {
    const result = await runBundledAction(
      "track-status",
      {
        "config-path": configPath,
        version: "8.0.2",
        token: "t",
        stage: "build",
        status: "failed",
        detail: "make exited 2",
      },
      {
        GITHUB_REPOSITORY: AUTOMATION,
        GITHUB_API_URL: emulator.url,
        GITHUB_RUN_ID: "9",
        GITHUB_SERVER_URL: "https://github.com",
      },
    );
    expect(result.stdout).not.toContain("::error::");
    expect(result.outputs["issue-number"]).toBe("1");
    expect(JSON.parse(result.outputs["stages-to-run"] ?? "[]")).toEqual([
      "build-matrix",
      "build",
      "qualify",
      "compute-hashes",
      "sign-upload",
      "open-downstream-prs",
    ]);
    expect(result.summary).toContain("**❌ Needs attention**");
    expect(commentsOf(1)[0]?.body).toContain(
      "@valkey-io/core-team release 8.0.2 needs attention: **stage build** — make exited 2",
    );
  });

  it("records who approved the run's release environment, once, with the job's token that may read Actions", async () => {
    // A private automation repo: a public one's run reviews are readable by any token, as on GitHub.
    (emulator.state.repos[AUTOMATION.toLowerCase()] as { private: boolean }).private = true;
    emulator.addToken("job", { login: "github-actions[bot]", repos: { [AUTOMATION]: ["actions:read"] } });
    emulator.reviewDeployment(AUTOMATION, {
      runId: 9,
      environment: "release",
      state: "approved",
      user: "release-manager",
      comment: "build logs | checked",
    });
    const env = { GITHUB_REPOSITORY: AUTOMATION, GITHUB_API_URL: emulator.url, GITHUB_RUN_ID: "9" };
    const record = (token: string) =>
      runBundledAction(
        "track-status",
        {
          "config-path": configPath,
          version: "8.0.2",
          token: "t",
          "job-results": '{"build": "success"}',
          "approvals-of-run": "9",
          "run-token": token,
        },
        env,
      );
    const first = await record("job");
    expect(first.stdout).not.toContain("::error::");
    const line = "> 🔐 Publishing approved by release-manager (environment `release`, ";
    expect(first.summary).toContain(line);
    expect(first.summary).toContain("): “build logs \\| checked”");
    const again = await record("job");
    expect(again.summary.split(line)).toHaveLength(2);
    // The App token alone may not read Actions: the refusal names the permission.
    const refused = await record("t");
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain("Actions: read");
  });
});

describe("two runs of one release at once", () => {
  const PATH = ".github/workflows/release.yml";
  const runOf = (id: number) => ({
    ...deps(),
    run: { runId: `${id}-1`, runUrl: undefined, workflowRunId: String(id), actor: "maintainer" },
    runLookup: {
      github: createGitHubClient({ token: "job", baseUrl: emulator.url, pace: "local" }),
      repo: AUTOMATION,
      workflowPath: PATH,
    },
  });
  const start = (id: number, path = PATH) =>
    emulator.startWorkflowRun(AUTOMATION, {
      id,
      name: "release",
      path,
      event: "repository_dispatch",
      headBranch: "main",
      headSha: "b".repeat(40),
      actor: "release-relay[bot]",
    });
  const decide = (id: number) => trackRelease({ ...settings(), rerun: "failed" }, config, runOf(id));

  beforeEach(() => {
    emulator.addToken("job", { login: "github-actions[bot]", repos: { [AUTOMATION]: ["actions:read"] } });
  });

  it("lets exactly one of two runs deciding at the same moment take the stages", async () => {
    start(11);
    start(12);
    const mark = emulator.log.mark();
    const [a, b] = await Promise.all([decide(11), decide(12)]);
    // Both decided on the same ledger head: the loser lost the branch and saw the claim on its retry.
    expect(lostSwaps(emulator, AUTOMATION, mark).length).toBeGreaterThanOrEqual(1);
    const winners = [a, b].filter((r) => r.stagesToRun.length > 0);
    expect(winners).toHaveLength(1);
    const loser = winners[0] === a ? b : a;
    expect(loser.stagesToRun).toEqual([]);
    expect(loser.held[0]).toMatchObject({ stage: "build-matrix", runId: winners[0] === a ? "11" : "12" });
  });

  it("does not let a claim hold a stage once GitHub says its run ended, or when it names another workflow's run", async () => {
    start(21);
    await decide(21);
    start(22);
    expect((await decide(22)).stagesToRun).toEqual([]);
    // The first run crashed: GitHub reports it completed, so its claim holds nothing.
    emulator.finishWorkflowRun(AUTOMATION, 21, "failure");
    const taken = await decide(22);
    expect(taken.stagesToRun).toContain("build");
    emulator.finishWorkflowRun(AUTOMATION, 22, "success");
    // A claim written into the ledger for a run of another workflow, still running: not believed.
    start(23, ".github/workflows/nightly.yml");
    await new LedgerStore(github, AUTOMATION, "8.0.2").append({
      id: "claim:23-1",
      at: "2025-01-07T12:30:00Z",
      type: "claim",
      stages: ["build"],
      runId: "23",
    });
    start(24);
    expect((await decide(24)).stagesToRun).toContain("build");
  });
});

describe("the release as it happens", () => {
  it("records each stage's start and end at the times GitHub lists for the run's jobs, and who publishing waits for", async () => {
    emulator.addToken("job", { login: "github-actions[bot]", repos: { [AUTOMATION]: ["actions:read"] } });
    const jobs = createGitHubClient({ token: "job", baseUrl: emulator.url, pace: "local" });
    emulator.startWorkflowRun(AUTOMATION, {
      id: 31,
      name: "release",
      path: ".github/workflows/release.yml",
      event: "repository_dispatch",
      headBranch: "main",
      headSha: "c".repeat(40),
      actor: "release-relay[bot]",
    });
    const check = (name: string) =>
      emulator.startJobCheckRun(AUTOMATION, { runId: 31, name, headSha: "c".repeat(40) });
    for (const name of ["plan", "build (linux, x86_64)", "build (linux, arm64)"])
      emulator.completeJobCheckRun(AUTOMATION, check(name), "success");
    check("qualify (linux, x86_64)");
    // Another run's jobs on the same commit are not this run's.
    emulator.startJobCheckRun(AUTOMATION, { runId: 32, name: "publish", headSha: "c".repeat(40) });
    emulator.setEnvironment(AUTOMATION, "release", ["release-manager"]);
    const listed = await readRunJobs(jobs, AUTOMATION, "31");
    expect(listed.map((j) => `${j.name}:${j.status}`)).toEqual([
      "plan:completed",
      "build (linux, x86_64):completed",
      "build (linux, arm64):completed",
      "qualify (linux, x86_64):in_progress",
    ]);
    expect(await readEnvironmentReviewers(jobs, AUTOMATION, "release")).toEqual(["release-manager"]);
    expect(await readEnvironmentReviewers(jobs, AUTOMATION, "staging")).toEqual([]);

    const run = {
      ...deps(),
      run: { runId: "31-1", runUrl: undefined, workflowRunId: "31", actor: "maintainer" },
    };
    await trackRelease({ ...settings(), rerun: "failed" }, config, run);
    const result = await trackRelease(
      {
        ...settings(),
        runJobs: listed,
        awaiting: {
          environment: "release",
          stages: ["compute-hashes", "sign-upload"],
          reviewers: ["release-manager"],
        },
      },
      config,
      run,
    );
    const checks = emulator.state.repos[AUTOMATION.toLowerCase()]?.checkRuns ?? [];
    const builds = checks.filter((c) => c.name.startsWith("build ("));
    expect(result.state.stages.build).toMatchObject({
      status: "succeeded",
      startedAt: builds.map((c) => c.startedAt).sort()[0],
      finishedAt: builds
        .map((c) => c.completedAt)
        .sort()
        .at(-1),
    });
    expect(result.state.stages.qualify.status).toBe("running");
    // Qualify has not finished: nobody is waited for yet.
    expect(result.issue.body).not.toContain("waiting for approval");
    emulator.completeJobCheckRun(
      AUTOMATION,
      checks.find((c) => c.name.startsWith("qualify"))?.id as number,
      "success",
    );
    const waiting = await trackRelease(
      {
        ...settings(),
        runJobs: await readRunJobs(jobs, AUTOMATION, "31"),
        awaiting: {
          environment: "release",
          stages: ["compute-hashes", "sign-upload"],
          reviewers: ["release-manager"],
        },
      },
      config,
      run,
    );
    expect(waiting.issue.body).toContain(
      "| ⏳ waiting for approval by @release-manager (environment release) |",
    );
    expect(waiting.issue.body).toMatch(/\| Build \| ✅ succeeded \| \d+s \|/);
  });
});

describe("a rerun after the build's artifacts expired", () => {
  it("builds and qualifies again instead of failing to download them, and the ledger says why", async () => {
    emulator.addToken("job", { login: "github-actions[bot]", repos: { [AUTOMATION]: ["actions:read"] } });
    const lookup = {
      github: createGitHubClient({ token: "job", baseUrl: emulator.url, pace: "local" }),
      repo: AUTOMATION,
      workflowPath: ".github/workflows/release.yml",
    };
    const runOf = (id: number) => ({
      ...deps(),
      run: { runId: `${id}-1`, runUrl: undefined, workflowRunId: String(id), actor: "maintainer" },
      runLookup: lookup,
    });
    const start = (id: number) =>
      emulator.startWorkflowRun(AUTOMATION, {
        id,
        name: "release",
        path: ".github/workflows/release.yml",
        event: "repository_dispatch",
        headBranch: "main",
        headSha: "d".repeat(40),
        actor: "release-relay[bot]",
      });
    start(100);
    await trackRelease({ ...settings(), rerun: "failed" }, config, runOf(100));
    for (const stage of ["build-matrix", "build", "qualify"] as const)
      await trackRelease({ ...settings(), stage, status: "succeeded" }, config, runOf(100));
    await trackRelease({ ...settings(), stage: "sign-upload", status: "failed" }, config, runOf(100));
    for (const target of targetArtifacts(config, parseVersion("8.0.2")))
      emulator.recordArtifact(AUTOMATION, {
        runId: 100,
        name: buildArtifactName(target.target, "a".repeat(40)),
        sizeInBytes: 10,
        retentionDays: 7,
      });
    emulator.finishWorkflowRun(AUTOMATION, 100, "failure");

    // Within the week the artifacts are kept, the rerun publishes from them.
    start(200);
    const soon = await trackRelease({ ...settings(), rerun: "failed" }, config, runOf(200));
    expect(soon.stagesToRun).toEqual(["compute-hashes", "sign-upload", "open-downstream-prs"]);
    emulator.finishWorkflowRun(AUTOMATION, 200, "failure");

    // Eight days on they are gone: the rerun makes them again, and says so.
    emulator.advanceClock(8 * 86_400_000);
    const listed = await lookup.github.rest.actions.listWorkflowRunArtifacts({
      owner: "valkey-io",
      repo: AUTOMATION.split("/")[1] as string,
      run_id: 100,
    });
    expect(new Set(listed.data.artifacts.map((a) => a.expired))).toEqual(new Set([true]));
    start(300);
    const later = await trackRelease({ ...settings(), rerun: "failed" }, config, {
      ...runOf(300),
      now: () => new Date("2025-01-15T12:00:00Z"),
    });
    expect(later.stagesToRun).toEqual([
      "build",
      "qualify",
      "compute-hashes",
      "sign-upload",
      "open-downstream-prs",
    ]);
    expect(later.state.reruns.at(-1)?.detail).toMatch(
      /^the build artifacts of run 100 expired on \d{4}-\d\d-\d\d: built again from the same commit and build time\.$/,
    );
    expect(commentsOf(later.issue.number).at(-1)?.body).toContain("the build artifacts of run 100 expired");
  });
});
