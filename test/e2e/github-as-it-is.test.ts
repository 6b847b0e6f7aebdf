// A release as GitHub would run it: requested twice at once (a tag push and its GitHub Release), with
// a release environment that requires a reviewer. It builds once, the tracking issue says whom it
// waits for while it waits, and every stage that ran has a duration.
import { readFileSync } from "node:fs";
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
import { ledgerEvents } from "../support/rehearsal-world.js";

const ready = rehearsalSuite();
const AUTOMATION = "cachet-io/cachet-release-automation";

describe.skipIf(!ready)(
  "release-relay rehearse --trigger-twice --require-approval",
  { timeout: 300_000 },
  () => {
    it("builds once for two requests at once, shows the wait for approval as it happens, and times every stage", async () => {
      const dir = newWorld();
      const run = await runRehearse(["--trigger-twice", "--require-approval", "--keep", dir]);
      expect(run.code, run.why).toBe(0);
      expectReleased(dir, "1.2.1");
      expectNoSecrets(dir);

      // Two requests, two release runs: the second waited for the first (one concurrency group per
      // release), then found the release done in the ledger and built nothing.
      const finished = run.notices.filter(
        (
          n,
        ): n is Notice & {
          run: { workflow: string; repo: string; jobs: { id: string; result: string }[] };
        } => n.kind === "run-finished",
      );
      const requests = finished.filter((n) => n.run.workflow === "request-release");
      expect(requests).toHaveLength(2);
      const releases = run.notices.filter(
        (n) => n.kind === "job-finished" && n.repo === AUTOMATION && n.job?.id === "plan",
      );
      expect(releases).toHaveLength(2);
      const builds = run.notices.filter(
        (n) =>
          n.kind === "job-finished" &&
          n.repo === AUTOMATION &&
          n.job?.id.startsWith("build") &&
          n.job.result === "success",
      );
      // One run built each target (two targets): the other run's build never started.
      expect(builds).toHaveLength(2);
      expect(ledgerEvents(dir, "1.2.1").filter((e) => e.type === "claim")).toHaveLength(1);

      // While publishing waited for its reviewer, the tracking issue named them; they then approved.
      const approvals = run.notices.filter((n) => n.kind === "environment") as (Notice & {
        approvedBy: string;
        job: string;
      })[];
      expect(approvals.map((a) => a.approvedBy)).toEqual([
        expect.stringContaining(
          "the tracking issue said “⏳ waiting for approval by @cachet-maintainer (environment release)”",
        ),
        expect.stringContaining(
          "the tracking issue said “⏳ waiting for approval by @cachet-maintainer (environment release)”",
        ),
      ]);
      const events = ledgerEvents(dir, "1.2.1") as unknown as {
        id: string;
        at: string;
        stage?: string;
        status?: string;
      }[];
      const at = (stage: string, status: string) =>
        events.find((e) => e.stage === stage && e.status === status)?.at ?? "";
      expect(at("compute-hashes", "waiting") < at("compute-hashes", "started")).toBe(true);
      expect(at("open-downstream-prs", "waiting") < at("open-downstream-prs", "started")).toBe(true);

      // Every stage that ran has its duration.
      const issue = readFileSync(join(dir, "tracking-issue.md"), "utf8");
      for (const stage of ["Plan", "Build", "Qualify", "Checksums", "Sign & upload", "Downstream PRs"])
        expect(issue).toMatch(new RegExp(`\\| ${stage} \\| ✅ succeeded \\| \\d+(s|m \\d+s) \\|`));
    });
  },
);
