// Where a pull request's head lives: a branch of the repo itself, or of a fork. GitHub opens a PR from
// a fork with `head: "forkowner:branch"` and copies the fork's branch into the base repository as
// `refs/pull/N/head` (REST "Create a pull request": head, head_repo; git docs on pull refs); a fork's
// PR may carry any branch name, release-named ones included, and the API says so in `head.repo`.
import { validationFailed } from "./replies.js";
import type { PullState, RepoState } from "./state.js";
import type { World } from "./world.js";

/** A PR's head as asked for: `owner:branch` (another owner: a fork, found by its name) or `branch`. */
export function resolveHead(
  w: World,
  r: RepoState,
  head: string,
  headRepoName?: string,
): { branch: string; repo: RepoState } {
  const [owner, branch] = head.includes(":") ? (head.split(":", 2) as [string, string]) : [r.owner, head];
  if (owner.toLowerCase() === r.owner.toLowerCase()) return { branch, repo: r };
  // A fork keeps the parent's name unless renamed; `head_repo` names a renamed one.
  const fork = w.state.repos[`${owner}/${headRepoName ?? r.name}`.toLowerCase()];
  if (!fork) throw validationFailed({ resource: "PullRequest", field: "head", code: "invalid" });
  return { branch, repo: fork };
}

/** The repository a PR's head branch lives in. */
export function headRepoOf(w: World, r: RepoState, pull: PullState): RepoState {
  return (pull.headRepo && w.state.repos[pull.headRepo.toLowerCase()]) || r;
}

/**
 * The current head commit of an open PR: its branch, where it lives; for a fork, copied into this
 * repository as `refs/pull/N/head` so that the merge and the base repo's runs can read it.
 */
export async function currentHead(w: World, r: RepoState, pull: PullState): Promise<string | undefined> {
  const repo = headRepoOf(w, r, pull);
  const sha = await w.git(repo).readRef(`refs/heads/${pull.headRef}`);
  if (sha && repo !== r)
    await w.git(r).fetchRef(w.git(repo).dir, pull.headRef, `refs/pull/${pull.number}/head`);
  return sha;
}

/**
 * The PRs GitHub associates with a commit (REST "List pull requests associated with a commit"): a
 * merged PR for the commit(s) its merge put on the base branch (the merge commit, the squash commit,
 * or each rebased copy), and any PR whose own commits include it.
 */
export async function pullsOfCommit(w: World, r: RepoState, sha: string): Promise<PullState[]> {
  const git = w.git(r);
  const found: PullState[] = [];
  for (const pull of r.pulls) {
    if (pull.landed?.includes(sha) || pull.mergeCommitSha === sha) {
      found.push(pull);
      continue;
    }
    const open = r.issues.find((i) => i.number === pull.number)?.state === "open";
    const head = open ? await currentHead(w, r, pull) : pull.headSha;
    const base = await git.readRef(`refs/heads/${pull.baseRef}`);
    if (!head || !base || !(await git.objectType(head))) continue;
    if (head === sha) {
      found.push(pull);
      continue;
    }
    const mergeBase = await git.mergeBase(base, head);
    if (mergeBase && (await git.commitsBetween(mergeBase, head)).includes(sha)) found.push(pull);
  }
  return found.sort((a, b) => b.number - a.number);
}
