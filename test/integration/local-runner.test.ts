// The local workflow runner on small workflows: what it supports behaves as on GitHub, what it does
// not support fails with the file and line.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
let probe = "";
const dir = mkdtempSync(join(tmpdir(), "runner-test-"));

beforeAll(async () => {
  const { build } = await import("esbuild");
  probe = join(dir, "probe.mjs");
  await build({
    entryPoints: [join(root, "test/support/runner-probe.ts")],
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

interface Probe {
  error?: string;
  checkRuns?: { name: string; headSha: string; runId: number; status: string; conclusion?: string }[];
  run?: {
    conclusion: string;
    jobs: {
      id: string;
      name: string;
      result: string;
      outputs: Record<string, string>;
      steps: { name: string; outcome: string; log: string }[];
    }[];
  };
}

function run(name: string, yaml: string, inputs: Record<string, string> = {}): Probe {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return JSON.parse(
    execFileSync(process.execPath, [probe, file, "workflow_dispatch", JSON.stringify(inputs)]).toString(),
  );
}

describe("local workflow runner", () => {
  it("makes every job and matrix leg a check run on the run's commit, completed with the job's conclusion", () => {
    // On GitHub each job is a check run on its commit (lewagon/wait-on-check-action#10), so a step
    // that waits for "all checks" of its own commit sees its own job still running.
    const result = run(
      "checks.yml",
      `name: checks
on: workflow_dispatch
permissions: {}
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        os: [linux, mac]
    steps:
      - run: echo ok
`,
    );
    expect(result.error).toBeUndefined();
    const runs = result.checkRuns ?? [];
    expect(runs.map((c) => [c.name, c.status, c.conclusion])).toEqual([
      ["lint", "completed", "failure"],
      ["test (linux)", "completed", "success"],
      ["test (mac)", "completed", "success"],
    ]);
    expect(new Set(runs.map((c) => c.headSha))).toEqual(new Set(["0".repeat(40)]));
    expect(new Set(runs.map((c) => c.runId)).size).toBe(1);
  });

  it("runs jobs in needs order with outputs, env files, matrix legs and status functions", () => {
    const result = run(
      "ok.yml",
      `name: probe
on:
  workflow_dispatch:
    inputs:
      greeting: { type: string, default: hello }
permissions: {}
env:
  TOP: top
jobs:
  first:
    runs-on: ubuntu-latest
    outputs:
      word: \${{ steps.say.outputs.word }}
    steps:
      - id: say
        run: |
          echo "word=\${{ inputs.greeting }}-$TOP" >> "$GITHUB_OUTPUT"
          echo "LATER=from-env-file" >> "$GITHUB_ENV"
      - run: test "$LATER" = from-env-file
      - run: exit 3
      - if: failure()
        run: echo "recovering after a failure"
      - if: always()
        run: echo "secret \${{ secrets.SECRET_VALUE }} is masked"
  second:
    needs: first
    if: always()
    runs-on: \${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-22.04, ubuntu-24.04]
    steps:
      - run: echo "got \${{ needs.first.outputs.word }} (\${{ needs.first.result }}) on \${{ matrix.os }}"
  skipped:
    needs: first
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`,
    );
    expect(result.error).toBeUndefined();
    const jobs = result.run?.jobs ?? [];
    const first = jobs.find((j) => j.id === "first");
    expect(first?.result).toBe("failure");
    expect(first?.outputs).toEqual({ word: "hello-top" });
    expect(first?.steps.map((s) => s.outcome)).toEqual([
      "success",
      "success",
      "failure",
      "success",
      "success",
    ]);
    expect(first?.steps[4]?.log).toContain("secret *** is masked");
    expect(JSON.stringify(result)).not.toContain("s3cr3t-canary-value");
    const legs = jobs.filter((j) => j.id === "second");
    expect(legs.map((j) => j.name)).toEqual(["second (ubuntu-22.04)", "second (ubuntu-24.04)"]);
    expect(legs[0]?.steps[0]?.log).toContain("got hello-top (failure) on ubuntu-22.04");
    expect(jobs.find((j) => j.id === "skipped")?.result).toBe("skipped");
    expect(result.run?.conclusion).toBe("failure");
  });

  it.each([
    [
      "services",
      "    services:\n      db: { image: postgres }\n",
      /ok\.yml:\d+: job key "services" is not supported/,
    ],
    ["concurrency", "    concurrency: release\n", /job key "concurrency" is not supported/],
  ])("refuses %s with the file and line", (_, extra, message) => {
    const result = run(
      "ok.yml",
      `on: workflow_dispatch\njobs:\n  one:\n    runs-on: ubuntu-latest\n${extra}    steps:\n      - run: echo hi\n`,
    );
    expect(result.error).toMatch(message);
  });

  it("fails a step that uses an unknown or unpinned third-party action, naming its line", () => {
    const result = run(
      "uses.yml",
      "on: workflow_dispatch\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache@v4\n      - uses: actions/checkout@v4\n",
    );
    const steps = result.run?.jobs[0]?.steps ?? [];
    expect(steps[0]?.log).toMatch(/uses\.yml:6: actions\/cache@v4 has no local stand-in/);
    expect(steps[1]?.outcome).toBe("skipped");
    const unpinned = run(
      "pin.yml",
      "on: workflow_dispatch\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    );
    expect(unpinned.run?.jobs[0]?.steps[0]?.log).toMatch(
      /pin\.yml:6: actions\/checkout@v4 is not pinned by a full commit SHA/,
    );
  });

  it("lets a job assume an AWS role only when its OIDC subject is the one the role trusts", () => {
    // GitHub's sub is repo:O/R:environment:NAME for a job with an environment, repo:O/R:ref:REF
    // otherwise (Actions docs, "OpenID Connect reference"): the release role is out of reach of a job
    // that does not run in the release environment, and the doctor's role of one that does.
    const job = (name: string, role: string, environment?: string) => `  ${name}:
    runs-on: ubuntu-latest
${environment ? `    environment: ${environment}\n` : ""}    permissions:
      id-token: write
    steps:
      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502
        with:
          role-to-assume: ${role}
          aws-region: us-east-1
`;
    const result = run(
      "roles.yml",
      `name: roles
on: workflow_dispatch
permissions: {}
jobs:
${job("publish", "arn:release", "release")}${job("stray", "arn:release")}${job("doctor", "arn:doctor")}${job("doctor-in-env", "arn:doctor", "release")}`,
    );
    const results = Object.fromEntries((result.run?.jobs ?? []).map((j) => [j.id, j]));
    expect(results.publish?.result).toBe("success");
    expect(results.doctor?.result).toBe("success");
    expect(results.stray?.result).toBe("failure");
    expect(results.stray?.steps[0]?.log).toContain(
      "the role trusts repo:owner/repo:environment:release, the job's token says repo:owner/repo:ref:refs/heads/main",
    );
    expect(results["doctor-in-env"]?.result).toBe("failure");
  });
});
