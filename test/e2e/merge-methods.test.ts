// The release completes however maintainers merge: squash and rebase merges leave no "Merge pull
// request … from …release-relay/…" commit (GitHub community discussion #30439), and the image build on
// the base branch is still found and reported. The merge method `merge` is the default rehearsal
// (rehearse.test.ts); rebase is rehearsed in github-as-it-is.test.ts. A fork's PR with a
// release-named branch is never counted. The release squashed here is a release candidate on a new
// line (`--rc`): its tags and files are checked as every rehearsed release's are.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DOWNSTREAMS,
  expectReleased,
  newWorld,
  rehearsalSuite,
  runRehearse,
} from "../support/rehearsal-checks.js";
import { gitIn, ledgerEvents, readState, readSummary } from "../support/rehearsal-world.js";

const ready = rehearsalSuite();
const VERSION = "1.3.0-rc1";

/** What every report-status run of a repo printed about its report. */
function reportLines(dir: string, repo: string): string[] {
  const runs = join(dir, "actions", "runs");
  return readdirSync(runs).flatMap((id) => {
    const event = JSON.parse(readFileSync(join(runs, id, "event.json"), "utf8")) as {
      repository?: { full_name?: string };
    };
    if (event.repository?.full_name !== repo) return [];
    try {
      return readFileSync(join(runs, id, "report", "job.log"), "utf8")
        .split("\n")
        .filter((l) => /reported|not a release branch/.test(l));
    } catch {
      return [];
    }
  });
}

describe.skipIf(!ready)("release-relay rehearse --merge-method", { timeout: 300_000 }, () => {
  it("squash, with a fork's release-named PR opened first: a release candidate on a new line released, and the fork's PR never counted", async () => {
    const dir = newWorld();
    const run = await runRehearse(["--keep", dir, "--rc", "--merge-method", "squash", "--fork-pr"]);
    expect(run.stderr).toBe("");
    expect(run.code, run.why).toBe(0);
    expectReleased(dir, VERSION);
    const summary = readSummary(dir);
    expect(summary.completed).toBe(true);
    expect(summary.prs.map((p) => [p.downstream, p.state]).sort()).toEqual(
      DOWNSTREAMS.map((d) => [d, "merged"]).sort(),
    );
    const state = readState(dir) as unknown as {
      repos: Record<
        string,
        { defaultBranch: string; pulls: { number: number; headRepo?: string; merged: boolean }[] }
      >;
    };
    // Each release PR landed as one squash commit "<title> (#N)" with a single parent.
    for (const pr of summary.prs) {
      const base = state.repos[pr.repo]?.defaultBranch as string;
      const [subject, parents] = gitIn(dir, pr.repo, ["log", "-1", "--format=%s%n%P", base])
        .trim()
        .split("\n");
      expect(subject).toMatch(new RegExp(`\\(#${pr.number}\\)$`));
      expect(parents?.split(" ")).toHaveLength(1);
    }
    // The container's image build on its base branch was found from the squash commit and reported.
    const events = ledgerEvents(dir, VERSION);
    expect(events.filter((e) => e.type === "image-build").map((e) => e.downstream)).toEqual(["container"]);
    // The fork's PR: opened before the release, with the release's branch name, left unmerged.
    const fork = state.repos["cachet-io/cachet-hashes"]?.pulls.find((p) => p.headRepo);
    expect(fork).toMatchObject({ headRepo: "mallory-contributor/cachet-hashes", merged: false });
    const own = summary.prs.find((p) => p.downstream === "hashes");
    expect(own?.number).not.toBe(fork?.number);
    // Not recorded as the release's PR, not reported, nothing refused, the tracking issue unaffected.
    expect(
      events.filter((e) => e.type === "pull-request" && e.downstream === "hashes").map((e) => e.id),
    ).toEqual([expect.stringMatching(new RegExp(`^pull-request:hashes:${own?.number}:`))]);
    expect(events.filter((e) => e.type === "refused")).toEqual([]);
    const issue = readFileSync(join(dir, "tracking-issue.md"), "utf8");
    expect(issue).not.toContain(`cachet-hashes/pull/${fork?.number})`);
    expect(issue).not.toMatch(/refused/i);
    const lines = reportLines(dir, "cachet-io/cachet-hashes");
    expect(lines.filter((l) => l.includes("mallory-contributor"))).toHaveLength(2);
    expect(
      lines.filter((l) => l.includes("mallory-contributor")).every((l) => l.startsWith("not reported")),
    ).toBe(true);
  });
});
