import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { ALL_PERMISSIONS } from "../../src/rehearsal/github/permissions.js";

const REPO = { owner: "acme", repo: "hashes" };
let emulator: GitHubEmulator;
let gh: GitHubClient;

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  emulator.addToken("t-admin", { login: "maintainer", repos: { "*": ALL_PERMISSIONS } });
  await emulator.createRepo("acme/hashes", { files: { README: "hashes\n" } });
  await emulator.createRepo("mallory/hashes", { files: { README: "hashes\n" } });
  gh = createGitHubClient({ token: "t-admin", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
});

afterAll(async () => {
  await emulator.stop();
});

/** A branch with two commits (two files), and a PR of it. */
async function openPull(branch: string, owner = "acme") {
  const repo = { owner, repo: "hashes" };
  const { data: main } = await gh.rest.repos.getBranch({ ...repo, branch: "main" });
  let parent = main.commit.sha;
  let baseTree = main.commit.commit.tree.sha;
  for (const name of ["a", "b"]) {
    const { data: tree } = await gh.rest.git.createTree({
      ...repo,
      base_tree: baseTree,
      tree: [{ path: `${branch}-${name}.txt`, mode: "100644", type: "blob", content: `${name}\n` }],
    });
    const { data: commit } = await gh.rest.git.createCommit({
      ...repo,
      message: `add ${name}`,
      tree: tree.sha,
      parents: [parent],
    });
    parent = commit.sha;
    baseTree = tree.sha;
  }
  await gh.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: parent });
  const { data: pr } = await gh.rest.pulls.create({
    ...REPO,
    title: `Release ${branch}`,
    head: owner === "acme" ? branch : `${owner}:${branch}`,
    base: "main",
  });
  return { pr, head: parent };
}

describe("merging a pull request as GitHub does for each merge_method", () => {
  it("squash: one new commit with the PR's changes, titled '<title> (#N)', and the PR found from it", async () => {
    const { pr, head } = await openPull("release-relay/1.0.0/squash");
    const before = (await gh.rest.repos.getBranch({ ...REPO, branch: "main" })).data.commit.sha;
    const { data: merged } = await gh.rest.pulls.merge({
      ...REPO,
      pull_number: pr.number,
      merge_method: "squash",
    });
    const { data: commit } = await gh.rest.git.getCommit({ ...REPO, commit_sha: merged.sha });
    expect(commit.parents.map((p) => p.sha)).toEqual([before]);
    expect(commit.message.split("\n")[0]).toBe(`Release release-relay/1.0.0/squash (#${pr.number})`);
    expect(commit.message).not.toMatch(/Merge pull request/);
    const { data: tree } = await gh.rest.git.getTree({
      ...REPO,
      tree_sha: commit.tree.sha,
      recursive: "true",
    });
    expect(tree.tree.map((t) => t.path)).toEqual(
      expect.arrayContaining(["release-relay/1.0.0/squash-a.txt", "release-relay/1.0.0/squash-b.txt"]),
    );
    const { data: got } = await gh.rest.pulls.get({ ...REPO, pull_number: pr.number });
    expect(got.merge_commit_sha).toBe(merged.sha);
    expect(got.head.sha).toBe(head);
    const { data: pulls } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({
      ...REPO,
      commit_sha: merged.sha,
    });
    expect(pulls.map((p) => [p.number, p.head.ref, p.merged_at !== null])).toEqual([
      [pr.number, "release-relay/1.0.0/squash", true],
    ]);
  });

  it("rebase: the PR's commits replayed with new SHAs; the base moves to the last copy", async () => {
    const { pr, head } = await openPull("release-relay/1.0.0/rebase");
    const before = (await gh.rest.repos.getBranch({ ...REPO, branch: "main" })).data.commit.sha;
    const { data: merged } = await gh.rest.pulls.merge({
      ...REPO,
      pull_number: pr.number,
      merge_method: "rebase",
    });
    expect(merged.sha).not.toBe(head);
    const { data: last } = await gh.rest.git.getCommit({ ...REPO, commit_sha: merged.sha });
    expect(last.message).toBe("add b");
    const { data: first } = await gh.rest.git.getCommit({
      ...REPO,
      commit_sha: last.parents[0]?.sha as string,
    });
    expect(first.message).toBe("add a");
    expect(first.parents.map((p) => p.sha)).toEqual([before]);
    expect((await gh.rest.repos.getBranch({ ...REPO, branch: "main" })).data.commit.sha).toBe(merged.sha);
    for (const sha of [merged.sha, first.sha]) {
      const { data: pulls } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({
        ...REPO,
        commit_sha: sha,
      });
      expect(pulls.map((p) => p.number)).toEqual([pr.number]);
    }
  });

  it("merge: a merge commit 'Merge pull request #N from owner/branch' with both parents; a custom title is kept", async () => {
    const { pr, head } = await openPull("release-relay/1.0.0/merge");
    const { data: merged } = await gh.rest.pulls.merge({
      ...REPO,
      pull_number: pr.number,
      merge_method: "merge",
      commit_title: "Land the release",
      commit_message: "as reviewed",
    });
    const { data: commit } = await gh.rest.git.getCommit({ ...REPO, commit_sha: merged.sha });
    expect(commit.parents.map((p) => p.sha)[1]).toBe(head);
    expect(commit.message.trim()).toBe("Land the release\n\nas reviewed");
    const { pr: other } = await openPull("feature");
    const { data: plain } = await gh.rest.pulls.merge({ ...REPO, pull_number: other.number });
    const { data: plainCommit } = await gh.rest.git.getCommit({ ...REPO, commit_sha: plain.sha });
    expect(plainCommit.message.split("\n")[0]).toBe(`Merge pull request #${other.number} from acme/feature`);
  });

  it("refuses an unknown merge_method with 422", async () => {
    const { pr } = await openPull("release-relay/1.0.0/bad");
    await expect(
      gh.rest.pulls.merge({ ...REPO, pull_number: pr.number, merge_method: "fast-forward" as "merge" }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("a fork's PR names the fork as its head repo and is not listed under the base owner's branch", async () => {
    const { pr, head } = await openPull("release-relay/1.0.0/hashes", "mallory");
    expect(pr.head.repo?.full_name).toBe("mallory/hashes");
    expect(pr.head.sha).toBe(head);
    const { data: byOwner } = await gh.rest.pulls.list({ ...REPO, head: "acme:release-relay/1.0.0/hashes" });
    expect(byOwner).toEqual([]);
    const { data: byFork } = await gh.rest.pulls.list({
      ...REPO,
      head: "mallory:release-relay/1.0.0/hashes",
    });
    expect(byFork.map((p) => p.number)).toEqual([pr.number]);
    const { data: pulls } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({
      ...REPO,
      commit_sha: head,
    });
    expect(pulls.map((p) => [p.number, p.head.repo?.full_name])).toEqual([[pr.number, "mallory/hashes"]]);
  });
});
