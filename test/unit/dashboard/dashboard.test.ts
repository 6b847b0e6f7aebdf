import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readLedgerMarker } from "../../../src/core/dashboard/ledger-marker.js";
import { BODY_LIMIT, renderDashboard } from "../../../src/core/dashboard/markdown.js";
import { releaseVerdict } from "../../../src/core/dashboard/verdict.js";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { valkeyExpectations as expected, valkeyReleaseEvents } from "../../support/release-events.js";

const ctx = {
  version: "8.0.2",
  ledgerHead: "1".repeat(40),
  expected,
  rerunCommand:
    "gh workflow run release.yml --repo valkey-io/valkey-release-automation -f version=8.0.2 -f stages=failed",
  yankCommand: "gh workflow run yank.yml --repo valkey-io/valkey-release-automation -f version=8.0.2",
  links: { server: "https://github.com", downloads: "https://download.valkey.io/releases/" },
};

const golden = (name: string, text: string) => {
  const path = join(import.meta.dirname, "../../fixtures/dashboard", name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, "utf8"));
};

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
      reports: ["ci", "merge", "image-build"] as ("ci" | "merge" | "image-build")[],
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

describe("the release verdict", () => {
  it("is not Released while a downstream PR is open, however green the rest is", () => {
    // Every stage succeeded and hashes' PR passed CI, but nobody merged it yet.
    const open = deriveState(valkeyReleaseEvents().filter((e) => e.id !== "report:hashes:merged"));
    expect(releaseVerdict(open, ctx)).toEqual({
      kind: "in-progress",
      progress: "6 of 6 stages done · 2 of 3 downstream repos done",
    });
    expect(renderDashboard(open, ctx).split("\n")[0]).toBe(
      "**🔵 In progress** — 6 of 6 stages done · 2 of 3 downstream repos done",
    );
  });

  it("counts dry-run downstreams apart: they open no PR", () => {
    const dryRun = { ...ctx, expected: ctx.expected.map((x) => ({ ...x, mode: "dry-run" as const })) };
    expect(releaseVerdict(deriveState(valkeyReleaseEvents()), dryRun).progress).toBe(
      `6 of 6 stages done · 0 of 0 downstream repos done · ${ctx.expected.length} in dry-run (no PR opened)`,
    );
  });

  it("is Released once that PR merged", () => {
    expect(releaseVerdict(deriveState(valkeyReleaseEvents()), ctx)).toEqual({
      kind: "released",
      progress: "6 of 6 stages done · 3 of 3 downstream repos done",
    });
  });
});
