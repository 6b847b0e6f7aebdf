import { ReleaseRelayError } from "../../core/errors.js";
import type { LivePullRequest } from "../../core/yank/yank-plan.js";
import type { GitHubClient } from "./client.js";
import { githubError } from "./errors.js";

/** One file a release commit changed: its text before and after (undefined: absent). */
export interface ChangedFile {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

function split(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split("/") as [string, string];
  return { owner, repo: name };
}

async function treeOf(github: GitHubClient, repo: string, treeSha: string): Promise<Map<string, string>> {
  const { data } = await github.rest.git.getTree({ ...split(repo), tree_sha: treeSha, recursive: "1" });
  return new Map(
    data.tree
      .filter((e) => e.type === "blob" && e.path && e.sha)
      .map((e) => [e.path as string, e.sha as string]),
  );
}

async function blobText(
  github: GitHubClient,
  repo: string,
  sha: string | undefined,
): Promise<string | undefined> {
  if (!sha) return undefined;
  const { data } = await github.rest.git.getBlob({ ...split(repo), file_sha: sha });
  return Buffer.from(data.content, "base64").toString("utf8");
}

/**
 * What a release changed in a downstream: every file that differs between the parent of the
 * release's own commit (recorded in the ledger) and the head that was merged, with both texts.
 * This is what a revert undoes.
 */
export async function readReleaseChange(
  github: GitHubClient,
  repo: string,
  releaseSha: string,
  mergedHead: string,
): Promise<{ parent: string; files: ChangedFile[] }> {
  try {
    const commit = async (sha: string) =>
      (await github.rest.git.getCommit({ ...split(repo), commit_sha: sha })).data;
    const release = await commit(releaseSha);
    const parent = release.parents[0]?.sha;
    if (!parent || release.parents.length !== 1)
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${repo} commit ${releaseSha.slice(0, 12)} is not a single release commit (it has ${release.parents.length} parents)`,
        "revert this downstream by hand",
      );
    const head = releaseSha === mergedHead ? release : await commit(mergedHead);
    const [after, before] = await Promise.all([
      treeOf(github, repo, head.tree.sha),
      treeOf(github, repo, (await commit(parent)).tree.sha),
    ]);
    const paths = [...new Set([...after.keys(), ...before.keys()])]
      .filter((p) => after.get(p) !== before.get(p))
      .sort();
    const files: ChangedFile[] = [];
    for (const path of paths)
      files.push({
        path,
        before: await blobText(github, repo, before.get(path)),
        after: await blobText(github, repo, after.get(path)),
      });
    return { parent, files };
  } catch (error) {
    throw error instanceof ReleaseRelayError
      ? error
      : githubError(
          error,
          `read the release commit in ${repo}`,
          `give the token "Contents: read" on ${repo}`,
        );
  }
}

/** A PR as the repo shows it now: whether it is open, merged, and its head. */
export async function readLivePull(
  github: GitHubClient,
  repo: string,
  number: number,
): Promise<LivePullRequest> {
  try {
    const { data } = await github.rest.pulls.get({ ...split(repo), pull_number: number });
    return {
      state: data.state === "open" ? "open" : "closed",
      merged: data.merged === true,
      headSha: data.head.sha,
    };
  } catch (error) {
    throw githubError(
      error,
      `read PR #${number} in ${repo}`,
      `give the token "Pull requests: read" on ${repo}`,
    );
  }
}

/** Comments on a PR, then closes it (the comment first: a closed PR without its reason is worse). */
export async function closePullWithComment(
  github: GitHubClient,
  repo: string,
  number: number,
  comment: string,
): Promise<void> {
  try {
    await github.rest.issues.createComment({ ...split(repo), issue_number: number, body: comment });
    await github.rest.pulls.update({ ...split(repo), pull_number: number, state: "closed" });
  } catch (error) {
    throw githubError(
      error,
      `close PR #${number} in ${repo}`,
      `give the token "Pull requests: write" on ${repo}`,
    );
  }
}
