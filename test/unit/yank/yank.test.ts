import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ArtifactHash } from "../../../src/core/artifacts/checksums.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { dashboardContext } from "../../../src/core/dashboard/context.js";
import { renderDashboardHtml } from "../../../src/core/dashboard/html.js";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import { planFileRevert } from "../../../src/core/downstream/file-revert.js";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { commentsDue, wantedIssueState } from "../../../src/core/ledger/tracking.js";
import {
  decidePullRequestYank,
  planYank,
  releaseObjects,
  renderYankPlan,
  STORAGE,
  stepsToRecord,
  yankDone,
  yankedKey,
  yankReasonSchema,
  yankStepEvent,
} from "../../../src/core/yank/yank-plan.js";

const fixtures = join(import.meta.dirname, "../../fixtures/valkey");
const text = (...p: string[]) => readFileSync(join(fixtures, ...p), "utf8");
const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8"),
);
const at = "2025-01-08T09:00:00Z";
const sha = (c: string) => c.repeat(40);

/** The ledger of a released 8.0.2: its request and one PR per downstream. */
function released(): LedgerEvent[] {
  return [
    {
      id: "request",
      at: "2025-01-07T10:00:00Z",
      type: "request",
      tag: "8.0.2",
      commit: sha("a"),
      requestedAt: "2025-01-07T10:00:00Z",
    },
    ...config.downstream.map(
      (d, i): LedgerEvent => ({
        id: `pull-request:${d.name}:${i + 1}:${sha("b")}`,
        at: "2025-01-07T10:30:00Z",
        type: "pull-request",
        downstream: d.name,
        repo: d.repo,
        number: i + 1,
        url: `https://github.com/${d.repo}/pull/${i + 1}`,
        headSha: sha("b"),
        action: "opened",
      }),
    ),
  ];
}

describe("reverting one file of a release commit", () => {
  it("removes only the release's hashes line, even after a later release appended its own (real valkey-hashes commits)", () => {
    const before = text("hashes/8.0.2/README.before");
    const after = text("hashes/8.0.2/README.after");
    const later = text("hashes/8.0.3/README.after");
    const revert = planFileRevert("README", "8.0.2", before, after, later);
    const expected = later
      .split("\n")
      .filter((l) => !l.includes("valkey-8.0.2.tar.gz"))
      .join("\n");
    expect(expected).not.toBe(later);
    expect(revert).toEqual({ kind: "write", content: expected });
    expect(planFileRevert("README", "8.0.2", before, after, after)).toEqual({
      kind: "write",
      content: before,
    });
  });

  it("restores each container file as it was before the release when nothing changed since (real valkey-container commit)", () => {
    const dir = join(fixtures, "container/8.0.2");
    for (const path of ["versions.json", "8.0/debian/Dockerfile", "8.0/alpine/Dockerfile"]) {
      const before = text("container/8.0.2/before", path);
      const after = text("container/8.0.2/after", path);
      expect(before).not.toBe(after);
      expect(planFileRevert(path, "8.0.2", before, after, after)).toEqual({ kind: "write", content: before });
    }
    expect(readdirSync(dir)).toContain("meta.json");
  });

  it("leaves a file a later release superseded, deletes a page the release created, and leaves changed files to people", () => {
    const before = text("container/8.0.2/before/versions.json");
    const after = text("container/8.0.2/after/versions.json");
    // A later release on the line replaced every line 8.0.2 wrote.
    const superseded = after
      .replaceAll("8.0.2", "8.0.3")
      .replace(/"[0-9a-f]{64}"/g, (m) => `"${"f".repeat(m.length - 2)}"`);
    expect(planFileRevert("versions.json", "8.0.2", before, after, superseded)).toMatchObject({
      kind: "unchanged",
      why: expect.stringMatching(/superseded/),
    });
    const page = "---\ntitle: 8.0.2\n---\nDownload it.\n";
    expect(planFileRevert("p.md", "8.0.2", undefined, page, page)).toEqual({ kind: "delete" });
    expect(planFileRevert("p.md", "8.0.2", undefined, page, undefined)).toMatchObject({ kind: "unchanged" });
    expect(planFileRevert("p.md", "8.0.2", undefined, page, `${page}Edited by hand.\n`)).toMatchObject({
      kind: "conflict",
      why: expect.stringMatching(/p\.md changed since the release/),
    });
    expect(planFileRevert("versions.json", "8.0.2", before, after, undefined)).toMatchObject({
      kind: "conflict",
      why: expect.stringMatching(/deleted since/),
    });
  });
});

