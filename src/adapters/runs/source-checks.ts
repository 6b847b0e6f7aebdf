import { checkRunState, commitStatusState, type SourceCheck } from "../../core/request/source-gate.js";
import type { GitHubClient } from "../github/client.js";
import { githubError } from "../github/errors.js";

/** Every check on a commit of the source repo: its check runs (newest first) and its commit statuses. */
export async function readSourceChecks(
  github: GitHubClient,
  repo: string,
  sha: string,
): Promise<SourceCheck[]> {
  const [owner, name] = repo.split("/") as [string, string];
  const hint = (permission: string) =>
    `give the trigger's source-token "${permission}: read" on ${repo} (the workflow's permissions: ${permission === "Checks" ? "checks" : "statuses"}: read)`;
  let runs: Awaited<ReturnType<GitHubClient["rest"]["checks"]["listForRef"]>>["data"]["check_runs"];
  try {
    runs = await github.paginate(github.rest.checks.listForRef, {
      owner,
      repo: name,
      ref: sha,
      filter: "latest",
      per_page: 100,
    });
  } catch (error) {
    throw githubError(error, `read the check runs of ${sha.slice(0, 12)} in ${repo}`, hint("Checks"));
  }
  let statuses: { context: string; state: string; target_url: string | null }[];
  try {
    const { data } = await github.rest.repos.getCombinedStatusForRef({
      owner,
      repo: name,
      ref: sha,
      per_page: 100,
    });
    statuses = data.statuses;
  } catch (error) {
    throw githubError(
      error,
      `read the commit statuses of ${sha.slice(0, 12)} in ${repo}`,
      hint("Commit statuses"),
    );
  }
  return [
    ...runs
      .sort((a, b) => b.id - a.id)
      .map((r) => ({
        name: r.name,
        state: checkRunState(r.status, r.conclusion),
        detail: r.status === "completed" ? (r.conclusion ?? "completed") : r.status,
        url: r.html_url ?? undefined,
        detailsUrl: r.details_url ?? undefined,
      })),
    ...statuses.map((s) => ({
      name: s.context,
      state: commitStatusState(s.state),
      detail: s.state,
      url: s.target_url ?? undefined,
    })),
  ];
}

/** Whether `sha` is on `branch` of the repo (the branch's history contains it); undefined when there is no such branch. */
export async function isCommitOnBranch(
  github: GitHubClient,
  repo: string,
  branch: string,
  sha: string,
): Promise<boolean | undefined> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const { data } = await github.rest.repos.compareCommitsWithBasehead({
      owner,
      repo: name,
      basehead: `${branch}...${sha}`,
      per_page: 1,
    });
    return data.status === "identical" || data.status === "behind";
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      // 404 is both "no such branch" and "no common ancestor"; the branch lookup tells them apart.
      try {
        await github.rest.repos.getBranch({ owner, repo: name, branch });
        return false;
      } catch (inner) {
        if ((inner as { status?: number }).status === 404) return undefined;
        throw githubError(
          inner,
          `read branch ${branch} of ${repo}`,
          `give the token "Contents: read" on ${repo}`,
        );
      }
    }
    throw githubError(
      error,
      `compare ${branch} with ${sha.slice(0, 12)} in ${repo}`,
      `give the trigger's source-token "Contents: read" on ${repo}`,
    );
  }
}
