// The qualify stage through the real workflow files: a target whose artifact fails the project's
// smoke test stops the release before anything is public, the tracking issue shows that target and
// the end of its log, and a rerun after the fix qualifies again without rebuilding (approved by a
// required reviewer of the release environment, which the tracking issue records).

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  branches,
  DOWNSTREAMS,
  expectNoSecrets,
  expectReleased,
  newWorld,
  rehearsalSuite,
  runRehearse,
} from "../support/rehearsal-checks.js";
import { commitTo, exampleDir, ledgerEvents, readState, readSummary } from "../support/rehearsal-world.js";

const ready = rehearsalSuite();
const AUTOMATION = "cachet-io/cachet-release-automation";
const GOOD = "  command: ./build/qualify.sh\n";
// The arm64 tarball fails its smoke test; x86_64 passes.
const BAD = `  command: |
    ./build/qualify.sh
    if [ "$TARGET_ARCH" = arm64 ]; then echo "smoke test: GET greeting gave nil, expected hello world" >&2; exit 3; fi
`;

/** The example with its qualify command replaced. */
function exampleWith(command: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "qualify-example-")), "cachet");
  cpSync(exampleDir, dir, { recursive: true });
  const config = readFileSync(join(dir, "release-relay.yml"), "utf8");
  expect(config).toContain(GOOD);
  writeFileSync(join(dir, "release-relay.yml"), config.replace(GOOD, command));
  return dir;
}

const jobsRun = (notices: Awaited<ReturnType<typeof runRehearse>>["notices"], id: string) =>
  notices.filter((n) => n.kind === "job-finished" && n.repo === AUTOMATION && n.job?.id === id);

describe.skipIf(!ready)("qualify stage", { timeout: 600_000 }, () => {
  it("stops on the failing target with nothing signed, uploaded or proposed, and shows its log; the rerun after the fix releases without rebuilding", async () => {
    const example = exampleWith(BAD);
    const dir = newWorld();
    const failed = await runRehearse(["--example", example, "--keep", dir]);
    expect(failed.code).toBe(1);
    expect(jobsRun(failed.notices, "qualify").map((n) => n.job?.result)).toEqual(
      expect.arrayContaining(["failure", "success"]),
    );
    expect(jobsRun(failed.notices, "publish")).toEqual([]);
    expect(jobsRun(failed.notices, "downstream")).toEqual([]);

    // Nothing public: no object in the bucket, no release branch or PR in any downstream repo.
    const summary = readSummary(dir);
    expect(summary.completed).toBe(false);
    expect(summary.artifacts).toEqual([]);
    expect(summary.prs).toEqual([]);
    const state = readState(dir);
    for (const name of DOWNSTREAMS) {
      const repo = `cachet-io/cachet-${name}`;
      expect(branches(dir, repo)).toEqual([`refs/heads/${state.repos[repo]?.defaultBranch}`]);
      expect(state.repos[repo]?.pulls ?? []).toEqual([]);
    }

    // The tracking issue names the failing target and quotes the end of its log; the team is told once.
    const issue = state.repos[AUTOMATION]?.issues.find((i) => !i.isPull);
    expect(issue?.state).toBe("open");
    const body = issue?.body ?? "";
    expect(body).toContain("**❌ Needs attention**");
    expect(body).toMatch(/\| Qualify \| ❌ failed \|/);
    expect(body).toContain("### Qualification failed on linux-arm64\n");
    expect(body).toContain("smoke test: GET greeting gave nil, expected hello world");
    expect(body).toContain("\nbin/cachet: ELF for arm64\n");
    expect(body).not.toMatch(/Qualification failed on .*x86_64/);
    const comments = state.repos[AUTOMATION]?.comments.map((c) => c.body) ?? [];
    expect(comments.filter((c) => c.includes("needs attention"))).toEqual([
      expect.stringMatching(/@cachet-io\/maintainers .*the qualify command failed on linux-arm64/),
    ]);
    const failures = ledgerEvents(dir, "1.2.1").filter((e) => e.type === "qualification-failed");
    expect(failures.map((e) => (e as unknown as { target: string }).target)).toEqual(["linux-arm64"]);

    // The fix is committed; the rerun qualifies the artifacts the first run built, then publishes.
    const fixed = readFileSync(join(example, "release-relay.yml"), "utf8").replace(BAD, GOOD);
    commitTo(dir, AUTOMATION, "release-relay.yml", fixed, "qualify: fix the smoke test");
    writeFileSync(join(example, "release-relay.yml"), fixed);
    // This time the release environment requires a reviewer: the maintainer approves the rerun.
    const resumed = await runRehearse([
      "--example",
      example,
      "--resume",
      "--require-approval",
      "--keep",
      dir,
    ]);
    expect(resumed.code, resumed.why).toBe(0);
    expect(jobsRun(resumed.notices, "build")).toEqual([]);
    expect(jobsRun(resumed.notices, "qualify").map((n) => n.job?.result)).toEqual(["success", "success"]);
    expectReleased(dir, "1.2.1");
    expectNoSecrets(dir);
    const after = readFileSync(join(dir, "tracking-issue.md"), "utf8");
    expect(after).not.toContain("Qualification failed");
    expect(after).toMatch(/\| Qualify \| ✅ succeeded \|/);
    // The tracking issue says who let the rerun publish (one review for both jobs in the environment).
    expect(after.match(/^> 🔐 Publishing approved by .*$/gm)).toEqual([
      expect.stringMatching(
        /^> 🔐 Publishing approved by cachet-maintainer \(environment `release`, [^)]+\): “Checked the plan and the build logs”$/,
      ),
    ]);
    expect(body).not.toContain("Publishing approved");
  });
});
