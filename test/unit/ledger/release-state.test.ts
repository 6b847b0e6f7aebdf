import { describe, expect, it } from "vitest";
import { isComplete, waitingForMerges } from "../../../src/core/ledger/completion.js";
import { type LedgerEvent, STAGES } from "../../../src/core/ledger/events.js";
import { deriveState, stagesToRerun } from "../../../src/core/ledger/release-state.js";
import { valkeyExpectations as expected, valkeyReleaseEvents } from "../../support/release-events.js";

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("deriveState", () => {
  it("folds a whole release: every stage succeeded, PRs merged, image built, page live", () => {
    const state = deriveState(valkeyReleaseEvents());
    expect(STAGES.map((s) => state.stages[s].status)).toEqual(STAGES.map(() => "succeeded"));
    expect(state.downstream.map((d) => [d.name, d.pr?.number, d.ci, d.merged])).toEqual([
      ["hashes", 40, "success", true],
      ["container", 41, "success", true],
      ["website", 42, "success", true],
    ]);
    expect(state.downstream[1]?.image?.tags).toEqual(["8.0.2", "8.0", "8", "latest"]);
    expect(state.artifacts).toHaveLength(4);
    expect(isComplete(state, expected)).toBe(true);
  });

  it("takes the tracking issue the ledger records first as canonical, even when a later one's clock is earlier", () => {
    const issue = (number: number, at: string): LedgerEvent => ({
      id: `tracking-issue:${number}`,
      at,
      type: "tracking-issue",
      repo: "valkey-io/valkey",
      number,
      url: `https://github.com/valkey-io/valkey/issues/${number}`,
    });
    // Writer B stamped its issue first but appended second: every writer that saw 7 alone took 7.
    const ledger = [issue(7, "2026-01-01T10:00:02Z"), issue(8, "2026-01-01T10:00:01Z")];
    expect(deriveState(ledger).trackingIssue?.number).toBe(7);
    expect(deriveState([ledger[0] as LedgerEvent]).trackingIssue?.number).toBe(7);
    expect(deriveState([...ledger].reverse()).trackingIssue?.number).toBe(8);
  });

  it("gives the same state whatever order the events arrive in, and ignores duplicates", () => {
    const events = valkeyReleaseEvents({ failBuildOnce: true });
    const reference = JSON.stringify({ ...deriveState(events), comments: [] });
    for (const seed of [1, 2, 3, 4, 5]) {
      const noisy = [...shuffled(events, seed), ...shuffled(events, seed + 10).slice(0, 7)];
      expect(JSON.stringify({ ...deriveState(noisy), comments: [] })).toBe(reference);
    }
    expect(deriveState([...events, ...events]).eventCount).toBe(events.length);
  });

  it("keeps the latest run's report when downstream reports arrive out of order or twice", () => {
    // What three downstreams report, in the order their runs happened (run ids grow).
    const reports = [
      { type: "downstream-ci", downstream: "hashes", state: "pending", runId: "10" },
      { type: "downstream-ci", downstream: "hashes", state: "failure", runId: "10" },
      { type: "downstream-ci", downstream: "hashes", state: "success", runId: "11" },
      { type: "downstream-ci", downstream: "container", state: "success", runId: "12" },
      { type: "pull-request-closed", downstream: "hashes", merged: true },
      { type: "pull-request-closed", downstream: "container", merged: true },
      { type: "image-build", downstream: "container", status: "failed", tags: [], runId: "20" },
      { type: "image-build", downstream: "container", status: "succeeded", tags: ["8.0.2"], runId: "21" },
      { type: "pull-request-closed", downstream: "container", merged: false },
    ] as const;
    // Each arrival is recorded at the time it arrives: the ledger order is the arrival order.
    const recorded = (order: readonly number[]) =>
      order.map(
        (i, n) =>
          ({
            id: `report:${i}`,
            at: new Date(Date.UTC(2025, 0, 7, 12, 0, n)).toISOString(),
            ...reports[i],
          }) as LedgerEvent,
      );
    const downstream = (order: readonly number[]) =>
      deriveState(recorded(order)).downstream.sort((a, b) => a.name.localeCompare(b.name));
    const inOrder = downstream(reports.map((_, i) => i));
    expect(inOrder.find((d) => d.name === "hashes")).toMatchObject({ ci: "success", merged: true });
    expect(inOrder.find((d) => d.name === "container")).toMatchObject({
      ci: "success",
      merged: true,
      image: { status: "succeeded", tags: ["8.0.2"] },
    });
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const order = shuffled(
        reports.map((_, i) => i),
        seed,
      );
      const twice = [...order, ...order.slice(0, 4)];
      expect(downstream(twice), `seed ${seed}`).toEqual(inOrder);
    }
  });

  it("counts attempts and keeps a failure visible after the rerun succeeded", () => {
    const state = deriveState(valkeyReleaseEvents({ failBuildOnce: true }));
    expect(state.stages.build).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(state.failures.map((f) => f.what)).toEqual(["stage build"]);
    expect(state.reruns).toHaveLength(1);
  });

  it("is not complete while a PR is unmerged or the container image is not built", () => {
    const all = valkeyReleaseEvents();
    expect(isComplete(deriveState(all.filter((e) => e.id !== "report:hashes:merged")), expected)).toBe(false);
    expect(isComplete(deriveState(all.filter((e) => e.id !== "report:container:image")), expected)).toBe(
      false,
    );
    const dryRun = expected.map((x) => (x.name === "container" ? { ...x, mode: "dry-run" as const } : x));
    expect(isComplete(deriveState(all.filter((e) => e.id !== "report:container:image")), dryRun)).toBe(true);
  });

  it("waits only for merges when every stage is done and every PR is open with its CI passed", () => {
    const all = valkeyReleaseEvents();
    const unmerged = all.filter(
      (e) => !/^report:\w+:merged$/.test(e.id) && e.id !== "report:container:image",
    );
    expect(isComplete(deriveState(unmerged), expected)).toBe(false);
    expect(waitingForMerges(deriveState(unmerged), expected)).toBe(true);
    // A PR whose CI has not passed, or a stage not done, is more than a merge away.
    expect(
      waitingForMerges(deriveState(unmerged.filter((e) => e.id !== "report:hashes:ci:success")), expected),
    ).toBe(false);
    const noBuild = unmerged.filter((e) => !(e.type === "stage" && e.stage === "build"));
    expect(waitingForMerges(deriveState(noBuild), expected)).toBe(false);
  });
});

describe("reruns", () => {
  const upTo = (n: number) => valkeyReleaseEvents().slice(0, n);
  it("redo the failed stage and everything not yet done, nothing after a finished release", () => {
    const failed: LedgerEvent[] = [
      ...upTo(3),
      { id: "f", at: "2025-01-07T10:05:00Z", type: "stage", stage: "build", status: "failed" },
    ];
    expect(stagesToRerun(deriveState(failed), "failed")).toEqual([
      "build",
      "qualify",
      "compute-hashes",
      "sign-upload",
      "open-downstream-prs",
    ]);
    expect(stagesToRerun(deriveState(valkeyReleaseEvents()), "failed")).toEqual([]);
    expect(stagesToRerun(deriveState(valkeyReleaseEvents()), "all")).toEqual([...STAGES]);
    expect(stagesToRerun(deriveState(valkeyReleaseEvents()), ["sign-upload"])).toEqual(["sign-upload"]);
  });
});