describe("planning a yank", () => {
  it("takes each downstream's PR from the ledger, and says what needs people", () => {
    const events = [...released()];
    const plan = planYank(deriveState(events), config, "8.0.2", "arm64 crashes");
    expect(plan.downstream.map((d) => [d.downstream, d.kind])).toEqual(
      config.downstream.map((d) => [d.name, "pr"]),
    );
    expect(plan.downstream[0]).toMatchObject({ number: 1, headSha: sha("b") });
    expect(plan.yankedPrefix).toBe(`${config.upload.prefix}yanked/`);
    const withoutPr = planYank(deriveState(events.slice(0, 1)), config, "8.0.2", "x");
    expect(withoutPr.downstream.every((d) => d.kind === "nothing")).toBe(true);
    expect(() => planYank(deriveState([]), config, "8.0.2", "x")).toThrow(/records no release request/);
  });

  it("closes an open PR, reverts a merged one, leaves one closed unmerged", () => {
    expect(decidePullRequestYank({ state: "open", merged: false, headSha: sha("c") })).toBe("close");
    expect(decidePullRequestYank({ state: "closed", merged: true, headSha: sha("c") })).toBe("revert");
    expect(decidePullRequestYank({ state: "closed", merged: false, headSha: sha("c") })).toBe("nothing");
  });

  it("moves every published object under <prefix>yanked/, the manifest last", () => {
    const manifest: ArtifactHash[] = [
      { name: "a.tar.gz", kind: "binary", size: 1, sha256: "1".repeat(64), key: "releases/a.tar.gz" },
      { name: "src.tar.gz", kind: "source-archive", size: 1, sha256: "2".repeat(64), url: "https://x/y" },
    ];
    const objects = releaseObjects(
      { ...config, upload: { ...config.upload, prefix: "releases/" } },
      "8.0.2",
      manifest,
    );
    expect(objects.map((o) => o.key)).toEqual([
      "releases/a.tar.gz",
      "releases/valkey-8.0.2-release-key.asc",
      "releases/valkey-8.0.2-minisign.pub",
      "releases/valkey-8.0.2-release-key.pem",
      "releases/valkey-8.0.2-hashes.json",
    ]);
    expect(objects.filter((o) => o.optional)).toHaveLength(3);
    expect(yankedKey("releases/", "releases/a.tar.gz")).toBe("releases/yanked/a.tar.gz");
    expect(yankedKey("", "a.tar.gz")).toBe("yanked/a.tar.gz");
    expect(renderYankPlan(planYank(deriveState(released()), config, "8.0.2", "why"), objects)).toContain(
      "    releases/valkey-8.0.2-minisign.pub\n",
    );
  });

  it("refuses an empty reason", () => {
    expect(yankReasonSchema.safeParse("  ").success).toBe(false);
    expect(yankReasonSchema.parse("  arm64 crashes ")).toBe("arm64 crashes");
  });
});

