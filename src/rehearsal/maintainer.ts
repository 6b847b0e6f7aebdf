import type { GitHubEmulator } from "./github/emulator.js";
import type { MergeMethod } from "./github/pull-merge.js";
import type { LocalActions } from "./runner/local-actions.js";
import type { RunnerHost } from "./runner/runner-host.js";

/** A call to the emulated API as a person would make it (retried: the rehearsal may inject faults). */
export async function apiCall(
  apiUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let last = "";
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/vnd.github+json",
          "content-type": "application/json",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status < 500 && res.status !== 429 && !(res.status === 403 && /rate limit/i.test(text)))
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      last = `${res.status} ${text.slice(0, 200)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
  }
  throw new Error(`${method} ${path} kept failing: ${last}`);
}

/**
 * The maintainers' part: merge each open release PR of `version` (a branch of the repo itself: a
 * fork's release-named PR is not the release's) whose head passed the repo's CI, by `method`, then
 * queue what GitHub would deliver (pull_request_target closed, push to the base branch). In
 * `noCiRepos` (downstreams whose release waits for no CI report) a PR no CI ran on is merged too,
 * as GitHub lets a repo without checks merge. Returns how many PRs were merged.
 */
export async function mergeGreenPulls(
  emulator: GitHubEmulator,
  actions: LocalActions,
  host: RunnerHost,
  token: string,
  repos: readonly string[],
  version: string,
  method: MergeMethod = "merge",
  noCiRepos: readonly string[] = [],
): Promise<number> {
  let merged = 0;
  for (const repo of repos) {
    const state = emulator.state.repos[repo.toLowerCase()];
    if (!state) continue;
    for (const pull of state.pulls) {
      const issue = state.issues.find((i) => i.number === pull.number);
      if (
        pull.merged ||
        pull.headRepo ||
        issue?.state !== "open" ||
        !pull.headRef.startsWith(`release-relay/${version}/`)
      )
        continue;
      // Read from the ref file, as the emulator does: no git process, and no wait for one.
      const head = await emulator.git(repo).readRef(`refs/heads/${pull.headRef}`);
      if (!head) continue;
      const checks = actions.runs.filter(
        (r) => r.repo === repo && r.event === "pull_request" && r.headSha === head,
      );
      const unchecked = noCiRepos.some((r) => r.toLowerCase() === repo.toLowerCase());
      if ((checks.length === 0 && !unchecked) || checks.some((r) => r.conclusion !== "success")) continue;
      const reply = (await apiCall(host.apiUrl, token, "PUT", `/repos/${repo}/pulls/${pull.number}/merge`, {
        merge_method: method,
      })) as { status: number; body?: { sha?: string } };
      if (reply.status !== 200 || !reply.body?.sha) continue;
      merged++;
      const url = `${host.apiUrl}/${repo}/pull/${pull.number}`;
      actions.enqueue(repo, {
        name: "pull_request_target",
        ref: `refs/heads/${pull.baseRef}`,
        sha: "",
        actor: "maintainer",
        payload: {
          action: "closed",
          number: pull.number,
          pull_request: {
            number: pull.number,
            merged: true,
            html_url: url,
            // As GitHub sends it: the head names the repository its branch lives in.
            head: { ref: pull.headRef, sha: head, repo: { full_name: repo } },
            base: { ref: pull.baseRef, repo: { full_name: repo } },
          },
          repository: { full_name: repo },
        },
      });
      actions.enqueue(repo, {
        name: "push",
        ref: `refs/heads/${pull.baseRef}`,
        sha: reply.body.sha,
        actor: "maintainer",
        payload: {
          ref: `refs/heads/${pull.baseRef}`,
          after: reply.body.sha,
          repository: { full_name: repo },
        },
      });
    }
  }
  return merged;
}
