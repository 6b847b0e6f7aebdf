// `release-relay rehearse --attack NAME`: forged events sent with the world's real tokens, answered
// by the real workflows, in one kept world (released once with its PRs left open, then attacked
// again with --resume): each is refused and publishes nothing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, newWorld, rehearsalSuite, runRehearse } from "../support/rehearsal-checks.js";
import { ledgerEvents, readSummary } from "../support/rehearsal-world.js";
import { spawnCollect } from "../support/spawn-collect.js";

const ready = rehearsalSuite();

describe.skipIf(!ready)("release-relay rehearse --attack", { timeout: 120_000 }, () => {
  const dir = newWorld();

  it("forged-merged: a merged report for an open PR is refused and recorded only as refused", async () => {
    const run = await runRehearse(["--keep", dir, "--attack", "forged-merged"]);
    expect(run.stderr).toBe("");
    const summary = readSummary(dir);
    expect(summary.attack, run.why).toMatchObject({ name: "forged-merged", refused: true, published: [] });
    expect(run.code).toBe(0);
    expect(summary.attack?.detail).toMatch(/E_REPORT_FORGED: merged report from cachet-io\/cachet-hashes/);
    expect(summary.attack?.detail).toContain("is still open");
    // The honest release left its PRs open for the attack, and they still are.
    expect(summary.prs.map((p) => p.state)).toEqual(["open", "open", "open"]);
    const refused = ledgerEvents(dir, "1.2.1").filter((e) => e.type === "refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ what: "downstream-report", sender: "release-relay-reporter[bot]" });
  });

  it("forged-commit: another commit of the source repo for the released tag is refused before anything is built", async () => {
    const before = readSummary(dir);
    const run = await runRehearse(["--resume", "--keep", dir, "--attack", "forged-commit"]);
    expect(run.stderr).toBe("");
    const summary = readSummary(dir);
    expect(summary.attack, run.why).toMatchObject({ name: "forged-commit", refused: true, published: [] });
    expect(run.code).toBe(0);
    expect(summary.attack?.detail).toMatch(
      /release run \d+ refused it: E_REQUEST_FORGED: release-requested names commit/,
    );
    expect(summary.artifacts).toEqual(before.artifacts);
    expect(summary.prs).toEqual(before.prs);
  });

  it("hostile-url: a page URL built to escape its link is shown on the tracking issue only as code", async () => {
    const run = await runRehearse(["--resume", "--keep", dir, "--attack", "hostile-url"]);
    expect(run.stderr).toBe("");
    const summary = readSummary(dir);
    expect(summary.attack, run.why).toMatchObject({ name: "hostile-url", refused: true, published: [] });
    expect(run.code).toBe(0);
    // Recorded as the hint it is, and said so.
    expect(summary.attack?.detail).toContain("ledger 1.2.1: downstream.website.page");
    const body = readFileSync(join(dir, "tracking-issue.md"), "utf8");
    expect(body).toMatch(/`https:\/\/evil\.example\/[^`]*`/);
    expect(body.replace(/`[^`\n]*`/g, "")).not.toMatch(/evil\.example|javascript:/);
  });

  it("an unknown attack lists the known ones and creates nothing", async () => {
    const missing = join(dir, "..", "never-created");
    const run = await spawnCollect(process.execPath, [
      cli,
      "rehearse",
      "--keep",
      missing,
      "--attack",
      "steal-keys",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("E_INPUT: --attack steal-keys is not an attack the rehearsal knows");
    for (const name of ["forged-commit", "moved-tag", "forged-image", "hostile-url"])
      expect(run.stderr).toContain(name);
    expect(existsSync(missing)).toBe(false);
  });
});
