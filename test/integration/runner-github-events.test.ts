// LocalActions delivers events as GitHub does where the product depends on it: no pull_request run
// for a conflicting PR, pull_request_target at the base branch, workflow_run chains three deep, push
// events for branches moved by an App (not by GITHUB_TOKEN), fork heads in workflow_run, and checkout
// of a private repository only with a token that can read it.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
type Run = { workflow: string; event: string; headSha: string; conclusion: string };
let out: {
  conflicts: { runs: Run[]; cleanHead: string };
  target: { runs: Run[]; stable: string; head: string };
  chain: string[];
  pushed: { byApp: Run[]; all: Run[]; next: string };
  fork: { pr: number; runs: Run[]; reportLog: string };
  checkout: { id: string; result: string; log: string }[];
};

beforeAll(async () => {
  const { build } = await import("esbuild");
  const probe = join(mkdtempSync(join(tmpdir(), "actions-probe-")), "probe.mjs");
  await build({
    entryPoints: [join(root, "test/support/actions-probe.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: probe,
    logLevel: "error",
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
  });
  out = JSON.parse(execFileSync(process.execPath, [probe], { maxBuffer: 64 * 1024 * 1024 }).toString());
}, 120_000);

describe("events the local runner delivers, as GitHub does", () => {
  it("runs no pull_request workflow for a PR with merge conflicts (github/docs#8766)", () => {
    expect(out.conflicts.runs.map((r) => [r.event, r.headSha])).toEqual([
      ["pull_request", out.conflicts.cleanHead],
    ]);
  });

  it("runs pull_request_target with the base branch's workflow file, at its head", () => {
    expect(out.target.runs.map((r) => [r.workflow, r.headSha])).toEqual([
      ["target-stable", out.target.stable],
    ]);
  });

  it("chains workflow_run at most three levels deep", () => {
    expect(out.chain).toEqual(["A", "B", "C", "D"]);
  });

  it("delivers push when an App moves a branch through the API, and nothing when GITHUB_TOKEN does", () => {
    expect(out.pushed.byApp.map((r) => [r.workflow, r.event, r.headSha])).toEqual([
      ["on-push", "push", out.pushed.next],
    ]);
    expect(out.pushed.all).toHaveLength(1);
  });

  it("names the fork as the head repository of a fork PR's workflow_run", () => {
    expect(out.fork.pr).toBe(201);
    expect(out.fork.runs.map((r) => [r.workflow, r.conclusion])).toEqual([
      ["CI", "success"],
      ["report", "success"],
    ]);
    expect(out.fork.reportLog).toContain("head repository mallory/forked");
  });

  it("checks out a private repository only with a token that can read it", () => {
    const byJob = Object.fromEntries(out.checkout.map((j) => [j.id, j]));
    expect(byJob["job-token"]?.result).toBe("failure");
    expect(byJob["job-token"]?.log).toMatch(
      /could not read acme\/private-data \(HTTP 404\): remote: Repository not found/,
    );
    expect(byJob["with-token"]?.result).toBe("success");
  });
});
