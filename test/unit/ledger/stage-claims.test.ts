import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { claimants, decideRun } from "../../../src/core/ledger/stage-claims.js";
import { ConcurrencyGroups } from "../../../src/rehearsal/runner/concurrency.js";

const at = "2025-01-07T12:00:00Z";
const run = (id: string) => ({ runId: `${id}-1`, workflowRunId: id, actor: "maintainer" });
const claim = (id: string, stages: string[], when = "2025-01-07T11:00:00Z"): LedgerEvent =>
  ({ id: `claim:${id}-1`, at: when, type: "claim", stages, runId: id }) as LedgerEvent;
const finished = (stage: string, when: string, runId = "7"): LedgerEvent =>
  ({
    id: `stage:${stage}:succeeded:${runId}`,
    at: when,
    type: "stage",
    stage,
    status: "succeeded",
    runId,
  }) as LedgerEvent;
const none = { live: new Set<string>(), checked: new Set<string>() };

describe("which stages a run may take", () => {
  it("claims every stage on a release's first run, and records no rerun", () => {
    const d = decideRun(deriveState([]), "failed", run("1"), none, at);
    expect(d.stages).toHaveLength(6);
    expect(d.events.map((e) => e.type)).toEqual(["claim"]);
  });

  it("takes nothing while another run GitHub says is in progress holds a stage it would run", () => {
    const state = deriveState([claim("7", ["build-matrix", "build", "qualify"])]);
    expect(claimants(state, "8")).toEqual(["7"]);
    const d = decideRun(state, "failed", run("8"), { live: new Set(["7"]), checked: new Set(["7"]) }, at);
    expect(d.stages).toEqual([]);
    expect(d.held.map((h) => h.stage)).toEqual(["build-matrix", "build", "qualify"]);
    expect(d.events).toEqual([]);
  });

  it("takes over the claim of a run GitHub says has ended (a crash), and keeps its own", () => {
    const state = deriveState([claim("7", ["build"])]);
    const ended = decideRun(state, "failed", run("8"), { live: new Set(), checked: new Set(["7"]) }, at);
    expect(ended.stages).toContain("build");
    // A re-run attempt of the same workflow run is the same run: its own claim does not hold it back.
    expect(decideRun(state, "failed", run("7"), none, at).stages).toContain("build");
  });

  it("takes a claim that appeared after GitHub was asked as a running run's", () => {
    const state = deriveState([claim("9", ["build"])]);
    expect(decideRun(state, "failed", run("8"), none, at).stages).toEqual([]);
  });

  it("lets a finished stage go when the run that claimed it ends it", () => {
    const state = deriveState([
      claim("7", ["build-matrix", "build"]),
      finished("build-matrix", "2025-01-07T11:30:00Z"),
    ]);
    expect(state.claims).toEqual({ build: ["7"] });
    // Another run's end of the stage, or a forged one, does not free it.
    const forged = deriveState([claim("7", ["build"]), finished("build", "2999-01-01T00:00:00Z", "1")]);
    expect(forged.claims).toEqual({ build: ["7"] });
  });
});

describe("workflow concurrency groups", () => {
  it("runs one run of a group at a time, and a newer waiting run cancels the one waiting before it", async () => {
    const groups = new ConcurrencyGroups();
    expect(await groups.enter("o/r", "release 1", 1)).toBe(true);
    const second = groups.enter("o/r", "release 1", 2);
    const third = groups.enter("O/R", "release 1", 3);
    expect(await second).toBe(false);
    // Another group, or another repo, does not wait.
    expect(await groups.enter("o/r", "release 2", 4)).toBe(true);
    groups.leave("o/r", "release 1", 1);
    expect(await third).toBe(true);
    groups.leave("o/r", "release 1", 3);
    expect(await groups.enter("o/r", "release 1", 5)).toBe(true);
  });
});
