import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import type { ReleaseRelayError } from "../../../src/core/errors.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import {
  eventsOfTrackRequest,
  refuseRerunOfYanked,
  versionOfReport,
} from "../../../src/core/ledger/track-request.js";
import { planRelease } from "../../../src/core/request/plan.js";
import { parseTag } from "../../../src/core/request/version.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8"),
);
const at = "2025-01-07T10:05:00Z";
const run = { runId: "100-1", runUrl: "https://github.com/o/a/actions/runs/100", workflowRunId: "100" };
const plan = (cfg = config) =>
  JSON.stringify(
    planRelease({
      config: cfg,
      version: parseTag("8.0.2", cfg.tags.pattern),
      commit: "a".repeat(40),
      requestedAt: "2025-01-07T10:00:00Z",
      serverUrl: "https://github.com",
    }),
  );
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return `${(error as ReleaseRelayError).code}: ${(error as Error).message}`;
  }
  return "no error";
};

describe("what a track-status call's inputs ask to record", () => {
  it("records build-matrix's plan as the release's request, linked to the run", () => {
    const [request, ...rest] = eventsOfTrackRequest({ plan: plan() }, run, at);
    expect(request).toMatchObject({
      id: `request:${"a".repeat(40)}`,
      type: "request",
      tag: "8.0.2",
      commit: "a".repeat(40),
      requestedAt: "2025-01-07T10:00:00Z",
      runUrl: run.runUrl,
    });
    // The example has a qualify command: the release waits for it.
    expect(rest).toEqual([]);
  });

  it("settles qualify with the request when release-relay.yml has no qualify command", () => {
    const noQualify = { ...config, qualify: undefined };
    const events = eventsOfTrackRequest({ plan: plan(noQualify) }, run, at);
    expect(events.map((e) => e.id)).toEqual([
      `request:${"a".repeat(40)}`,
      "stage:qualify:skipped:not-configured",
    ]);
  });

  it("records a stage's outcome per attempt, keeping the workflow run for reruns", () => {
    expect(eventsOfTrackRequest({ stage: "build", status: "failed", detail: "oom" }, run, at)).toEqual([
      {
        runId: "100",
        id: "stage:build:failed:100-1",
        at,
        type: "stage",
        stage: "build",
        status: "failed",
        runUrl: run.runUrl,
        detail: "oom",
      },
    ]);
  });

  it("takes a ledger event as JSON, stamped with the time and the run, and refuses what is not one", () => {
    const event = JSON.stringify({
      id: "stage:build:started:x",
      type: "stage",
      stage: "build",
      status: "started",
    });
    expect(eventsOfTrackRequest({ event }, run, at)[0]).toMatchObject({ at, runUrl: run.runUrl });
    expect(codeOf(() => eventsOfTrackRequest({ event: "{not json" }, run, at))).toBe(
      "E_INPUT: input event is not JSON",
    );
    expect(codeOf(() => eventsOfTrackRequest({ event: '{"type":"party"}' }, run, at))).toMatch(
      /^E_INPUT: input event is not a ledger event/,
    );
  });

  it("refuses a plan that is not build-matrix's, naming the input", () => {
    expect(codeOf(() => eventsOfTrackRequest({ plan: '{"tag":"8.0.2"}' }, run, at))).toMatch(
      /^E_INPUT: input plan is not valid/,
    );
  });

  it("records nothing of its own when asked nothing (a job's outcome is recorded apart)", () => {
    expect(eventsOfTrackRequest({}, run, at)).toEqual([]);
  });
});

describe("the version a downstream report is for", () => {
  it("is the one its release id names", () => {
    expect(versionOfReport('{"schemaVersion":1,"releaseId":"valkey@8.1.0-rc1","kind":"ci"}')).toBe(
      "8.1.0-rc1",
    );
  });

  it("is refused when the release id names none", () => {
    expect(codeOf(() => versionOfReport('{"releaseId":"valkey@latest"}'))).toBe(
      "E_PAYLOAD: downstream report has no valid releaseId",
    );
  });
});

describe("a rerun of a yanked release", () => {
  it("is refused, naming who yanked it and when", () => {
    const yanked = deriveState([
      { id: "yank", at, type: "yank", reason: "the arm64 build crashes", by: "maintainer" },
    ]);
    expect(codeOf(() => refuseRerunOfYanked(yanked, "8.0.2"))).toBe(
      `E_YANKED: 8.0.2 was yanked by maintainer (${at}); a yanked release is not rerun`,
    );
    expect(codeOf(() => refuseRerunOfYanked(deriveState([]), "8.0.2"))).toBe("no error");
  });
});
