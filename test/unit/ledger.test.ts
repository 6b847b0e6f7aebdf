import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BODY_LIMIT, readLedgerMarker, renderDashboard } from "../../src/core/dashboard/dashboard.js";
import { type LedgerEvent, STAGES } from "../../src/core/ledger/events.js";
import {
  type DownstreamExpectation,
  deriveState,
  isComplete,
  stagesToRerun,
} from "../../src/core/ledger/release-state.js";
import { commentsDue, wantedIssueState } from "../../src/core/ledger/tracking.js";
import { valkeyReleaseEvents } from "../support/release-events.js";

const expected: (DownstreamExpectation & { repo: string })[] = [
  { name: "hashes", repo: "valkey-io/valkey-hashes", mode: "pr", reportBack: ["ci", "merge"] },
  {
    name: "container",
    repo: "valkey-io/valkey-container",
    mode: "pr",
    reportBack: ["ci", "merge", "image-build"],
  },
  { name: "website", repo: "valkey-io/valkey-io.github.io", mode: "pr", reportBack: ["ci", "merge"] },
];
const ctx = {
  version: "8.0.2",
  ledgerHead: "1".repeat(40),
  expected,
  rerunCommand:
    "gh workflow run release.yml --repo valkey-io/valkey-release-automation -f version=8.0.2 -f stages=failed",
  yankCommand: "gh workflow run yank.yml --repo valkey-io/valkey-release-automation -f version=8.0.2",
  links: { server: "https://github.com", downloads: "https://download.valkey.io/releases/" },
};

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

const golden = (name: string, text: string) => {
  const path = join(import.meta.dirname, "../fixtures/dashboard", name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, "utf8"));
};

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

describe("comments", () => {
  it("owes the first failure (mentioning the team), each rerun and completion — three for a bumpy release", () => {
    const state = deriveState(valkeyReleaseEvents({ failBuildOnce: true }));
    const due = commentsDue(state, expected, ["@valkey-io/core-team"], "8.0.2");
    expect(due.map((d) => d.purpose)).toEqual(["first-failure", "rerun", "complete"]);
    expect(due[0]?.body).toContain("@valkey-io/core-team release 8.0.2 needs attention: **stage build**");
    const posted = deriveState([
      ...valkeyReleaseEvents({ failBuildOnce: true }),
      ...due.map(
        (d, i): LedgerEvent => ({
          id: `comment:${d.key}`,
          at: `2025-01-07T12:00:0${i}Z`,
          type: "comment-posted",
          purpose: d.purpose,
          key: d.key,
        }),
      ),
    ]);
    expect(commentsDue(posted, expected, [], "8.0.2")).toEqual([]);
  });

  it("closes the issue when complete and keeps it open otherwise", () => {
    expect(wantedIssueState(deriveState(valkeyReleaseEvents()), expected)).toBe("closed");
    expect(wantedIssueState(deriveState(valkeyReleaseEvents().slice(0, 10)), expected)).toBe("open");
  });
});

describe("dashboard", () => {
  it("renders a finished release (golden file, read by eye)", () => {
    golden("released.md", renderDashboard(deriveState(valkeyReleaseEvents()), ctx));
  });

  it("renders a release that needs attention, with the problem and the next step (golden file)", () => {
    const events = valkeyReleaseEvents({ failBuildOnce: true }).filter((e) => e.at <= "2025-01-07T10:06:00Z");
    const body = renderDashboard(deriveState(events), ctx);
    golden("needs-attention.md", body);
    expect(body.split("\n")[0]).toBe(
      "**❌ Needs attention** — 1 of 6 stages done · 0 of 3 downstream repos done",
    );
    expect(body).toContain(ctx.rerunCommand);
  });

  it("carries the ledger head it shows in a hidden marker", () => {
    expect(readLedgerMarker(renderDashboard(deriveState([]), ctx))).toBe("1".repeat(40));
  });

  it("stays under GitHub's body limit with 40 artifacts, 10 downstreams and many failures", () => {
    const events: LedgerEvent[] = [];
    for (let i = 0; i < 40; i++)
      events.push({
        id: `a${i}`,
        at: "2025-01-07T10:00:00Z",
        type: "artifact",
        name: `project-9.9.9-target-${"x".repeat(60)}-${i}.tar.gz`,
        state: "uploaded",
        size: 1e9,
        sha256: "f".repeat(64),
        url: `https://downloads.example.org/releases/${"y".repeat(200)}/${i}`,
      });
    const many = Array.from({ length: 10 }, (_, i) => ({
      name: `downstream-${i}`,
      repo: `org/repo-${i}`,
      mode: "pr" as const,
      reportBack: ["ci", "merge", "image-build"] as ("ci" | "merge" | "image-build")[],
    }));
    for (const d of many) {
      events.push({
        id: `pr-${d.name}`,
        at: "2025-01-07T10:01:00Z",
        type: "pull-request",
        downstream: d.name,
        repo: d.repo,
        number: 1,
        url: `https://github.com/${d.repo}/pull/1`,
        action: "opened",
      });
      events.push({
        id: `img-${d.name}`,
        at: "2025-01-07T10:02:00Z",
        type: "image-build",
        downstream: d.name,
        status: "succeeded",
        tags: Array.from({ length: 100 }, (_, j) => `tag-${j}`),
      });
    }
    for (let i = 0; i < 200; i++)
      events.push({
        id: `f${i}`,
        at: `2025-01-07T11:00:00Z`,
        type: "downstream-failed",
        downstream: `downstream-${i % 10}`,
        error: "e".repeat(2000),
      });
    const body = renderDashboard(deriveState(events), { ...ctx, expected: many });
    expect(body.length).toBeLessThan(BODY_LIMIT);
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain("<summary>Artifacts (40)</summary>");
  });
});
