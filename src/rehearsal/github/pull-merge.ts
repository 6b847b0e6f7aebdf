// How a pull request lands on its base branch, as GitHub does it for each merge method (REST "Merge a
// pull request": `merge_method` merge, squash or rebase; `commit_title`, `commit_message`). Only a
// merge commit says "Merge pull request #N from owner/branch": a squash commit is titled
// "<PR title> (#N)" and a rebase copies the PR's commits with new SHAs (GitHub community discussion
// #30439), so nothing downstream may find a release by grepping a merge commit's message.
import type { GitIdentity, GitStore } from "./git/git-store.js";
import { mergeTrees, replayTree } from "./git/tree-merges.js";
import { HttpError, validationFailed } from "./replies.js";
import type { IssueState, PullState } from "./state.js";

export type MergeMethod = "merge" | "squash" | "rebase";

/** What a merge was asked for: the method and the optional message parts of the REST call. */
export interface MergeRequest {
  method: string | undefined;
  title: string | undefined;
  message: string | undefined;
}

function methodOf(asked: string | undefined): MergeMethod {
  const method = asked ?? "merge";
  if (method !== "merge" && method !== "squash" && method !== "rebase")
    throw validationFailed({ resource: "PullRequest", field: "merge_method", code: "invalid" });
  return method;
}

/**
 * Writes the commit(s) a merge puts on the base branch, on top of `baseSha`, and returns them in order
 * (the last is what the base branch moves to, and the PR's `merge_commit_sha`). Throws 405 when the
 * PR does not merge cleanly.
 */
export async function landPull(
  git: GitStore,
  r: { owner: string },
  pull: PullState,
  issue: IssueState,
  shas: { base: string; head: string },
  asked: MergeRequest,
  merger: GitIdentity,
): Promise<string[]> {
  const method = methodOf(asked.method);
  const notMergeable = () => new HttpError(405, "Pull Request is not mergeable");
  const from = pull.headRepo ? pull.headRepo.split("/")[0] : r.owner;
  if (method === "rebase") {
    // Each commit of the PR is replayed onto the base: same author and message, GitHub as the
    // committer, so always new SHAs ("About merge methods on GitHub": rebase and merge "will always
    // update the committer information and create new commit SHAs"). Merge commits cannot be rebased.
    const github = { name: "GitHub", email: "noreply@github.com", date: merger.date };
    const mergeBase = await git.mergeBase(shas.base, shas.head);
    let onto = shas.base;
    const landed: string[] = [];
    for (const sha of await git.commitsBetween(mergeBase ?? shas.base, shas.head)) {
      const commit = await git.readCommit(sha);
      if (commit.parents.length > 1) throw notMergeable();
      const tree = await replayTree(git, onto, sha);
      if (!tree) throw notMergeable();
      onto = await git.writeCommit(tree, [onto], commit.message, commit.author, github);
      landed.push(onto);
    }
    return landed;
  }
  const tree = await mergeTrees(git, shas.base, shas.head);
  if (!tree) throw notMergeable();
  if (method === "squash") {
    // GitHub's default squash message: the PR title with its number, then the PR's commit subjects.
    const subjects = [];
    for (const sha of await git.commitsBetween(
      (await git.mergeBase(shas.base, shas.head)) ?? shas.base,
      shas.head,
    ))
      subjects.push(`* ${(await git.readCommit(sha)).message.split("\n")[0]}`);
    const title = asked.title ?? `${issue.title} (#${pull.number})`;
    const body = asked.message ?? subjects.join("\n");
    return [await git.writeCommit(tree, [shas.base], `${title}\n\n${body}\n`, merger, merger)];
  }
  const title = asked.title ?? `Merge pull request #${pull.number} from ${from}/${pull.headRef}`;
  const body = asked.message ?? issue.title;
  return [await git.writeCommit(tree, [shas.base, shas.head], `${title}\n\n${body}\n`, merger, merger)];
}