describe("a yanked release on the tracking issue", () => {
  const names = config.downstream.map((d) => d.name);
  const expected = config.downstream.map((d) => ({ name: d.name, mode: d.mode, reports: d.reports }));
  const yank: LedgerEvent = {
    id: "yank",
    at,
    type: "yank",
    reason: "arm64 | crashes",
    by: "alice",
  };

  it("stays open until every part is done, then closes; says so once in a comment", () => {
    const steps = names.map((n) =>
      yankStepEvent(n, "revert-proposed", at, "7-1", { url: "https://x/pull/9" }),
    );
    const partial = deriveState([...released(), yank, ...steps]);
    expect(yankDone(partial, names)).toBe(false);
    expect(wantedIssueState(partial, expected)).toBe("open");
    const failed = deriveState([...released(), yank, ...steps, yankStepEvent(STORAGE, "failed", at, "7-1")]);
    expect(wantedIssueState(failed, expected)).toBe("open");
    const done = deriveState([
      ...released(),
      yank,
      ...steps,
      yankStepEvent(STORAGE, "failed", at, "7-1"),
      yankStepEvent(STORAGE, "moved", "2025-01-08T09:05:00Z", "8-1", { detail: "12 objects" }),
    ]);
    expect(yankDone(done, names)).toBe(true);
    expect(wantedIssueState(done, expected)).toBe("closed");
    const comments = commentsDue(done, expected, ["@team"], "8.0.2");
    expect(comments.map((c) => c.key)).toEqual(["yanked"]);
    expect(comments[0]?.body).toMatch(/^@team release 8\.0\.2 was yanked by alice: arm64 \| crashes/);
    done.comments.add("yanked");
    expect(commentsDue(done, expected, ["@team"], "8.0.2")).toEqual([]);
  });

  const revertPr = "https://github.com/valkey-io/valkey-hashes/pull/9";

  it("shows who yanked, why, and each part; the HTML page too", () => {
    const state = deriveState([
      ...released(),
      yank,
      yankStepEvent("hashes", "revert-proposed", at, "7-1", { url: revertPr }),
      yankStepEvent(STORAGE, "moved", at, "7-1", { detail: "12 objects under releases/yanked/" }),
    ]);
    const ctx = dashboardContext(config, "8.0.2", "1".repeat(40));
    const body = renderDashboard(state, ctx);
    expect(body.split("\n")[0]).toBe("**⛔ Yanked** — arm64 \\| crashes");
    expect(body).toContain("> ⛔ **Yanked** by alice (2025-01-08T09:00:00Z): “arm64 \\| crashes”");
    expect(body).toContain(`| hashes | ↩️ revert PR opened | [${revertPr}](${revertPr})  |`);
    expect(body).toContain("| storage | 📦 moved to yanked/ | 12 objects under releases/yanked/ |");
    const html = renderDashboardHtml(state, ctx, { title: "valkey 8.0.2" });
    expect(html).toContain('data-verdict="yanked">Yanked<');
    expect(html).toContain('<li data-target="storage" data-outcome="moved">');
  });

  it("says what is left to people: merge the reverts, undo by hand, resolve a failed part and run the yank again", () => {
    const quoted = { ...yank, reason: "arm64 can't start" };
    const state = deriveState([
      ...released(),
      quoted,
      yankStepEvent("hashes", "revert-proposed", at, "7-1", { url: revertPr }),
      yankStepEvent("container", "by-hand", at, "7-1", { detail: "push mode: revert commit abc123" }),
      yankStepEvent("website", "failed", at, "7-1", { detail: "download.md changed after the release" }),
      yankStepEvent(STORAGE, "moved", at, "7-1", { detail: "12 objects" }),
    ]);
    const ctx = dashboardContext(config, "8.0.2", "1".repeat(40));
    const body = renderDashboard(state, ctx);
    const next = body.slice(body.indexOf("### Next"));
    expect(next).toContain(`- Review and merge the revert PR of hashes: [${revertPr}](${revertPr})`);
    expect(next).toContain("- Undo container by hand: push mode: revert commit abc123");
    expect(next).toContain("- Resolve website: download.md changed after the release");
    // The reason goes back in as one shell word, whatever quotes it holds.
    expect(next).toContain(
      `- Then run the yank again: it redoes only what is not done: \`gh workflow run yank.yml --repo ${config.tracking.repo} -f version=8.0.2 -f reason='arm64 can'\\''t start'\``,
    );
    const html = renderDashboardHtml(state, ctx, { title: "valkey 8.0.2" });
    expect(html).toContain("Then run the yank again");
    // Once every part is done, only the revert PR still waits for a person; no rerun is offered.
    const done = deriveState([
      ...released(),
      quoted,
      yankStepEvent("hashes", "revert-proposed", at, "7-1", { url: revertPr }),
      yankStepEvent(STORAGE, "moved", at, "7-1"),
    ]);
    expect(renderDashboard(done, ctx)).not.toContain("run the yank again");
    expect(renderDashboard(done, ctx)).toContain("- Review and merge the revert PR of hashes");
  });

  it("records a step again only when it changed (a rerun of a finished yank appends nothing)", () => {
    const first = yankStepEvent("hashes", "revert-proposed", at, "7-1", { url: "https://x/pull/9" });
    const state = deriveState([...released(), yank, first]);
    const same = { target: "hashes", outcome: "revert-proposed" as const, url: "https://x/pull/9" };
    expect(stepsToRecord(state, [same])).toEqual([]);
    const merged = { target: "hashes", outcome: "revert-merged" as const, url: "https://x/pull/9" };
    expect(stepsToRecord(state, [merged])).toEqual([merged]);
    expect(yankStepEvent("hashes", "failed", at, "7-1").id).not.toBe(
      yankStepEvent("hashes", "failed", at, "8-1").id,
    );
  });
});
