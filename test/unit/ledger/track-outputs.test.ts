import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import {
  downstreamsRecorded,
  releaseComplete,
  stageRunsHandedOn,
} from "../../../src/core/ledger/track-outputs.js";

const at = "2025-01-07T10:00:00Z";
const stage = (
  s: "build" | "compute-hashes" | "sign-upload",
  status: "succeeded" | "failed",
  runId: string,
) => ({ id: `stage:${s}:${status}:${runId}-1`, at, type: "stage", stage: s, status, runId }) as LedgerEvent;

describe("what track-status hands on", () => {
  it("hands on the run of each stage this run does not run, and none of the stages it runs", () => {
    const state = deriveState([
      stage("build", "succeeded", "100"),
      stage("compute-hashes", "succeeded", "100"),
      stage("sign-upload", "failed", "100"),
    ]);
    expect(stageRunsHandedOn(state, ["sign-upload", "open-downstream-prs"])).toEqual({
      build: "100",
      "compute-hashes": "100",
    });
    expect(stageRunsHandedOn(state, ["build", "compute-hashes", "sign-upload"])).toEqual({});
  });

  it("lists the downstreams with a recorded PR or dispatch, so neither is looked up or sent again", () => {
    const state = deriveState([
      {
        id: "pull-request:hashes:41:x",
        at,
        type: "pull-request",
        downstream: "hashes",
        repo: "valkey-io/valkey-hashes",
        number: 41,
        url: "https://github.com/valkey-io/valkey-hashes/pull/41",
        action: "opened",
      },
      {
        id: "downstream-dispatched:container",
        at,
        type: "downstream-dispatched",
        downstream: "container",
        repo: "valkey-io/valkey-container",
        eventType: "release-published",
      },
    ]);
    expect(downstreamsRecorded(state).sort()).toEqual(["container", "hashes"]);
    expect(downstreamsRecorded(deriveState([]))).toEqual([]);
  });

  it("calls a release complete when its issue is closed, unless it was yanked", () => {
    expect(releaseComplete(true, deriveState([]))).toBe(true);
    expect(releaseComplete(false, deriveState([]))).toBe(false);
    const yanked = deriveState([{ id: "yank", at, type: "yank", reason: "broken build", by: "maintainer" }]);
    expect(releaseComplete(true, yanked)).toBe(false);
  });
});
