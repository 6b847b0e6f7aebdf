// The current run as GitHub reports it: its jobs, and who must approve a job's environment.
import type { RunArtifact } from "../../core/ledger/artifact-retention.js";
import type { RunJob } from "../../core/ledger/stage-progress.js";
import type { GitHubClient } from "../github/client.js";
import { githubError } from "../github/errors.js";

/** The jobs of run `runId` in `repo` (the latest attempt of each), with GitHub's own timestamps. */
export async function readRunJobs(github: GitHubClient, repo: string, runId: string): Promise<RunJob[]> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const jobs = await github.paginate(github.rest.actions.listJobsForWorkflowRun, {
      owner,
      repo: name,
      run_id: Number(runId),
      filter: "latest",
      per_page: 100,
    });
    return jobs.map((j) => ({
      name: j.name,
      status: j.status,
      conclusion: j.conclusion,
      startedAt: j.started_at ?? null,
      completedAt: j.completed_at ?? null,
    }));
  } catch (error) {
    throw githubError(
      error,
      `read the jobs of run ${runId} of ${repo}`,
      `give the job \`actions: read\` and pass its github.token as run-token`,
    );
  }
}

/**
 * The required reviewers of an environment (user logins, org/team slugs): empty when it has none or
 * does not exist; undefined when GitHub would not say (the waiting line then names no one).
 */
export async function readEnvironmentReviewers(
  github: GitHubClient,
  repo: string,
  environment: string,
): Promise<string[] | undefined> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const { data } = await github.rest.repos.getEnvironment({
      owner,
      repo: name,
      environment_name: environment,
    });
    return (data.protection_rules ?? []).flatMap((rule) =>
      "reviewers" in rule
        ? (rule.reviewers ?? []).flatMap((r) => {
            const who = r.reviewer as
              | { login?: string; slug?: string; organization?: { login?: string } }
              | undefined;
            return who?.login ? [who.login] : who?.slug ? [who.slug] : [];
          })
        : [],
    );
  } catch (error) {
    if ((error as { status?: number }).status === 404) return [];
    return undefined;
  }
}

/** The artifacts of run `runId` in `repo`, expired ones included (GitHub lists them until deleted). */
export async function readRunArtifacts(
  github: GitHubClient,
  repo: string,
  runId: string,
): Promise<RunArtifact[]> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const artifacts = await github.paginate(github.rest.actions.listWorkflowRunArtifacts, {
      owner,
      repo: name,
      run_id: Number(runId),
      per_page: 100,
    });
    return artifacts.map((a) => ({ name: a.name, expired: a.expired, expiresAt: a.expires_at ?? null }));
  } catch (error) {
    if ((error as { status?: number }).status === 404) return [];
    throw githubError(
      error,
      `list the artifacts of run ${runId} of ${repo}`,
      "give the job `actions: read` and pass its github.token as run-token",
    );
  }
}
