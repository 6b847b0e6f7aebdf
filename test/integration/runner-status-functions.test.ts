// A cancelled job is not a failed one: its conclusion is cancelled, failure() is false for the jobs
// after it and cancelled() true (Actions docs, "Status check functions"; REST "Get a workflow run").
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
let probe = "";

beforeAll(async () => {
  const { build } = await import("esbuild");
  probe = join(mkdtempSync(join(tmpdir(), "status-probe-")), "probe.mjs");
  await build({
    entryPoints: [join(root, "test/support/status-probe.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: probe,
    logLevel: "error",
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
  });
});

const answers = (cases: string[][]) =>
  JSON.parse(execFileSync(process.execPath, [probe, JSON.stringify(cases)]).toString()) as {
    success: boolean;
    failure: boolean;
    cancelled: boolean;
    always: boolean;
    conclusion: string;
  }[];

describe("status functions and conclusions around a cancelled job", () => {
  it("after a cancelled job: cancelled() is true, failure() and success() false; the run is cancelled", () => {
    expect(answers([["success", "cancelled"]])[0]).toEqual({
      results: ["success", "cancelled"],
      success: false,
      failure: false,
      cancelled: true,
      always: true,
      conclusion: "cancelled",
    });
  });

  it("after a failed job: failure() is true and the run fails, cancelled jobs or not", () => {
    const [failed, both] = answers([["failure"], ["failure", "cancelled"]]);
    expect([failed?.failure, failed?.cancelled, failed?.conclusion]).toEqual([true, false, "failure"]);
    expect([both?.failure, both?.cancelled, both?.conclusion]).toEqual([true, true, "failure"]);
  });

  it("after jobs that succeeded or were skipped: success() and the run succeeds", () => {
    const [ok] = answers([["success", "skipped"]]);
    expect([ok?.failure, ok?.cancelled, ok?.conclusion]).toEqual([false, false, "success"]);
  });
});
