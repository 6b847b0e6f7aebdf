import type { ReportedRun } from "../core/trust/request-verdict.js";
import type { GitHubClient } from "./github.js";
import { githubError } from "./github-errors.js";

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
