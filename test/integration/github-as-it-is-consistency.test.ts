import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { isNoCommitsYet, retryWhileSettling } from "../../src/adapters/github/settling-retry.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { consistencyOf } from "../../src/rehearsal/github/faults.js";

const REPO = { owner: "acme", repo: "hashes" };
let emulator: GitHubEmulator;
let gh: GitHubClient;

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ status: 0, message: "" }),
    (e: { status: number; response?: { data?: unknown } }) => ({
      status: e.status,
      message: JSON.stringify(e.response?.data ?? ""),
    }),
  );

/** Pushes one commit on a new branch through the Git Data API, as release-relay does. */
async function pushBranch(branch: string): Promise<void> {
  const base = (await gh.rest.git.getRef({ ...REPO, ref: "heads/main" })).data.object.sha;
  const baseTree = (await gh.rest.git.getCommit({ ...REPO, commit_sha: base })).data.tree.sha;
  const tree = await gh.rest.git.createTree({
    ...REPO,
    base_tree: baseTree,
    tree: [{ path: `${branch}.txt`, mode: "100644", type: "blob", content: `${branch}\n` }],
  });
  const commit = await gh.rest.git.createCommit({
    ...REPO,
    message: branch,
    tree: tree.data.sha,
    parents: [base],
  });
  await gh.rest.git.createRef({ ...REPO, ref: `refs/heads/${branch}`, sha: commit.data.sha });
}

const openPull = (branch: string) =>
  gh.rest.pulls.create({ ...REPO, head: branch, base: "main", title: branch });

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo("acme/hashes");
  emulator.addToken("t", {
    login: "relay[bot]",
    repos: { "acme/hashes": ["contents:write", "pull_requests:write"] },
  });
  gh = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
});
afterEach(async () => {
  await emulator.stop();
});

describe("GitHub's eventual consistency in the emulator", () => {
  it("delay mode: a PR from a branch just pushed answers 422 No commits between, then opens", async () => {
    consistencyOf(emulator.state).setPlan({ pullCreates: 2, mergeableReads: 2 });
    await pushBranch("release/1");
    for (let i = 0; i < 2; i++) {
      const refused = await failure(openPull("release/1"));
      expect(refused.status).toBe(422);
      expect(refused.message).toContain("No commits between main and release/1");
    }
    const { data: pr } = await openPull("release/1");
    // mergeable is null while GitHub computes it: on the create's reply and the first read, then known.
    expect(pr.mergeable).toBeNull();
    expect(pr.mergeable_state).toBe("unknown");
    expect((await gh.rest.pulls.get({ ...REPO, pull_number: pr.number })).data.mergeable).toBeNull();
    expect((await gh.rest.pulls.get({ ...REPO, pull_number: pr.number })).data.mergeable).toBe(true);
  });

  it("delay mode by time: every create within the window after the push is refused; off, it opens", async () => {
    const lag = consistencyOf(emulator.state);
    lag.setPlan({ pullCreateMs: 10 * 60_000 });
    await pushBranch("release/2");
    for (let i = 0; i < 3; i++) expect((await failure(openPull("release/2"))).status).toBe(422);
    lag.setPlan(undefined);
    expect((await openPull("release/2")).data.mergeable).toBe(true);
  });

  it("faults: the next PR create is refused and the next read hides mergeable, whatever the branch", async () => {
    await pushBranch("release/3");
    const lag = consistencyOf(emulator.state);
    lag.failPullCreates(1);
    expect(isNoCommitsYet(await openPull("release/3").catch((e: unknown) => e))).toBe(true);
    const { data: pr } = await openPull("release/3");
    expect(pr.mergeable).toBe(true);
    lag.hideMergeable(1);
    expect((await gh.rest.pulls.get({ ...REPO, pull_number: pr.number })).data.mergeable).toBeNull();
    expect((await gh.rest.pulls.get({ ...REPO, pull_number: pr.number })).data.mergeable).toBe(true);
  });

  it("retryWhileSettling retries only while GitHub catches up, and gives up after its delays", async () => {
    await pushBranch("release/4");
    const lag = consistencyOf(emulator.state);
    lag.failPullCreates(2);
    const waited: number[] = [];
    const sleep = async (ms: number) => {
      waited.push(ms);
    };
    const { data: pr } = await retryWhileSettling(() => openPull("release/4"), isNoCommitsYet, { sleep });
    expect(pr.number).toBe(1);
    expect(waited).toEqual([500, 1000]);
    lag.failPullCreates(10);
    await pushBranch("release/5");
    const gaveUp = await failure(
      retryWhileSettling(() => openPull("release/5"), isNoCommitsYet, { sleep, delaysMs: [1, 1, 1] }),
    );
    expect(gaveUp.status).toBe(422);
    // A refusal that is not GitHub catching up is not retried.
    const before = waited.length;
    const other = await failure(
      retryWhileSettling(() => openPull("no-such-branch"), isNoCommitsYet, { sleep }),
    );
    expect(other.status).toBe(422);
    expect(waited.length).toBe(before);
  });
});
