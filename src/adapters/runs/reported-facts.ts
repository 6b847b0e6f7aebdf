// What GitHub reports about runs and pull requests: the facts a claim from outside is checked against.
import type { ReportedPull } from "../../core/trust/report-verdict.js";
import type { ReportedRun } from "../../core/trust/request-verdict.js";
import type { GitHubClient } from "../github/client.js";
import { githubError } from "../github/errors.js";

/** A workflow run as the Actions API reports it; undefined when GitHub knows no such run in `repo`. */
export async function readWorkflowRun(
  github: GitHubClient,
  repo: string,
  runId: number,
): Promise<ReportedRun | undefined> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const { data } = await github.rest.actions.getWorkflowRun({ owner, repo: name, run_id: runId });
    return {
      id: data.id,
      repo: data.repository.full_name,
      event: data.event,
      // The person who started this attempt (a re-run's triggering actor differs from the first one's).
      actor: data.triggering_actor?.login ?? data.actor?.login ?? "",
      path: data.path,
      headSha: data.head_sha,
      status: data.status ?? "",
      conclusion: data.conclusion,
      createdAt: data.created_at,
    };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw githubError(
      error,
      `read workflow run ${runId} of ${repo}`,
      `give the token "Actions: read" on ${repo} (a public repo's runs need none)`,
    );
  }
}

/** A pull request as GitHub reports it; undefined when it knows no such PR in `repo`. */
export async function readPull(
  github: GitHubClient,
  repo: string,
  number: number,
): Promise<ReportedPull | undefined> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const { data } = await github.rest.pulls.get({ owner, repo: name, pull_number: number });
    return {
      number: data.number,
      state: data.state === "closed" ? "closed" : "open",
      merged: data.merged,
      headSha: data.head.sha,
      headRepo: data.head.repo?.full_name ?? "",
      mergedAt: data.merged_at,
    };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw githubError(
      error,
      `read PR #${number} of ${repo}`,
      `give the App "Pull requests: read" on ${repo}`,
    );
  }
}

/** The PRs GitHub lists for a head branch of `repo` (open or closed), with their authors. */
export async function readPullsOfBranch(
  github: GitHubClient,
  repo: string,
  branch: string,
): Promise<(ReportedPull & { author: string; url: string })[]> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const { data } = await github.rest.pulls.list({
      owner,
      repo: name,
      head: `${owner}:${branch}`,
      state: "all",
    });
    return data.map((p) => ({
      number: p.number,
      state: p.state === "closed" ? "closed" : "open",
      merged: p.merged_at !== null,
      headSha: p.head.sha,
      headRepo: p.head.repo?.full_name ?? "",
      mergedAt: p.merged_at,
      author: p.user?.login ?? "",
      url: p.html_url,
    }));
  } catch (error) {
    throw githubError(
      error,
      `list the PRs of ${branch} in ${repo}`,
      `give the App "Pull requests: read" on ${repo}`,
    );
  }
}
