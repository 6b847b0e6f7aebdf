// The rehearsed release with tokens holding exactly the documented permissions completes (see
// rehearse.test.ts); taking any one of them away makes it fail with a message naming it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectNoSecrets } from "../support/rehearsal-checks.js";
import { rehearsalTools } from "../support/tools.js";

const cli = join(import.meta.dirname, "../../dist/cli/index.js");

/** Every `::error::` line of every job log in a kept world. */
function errorLines(dir: string): string[] {
  const runs = join(dir, "actions", "runs");
  const lines: string[] = [];
  for (const run of readdirSync(runs))
    for (const job of readdirSync(join(runs, run))) {
      const log = join(runs, run, job, "job.log");
      if (existsSync(log))
        lines.push(
          ...readFileSync(log, "utf8")
            .split("\n")
            .filter((l) => l.startsWith("::error::")),
        );
    }
  return lines;
}

/** The jobs that ran in the automation repo's release run (the one with a `doctor` job). */
function releaseRunJobs(dir: string): string[] {
  const runs = join(dir, "actions", "runs");
  const run = readdirSync(runs).find((r) => existsSync(join(runs, r, "doctor")));
  return run ? readdirSync(join(runs, run)).filter((j) => j !== "event.json") : [];
}

const A = "cachet-io/cachet-release-automation";
// token, repo, permission, and the permission's name as GitHub's settings page shows it. An App
// installation's permission is taken from every repo of its owner at once (as on GitHub), so each
// permission of each App is one case; the repo is one whose probe or call names it.
const DOCUMENTED: [string, string, string, string][] = [
  ["app", A, "contents:write", "Contents"],
  ["app", A, "issues:write", "Issues"],
  ["app", "cachet-io/cachet-website", "pull_requests:write", "Pull requests"],
  ["dispatch", A, "contents:write", "Contents"],
  ["report", A, "contents:write", "Contents"],
];

describe.skipIf(!rehearsalTools())("least privilege", { timeout: 120_000 }, () => {
  it.each(DOCUMENTED)(
    "without %s's %s %s the release fails and says so",
    async (token, repo, permission, shown) => {
      const dir = join(mkdtempSync(join(tmpdir(), "least-privilege-")), "world");
      try {
        // Asynchronously: a worker blocked for long loses its connection to the test runner.
        const child = spawn(
          process.execPath,
          [cli, "rehearse", "--json", "--keep", dir, "--revoke", `${token}:${repo}:${permission}`],
          { stdio: "ignore" },
        );
        const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
        expect(status).toBe(1);
        expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).completed).toBe(false);
        const named = errorLines(dir).filter((l) => l.includes(`"${shown}`) && l.includes(repo));
        expect(named.length, errorLines(dir).join("\n")).toBeGreaterThan(0);
        if (token === "app") {
          // The release workflow's first job, doctor, found it: no other job ran, nothing was recorded.
          expect(releaseRunJobs(dir)).toEqual(["doctor"]);
          expect(named.some((l) => l.startsWith(`::error::${repo}: `))).toBe(true);
          // The installation's Contents is the source repo's too, which keeps the GitHub Release: its
          // own token could not be minted, and the doctor says the source repo lacks the write.
          if (permission === "contents:write")
            expect(
              errorLines(dir).some((l) => l.startsWith("::error::cachet-io/cachet: contents write")),
            ).toBe(true);
          const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
          expect(summary.trackingIssue).toBeNull();
          expect(summary.artifacts).toEqual([]);
        }
        // Refusals and their error messages leak no token or key either.
        expectNoSecrets(dir);
      } finally {
        rmSync(join(dir, ".."), { recursive: true, force: true });
      }
    },
  );
});
