// A release as GitHub would run it, in one world: the website lives under another owner (one App
// installation per owner, a token for each), the release is requested twice at once (a tag push and
// its GitHub Release), the release environment requires a reviewer, and maintainers rebase-merge.
// It builds once, says whom it waits for while it waits, times every stage, and the yank reaches the
// other owner's repo with that installation's token.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  expectNoSecrets,
  expectReleased,
  type Notice,
  newWorld,
  rehearsalSuite,
  runRehearse,
} from "../support/rehearsal-checks.js";
import { exampleDir, gitIn, ledgerEvents, readState, readSummary } from "../support/rehearsal-world.js";

const ready = rehearsalSuite();
const AUTOMATION = "cachet-io/cachet-release-automation";
const WEBSITE = "cachet-web/cachet-website";

describe.skipIf(!ready)("release-relay rehearse as GitHub runs it", { timeout: 300_000 }, () => {
  const dir = newWorld();
  const example = mkdtempSync(join(tmpdir(), "two-owners-"));

  it("builds once for two requests at once, shows the wait for approval as it happens, times every stage, and rebase-merges a PR under another owner", async () => {
    cpSync(exampleDir, example, { recursive: true });
    const config = join(example, "release-relay.yml");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace("repo: cachet-io/cachet-website", `repo: ${WEBSITE}`),
    );
    const run = await runRehearse([
      "--example",
      example,
      "--keep",
      dir,
      "--trigger-twice",
      "--require-approval",
      "--merge-method",
      "rebase",
    ]);
    expect(run.code, run.why).toBe(0);
    expectReleased(dir, "1.2.1");
    expectNoSecrets(dir);

    // Two requests, two release runs: the second waited for the first (one concurrency group per
    // release), then found the release done in the ledger and built nothing.
    const finished = run.notices.filter(
      (n): n is Notice & { run: { workflow: string } } => n.kind === "run-finished",
    );
    expect(finished.filter((n) => n.run.workflow === "request-release")).toHaveLength(2);
    const jobs = (id: string) =>
      run.notices.filter(
        (n) => n.kind === "job-finished" && n.repo === AUTOMATION && n.job?.id.startsWith(id),
      );
    expect(jobs("plan")).toHaveLength(2);
    // One run built each of the two targets: the other run's build never started.
    expect(jobs("build").filter((n) => n.job?.result === "success")).toHaveLength(2);
    expect(ledgerEvents(dir, "1.2.1").filter((e) => e.type === "claim")).toHaveLength(1);

    // While publishing, and then the PRs, waited for the reviewer, the tracking issue named them.
    const approvals = run.notices.filter((n) => n.kind === "environment") as (Notice & {
      approvedBy: string;
    })[];
    const waiting =
      "the tracking issue said “⏳ waiting for approval by @cachet-maintainer (environment release)”";
    expect(approvals.map((a) => a.approvedBy)).toEqual([
      expect.stringContaining(waiting),
      expect.stringContaining(waiting),
    ]);
    const events = ledgerEvents(dir, "1.2.1") as unknown as { at: string; stage?: string; status?: string }[];
    const at = (stage: string, status: string) =>
      events.find((e) => e.stage === stage && e.status === status)?.at ?? "";
    expect(at("compute-hashes", "waiting") < at("compute-hashes", "started")).toBe(true);
    expect(at("open-downstream-prs", "waiting") < at("open-downstream-prs", "started")).toBe(true);

    // Every stage that ran has its duration.
    const issue = readFileSync(join(dir, "tracking-issue.md"), "utf8");
    for (const stage of ["Plan", "Build", "Qualify", "Hashes", "Sign & upload", "Downstream PRs"])
      expect(issue).toMatch(new RegExp(`\\| ${stage} \\| ✅ succeeded \\| \\d+(s|m \\d+s) \\|`));

    // The other owner's PR, opened with its own installation's token (the ledger's token, then one per
    // installation: cachet-io's and cachet-web's, no third), and rebase-merged: a copy of the PR's
    // commit on the base, no merge commit.
    const minted = jobs("downstream")
      .flatMap((n) => n.job?.steps ?? [])
      .filter((s) => s.name.startsWith("Run actions/create-github-app-token"));
    expect(minted.map((s) => s.outcome)).toEqual(["success", "success", "success", "skipped"]);
    const website = readSummary(dir).prs.find((p) => p.downstream === "website");
    expect(website).toMatchObject({ repo: WEBSITE, state: "merged" });
    for (const pr of readSummary(dir).prs) {
      const base = readState(dir).repos[pr.repo]?.defaultBranch as string;
      expect(gitIn(dir, pr.repo, ["rev-parse", base]).trim()).not.toBe(pr.headSha);
      expect(gitIn(dir, pr.repo, ["log", "-1", "--format=%P", base]).trim().split(" ")).toHaveLength(1);
    }
    expect(ledgerEvents(dir, "1.2.1").filter((e) => e.type === "image-build")).toHaveLength(1);
  });

  it("yanks it with tokens scoped as the templates mint them: the other owner's PR is reverted too", async () => {
    const yank = await runRehearse([
      "--example",
      example,
      "--resume",
      "--keep",
      dir,
      "--yank",
      "broken website",
    ]);
    expect(yank.code, yank.why).toBe(0);
    const pulls = (readState(dir).repos[WEBSITE]?.pulls ?? []) as { headRef: string }[];
    expect(pulls.map((p) => p.headRef)).toContain("release-relay/yank-1.2.1/website");
    const steps = ledgerEvents(dir, "1.2.1") as unknown as {
      type: string;
      target?: string;
      outcome?: string;
    }[];
    expect(steps.filter((e) => e.type === "yank-step").map((e) => `${e.target}:${e.outcome}`)).toContain(
      "website:revert-proposed",
    );
    expectNoSecrets(dir);
  });
});
