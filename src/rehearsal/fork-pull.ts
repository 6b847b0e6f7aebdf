import { execFileSync } from "node:child_process";
import type { GitHubEmulator } from "./github/emulator.js";
import { apiCall } from "./maintainer.js";
import type { RunnerHost, WorkflowEvent } from "./runner/runner-host.js";

/** A PR someone outside opened from a fork, with a branch named like the release's own. */
export interface ForkPull {
  repo: string;
  fork: string;
  branch: string;
  number: number;
  url: string;
}

/** The outsider who forks a downstream repo in `--fork-pr`. */
export const FORKER = "mallory-contributor";

/**
 * Forks `repo` as an outsider would, and opens a PR from the fork's `release-relay/<version>/<name>`
 * branch that changes nothing (one empty commit). GitHub lets anyone do this on a public repo, and the
 * branch name is the fork's choice: the release must neither record, nor report, nor merge it.
 */
export async function openForkPull(
  emulator: GitHubEmulator,
  host: RunnerHost,
  repo: string,
  downstream: string,
  version: string,
  token: string,
): Promise<ForkPull> {
  const [, name] = repo.split("/") as [string, string];
  const fork = `${FORKER}/${name}`;
  const state = emulator.state.repos[repo.toLowerCase()];
  const base = state?.defaultBranch ?? "main";
  await emulator.createRepo(fork, { defaultBranch: base });
  const git = (dir: string, args: string[]) =>
    execFileSync("git", ["--git-dir", dir, ...args], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: FORKER,
        GIT_AUTHOR_EMAIL: `${FORKER}@users.noreply.localhost`,
        GIT_COMMITTER_NAME: FORKER,
        GIT_COMMITTER_EMAIL: `${FORKER}@users.noreply.localhost`,
      },
    })
      .toString()
      .trim();
  // A fork starts as a copy of the repository's history.
  git(host.gitDir(fork), ["fetch", "--quiet", host.gitDir(repo), `+refs/heads/${base}:refs/heads/${base}`]);
  const branch = `release-relay/${version}/${downstream}`;
  const parent = git(host.gitDir(fork), ["rev-parse", `refs/heads/${base}`]);
  const tree = git(host.gitDir(fork), ["rev-parse", `${parent}^{tree}`]);
  const commit = git(host.gitDir(fork), ["commit-tree", tree, "-p", parent, "-m", `Update to ${version}`]);
  git(host.gitDir(fork), ["update-ref", `refs/heads/${branch}`, commit]);
  emulator.addToken(token, {
    login: FORKER,
    // Anyone may open a PR on a public repo from their fork; the outsider can do nothing else there.
    repos: { [repo]: ["pull_requests:write"], [fork]: ["contents:write", "pull_requests:write"] },
  });
  const reply = (await apiCall(emulator.url, token, "POST", `/repos/${repo}/pulls`, {
    title: `Release ${version}`,
    head: `${FORKER}:${branch}`,
    base,
    body: "Updates to the new release.",
  })) as { status: number; body?: { number?: number; html_url?: string; message?: string } };
  if (reply.status !== 201 || !reply.body?.number)
    throw new Error(
      `the fork's PR could not be opened in ${repo}: ${reply.status} ${reply.body?.message ?? ""}`,
    );
  return { repo, fork, branch, number: reply.body.number, url: reply.body.html_url ?? "" };
}

/** Closes the fork's PR (unmerged) and queues what GitHub delivers for it: pull_request_target closed. */
export async function closeForkPull(
  emulator: GitHubEmulator,
  enqueue: (repo: string, event: WorkflowEvent) => void,
  pull: ForkPull,
  token: string,
): Promise<void> {
  const reply = (await apiCall(emulator.url, token, "PATCH", `/repos/${pull.repo}/pulls/${pull.number}`, {
    state: "closed",
  })) as { status: number; body?: { head?: { sha?: string }; base?: { ref?: string } } };
  if (reply.status !== 200) throw new Error(`the fork's PR could not be closed: ${reply.status}`);
  const base = reply.body?.base?.ref ?? "main";
  enqueue(pull.repo, {
    name: "pull_request_target",
    ref: `refs/heads/${base}`,
    sha: "",
    actor: FORKER,
    payload: {
      action: "closed",
      number: pull.number,
      pull_request: {
        number: pull.number,
        merged: false,
        html_url: pull.url,
        // The head names the fork its branch lives in.
        head: { ref: pull.branch, sha: reply.body?.head?.sha ?? "", repo: { full_name: pull.fork } },
        base: { ref: base, repo: { full_name: pull.repo } },
      },
      repository: { full_name: pull.repo },
    },
  });
}
