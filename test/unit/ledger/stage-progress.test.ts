import { describe, expect, it } from "vitest";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { stageEventsFromJobResults } from "../../../src/core/ledger/stage-output-events.js";
import {
  awaitingApprovalEvents,
  progressEvents,
  type RunJob,
  stageEndTimes,
  startingEvents,
} from "../../../src/core/ledger/stage-progress.js";

const run = { runId: "7-1", workflowRunId: "7" };
const job = (name: string, over: Partial<RunJob> = {}): RunJob => ({
  name,
  status: "completed",
  conclusion: "success",
  startedAt: "2025-01-07T10:00:00Z",
  completedAt: "2025-01-07T10:05:00Z",
  ...over,
});
const claim = (stages: string[]): LedgerEvent =>
  ({ id: "claim:7-1", at: "2025-01-07T09:59:00Z", type: "claim", stages, runId: "7" }) as LedgerEvent;

describe("a release's progress, read from the run's jobs", () => {
  it("starts a stage with its first leg and ends it with its last, at GitHub's times", () => {
    const events = progressEvents(
      [
        job("build (linux, x86_64)", {
          startedAt: "2025-01-07T10:01:00Z",
          completedAt: "2025-01-07T10:20:00Z",
        }),
        job("build (linux, arm64)", {
          startedAt: "2025-01-07T10:00:30Z",
          completedAt: "2025-01-07T10:25:00Z",
        }),
        job("qualify (linux, x86_64)", {
          status: "in_progress",
          conclusion: null,
          completedAt: null,
          startedAt: "2025-01-07T10:26:00Z",
        }),
        job("publish", { conclusion: "skipped" }),
      ],
      run,
    );
    expect(events.map((e) => [e.id, e.at])).toEqual([
      ["stage:build:started:7-1", "2025-01-07T10:00:30Z"],
      ["stage:build:succeeded:7-1", "2025-01-07T10:25:00Z"],
      ["stage:qualify:started:7-1", "2025-01-07T10:26:00Z"],
    ]);
    const state = deriveState(events);
    expect(state.stages.build).toMatchObject({
      startedAt: "2025-01-07T10:00:30Z",
      finishedAt: "2025-01-07T10:25:00Z",
    });
    expect(state.stages.qualify.status).toBe("running");
  });

  it("leaves a stage that did not succeed to the job results, which say why, at the time GitHub says it ended", () => {
    const jobs = [
      job("build (a)"),
      job("build (b)", { conclusion: "failure", completedAt: "2025-01-07T10:07:00Z" }),
      job("downstream", { conclusion: "cancelled" }),
    ];
    expect(progressEvents(jobs, run).map((e) => e.id)).toEqual([
      "stage:build:started:7-1",
      "stage:open-downstream-prs:started:7-1",
    ]);
    const results = stageEventsFromJobResults(
      JSON.stringify({ build: "failure", "open-downstream-prs": "cancelled" }),
      run,
      "2025-01-07T11:00:00Z",
      { build: "make exited 2" },
      stageEndTimes(jobs),
    );
    expect(results.map((e) => [e.id, e.at, "detail" in e ? e.detail : undefined])).toEqual([
      ["stage:build:failed:7-1", "2025-01-07T10:07:00Z", "make exited 2"],
      ["stage:open-downstream-prs:failed:7-1", "2025-01-07T10:05:00Z", "cancelled"],
    ]);
  });

  it("does not start a stage whose job still waits for its environment's reviewers", () => {
    expect(
      progressEvents([job("publish", { status: "waiting", conclusion: null, completedAt: null })], run),
    ).toEqual([]);
  });

  it("shows who the next job waits for, only after every earlier stage succeeded, and only for stages this run claimed", () => {
    const built = [
      claim(["build", "qualify", "compute-hashes", "sign-upload", "open-downstream-prs"]),
      ...progressEvents([job("plan"), job("build"), job("qualify")], run),
    ];
    const at = "2025-01-07T10:30:00Z";
    const waiting = awaitingApprovalEvents(
      deriveState(built),
      ["compute-hashes", "sign-upload"],
      "release",
      ["ana", "org/releasers"],
      run,
      at,
    );
    expect(waiting.map((e) => e.id)).toEqual([
      "stage:compute-hashes:waiting:7-1",
      "stage:sign-upload:waiting:7-1",
    ]);
    const state = deriveState([...built, ...waiting]);
    expect(state.stages["compute-hashes"]).toMatchObject({
      status: "waiting",
      detail: "waiting for approval by @ana, @org/releasers (environment release)",
    });
    expect(
      renderDashboard(state, {
        version: "1.2.1",
        ledgerHead: "h",
        expected: [],
        rerunCommand: "rerun",
        yankCommand: "yank",
      }),
    ).toContain("| Hashes | ⏳ waiting for approval by @ana, @org/releasers (environment release) |");
    // Once the job runs, the stage is under way and no longer said to wait.
    const started = deriveState([
      ...built,
      ...waiting,
      ...progressEvents(
        [
          job("publish", {
            status: "in_progress",
            conclusion: null,
            completedAt: null,
            startedAt: "2025-01-07T10:40:00Z",
          }),
        ],
        run,
      ),
    ]);
    expect(started.stages["compute-hashes"]).toMatchObject({
      status: "running",
      startedAt: "2025-01-07T10:40:00Z",
    });
    // No reviewers: nothing to wait for. A failed build: nobody is waited for.
    expect(awaitingApprovalEvents(deriveState(built), ["compute-hashes"], "release", [], run, at)).toEqual(
      [],
    );
    const broken = [
      claim(["build", "compute-hashes"]),
      ...progressEvents([job("build", { conclusion: "failure" })], run),
    ];
    expect(
      awaitingApprovalEvents(deriveState(broken), ["compute-hashes"], "release", ["ana"], run, at),
    ).toEqual([]);
    // Another run's stages are not this run's to say anything of.
    expect(
      awaitingApprovalEvents(
        deriveState(built),
        ["compute-hashes"],
        "release",
        ["ana"],
        { runId: "8-1", workflowRunId: "8" },
        at,
      ),
    ).toEqual([]);
  });

  it("starts the build it is about to run, when this run claimed it", () => {
    const state = deriveState([claim(["build-matrix", "build"])]);
    expect(startingEvents(state, ["build"], run, "2025-01-07T10:00:00Z").map((e) => e.id)).toEqual([
      "stage:build:started:7-1",
    ]);
    expect(
      startingEvents(state, ["build"], { runId: "8-1", workflowRunId: "8" }, "2025-01-07T10:00:00Z"),
    ).toEqual([]);
  });

  it("starts a stage before ending it when GitHub gives both the same second", () => {
    const jobs = [
      job("qualify (a)", {
        startedAt: "2025-01-07T10:00:48Z",
        completedAt: "2025-01-07T10:00:48Z",
        conclusion: "failure",
      }),
    ];
    const state = deriveState([
      ...stageEventsFromJobResults(
        '{"qualify": "failure"}',
        run,
        "2025-01-07T11:00:00Z",
        {},
        stageEndTimes(jobs),
      ),
      ...progressEvents(jobs, run),
    ]);
    expect(state.stages.qualify).toMatchObject({ status: "failed", attempts: 1 });
  });
});
