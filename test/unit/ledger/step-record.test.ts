import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState, orderEvents } from "../../../src/core/ledger/release-state.js";
import { decideRun } from "../../../src/core/ledger/stage-claims.js";
import { stageEvent } from "../../../src/core/ledger/stage-output-events.js";
import type { RunJob } from "../../../src/core/ledger/stage-progress.js";
import { type StepRecordInput, stepRecord } from "../../../src/core/ledger/step-record.js";

const run = { runId: "7-1", workflowRunId: "7", actor: "maintainer" };
const at = "2025-01-07T10:00:05.120Z";
const planJob: RunJob = {
  name: "plan",
  status: "in_progress",
  conclusion: null,
  startedAt: "2025-01-07T10:00:01Z",
  completedAt: null,
};
const request: LedgerEvent = {
  id: "request:abc",
  at,
  type: "request",
  tag: "8.0.2",
  commit: "a".repeat(40),
  requestedAt: "2025-01-07T09:59:00Z",
};
const issue: LedgerEvent = {
  id: "tracking-issue:4",
  at,
  type: "tracking-issue",
  repo: "o/auto",
  number: 4,
  url: "https://github.com/o/auto/issues/4",
};
const comments = { expected: [], notify: ["@o/team"], reviewPing: undefined, version: "8.0.2" };
// The plan job's one track-status step: its claim, the plan, its own stage done and the build starting.
const planStep = (over: Partial<StepRecordInput> = {}, live: string[] = []): StepRecordInput => ({
  progress: { runJobs: [planJob], batch: [request], starting: ["build"], run, at },
  claim: (events) =>
    decideRun(deriveState(events), "failed", run, { live: new Set(live), checked: new Set(live) }, at),
  claimedOutcome: [stageEvent("build-matrix", "succeeded", run, at)],
  trackingIssue: issue,
  comments,
  at,
  ...over,
});

describe("one ledger write per track-status step", () => {
  it("claims the stages, records the plan, its times, the plan done, the build under way and the issue, together", () => {
    const record = stepRecord([], planStep());
    expect(record.events.map((e) => e.id)).toEqual([
      "claim:7-1",
      "stage:build-matrix:started:7-1",
      "request:abc",
      "stage:build-matrix:succeeded:7-1",
      "stage:build:started:7-1",
      "tracking-issue:4",
    ]);
    expect(record.decision?.stages).toContain("build-matrix");
    const state = deriveState(record.events);
    expect(state.stages["build-matrix"]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(state.stages.build.status).toBe("running");
    expect(record.comments).toEqual([]);
  });

  it("records only the plan when another live run holds the stages: no outcome, nothing under way", () => {
    const held: LedgerEvent = {
      id: "claim:6-1",
      at: "2025-01-07T09:00:00Z",
      type: "claim",
      stages: ["build-matrix", "build"],
      runId: "6",
    };
    const record = stepRecord([held, issue], planStep({}, ["6"]));
    expect(record.decision?.held).toEqual([
      { stage: "build-matrix", runId: "6" },
      { stage: "build", runId: "6" },
    ]);
    expect(record.events.map((e) => e.id)).toEqual(["request:abc"]);
  });

  it("leaves an issue another writer recorded first as the canonical one", () => {
    const other = { ...issue, id: "tracking-issue:3", number: 3 } as LedgerEvent;
    const record = stepRecord([other], planStep());
    expect(record.events.map((e) => e.id)).not.toContain("tracking-issue:4");
    expect(deriveState([other, ...record.events]).trackingIssue?.number).toBe(3);
  });

  it("claims the comment an event makes due in the same write, once", () => {
    const failed = stageEvent("build", "failed", run, at, "make exited 2");
    const input: StepRecordInput = {
      progress: { batch: [failed], run, at },
      comments,
      at,
    };
    const record = stepRecord([issue], input);
    expect(record.events.map((e) => e.id)).toEqual(["stage:build:failed:7-1", "comment:first-failure"]);
    expect(record.comments.map((c) => c.body)).toEqual([
      "@o/team release 8.0.2 needs attention: **stage build** — make exited 2. The dashboard above says what to do next.",
    ]);
    // Decided again on a ledger that already has the claim: nothing is due twice.
    expect(stepRecord([issue, ...record.events], input).comments).toEqual([]);
    // No tracking issue yet: no comment is due (it is claimed with the issue's record instead).
    expect(stepRecord([], input).events.map((e) => e.id)).toEqual(["stage:build:failed:7-1"]);
  });
});

describe("the order the ledger is folded in", () => {
  it("puts a start before an end in the same second, whichever side has GitHub's whole seconds", () => {
    const startedByGitHub = stageEvent("build-matrix", "started", run, "2025-01-07T10:00:36Z");
    const endedByStep = stageEvent("build-matrix", "succeeded", run, "2025-01-07T10:00:36.740Z");
    const startedByStep = stageEvent("build", "started", run, "2025-01-07T10:00:36.900Z");
    const endedByGitHub = stageEvent("build", "succeeded", run, "2025-01-07T10:00:36Z");
    for (const events of [
      [startedByGitHub, endedByStep, startedByStep, endedByGitHub],
      [endedByGitHub, startedByStep, endedByStep, startedByGitHub],
    ]) {
      const state = deriveState(events);
      expect(state.stages["build-matrix"]).toMatchObject({ status: "succeeded", attempts: 1 });
      expect(state.stages.build).toMatchObject({ status: "succeeded", attempts: 1 });
    }
  });

  it("orders by instant, not by text", () => {
    const early = stageEvent("build", "failed", run, "2025-01-07T10:00:36.740Z");
    const late = stageEvent("build", "started", { ...run, runId: "8-1" }, "2025-01-07T10:00:37Z");
    expect(orderEvents([late, early]).map((e) => e.id)).toEqual([early.id, late.id]);
  });
});
