// What GitHub Actions and its UI record that no REST call of the emulator makes: workflow runs, the
// check run of each job, uploaded artifacts, deployment environments and their reviewers' decisions.
// The local runner and tests record them here; the API then serves them as GitHub does.
import type { DeploymentReviewState, RepoState, WorkflowRunState } from "./state.js";
import type { World } from "./world.js";

const repoOf = (world: World, full: string): RepoState =>
  world.repo({ owner: full.split("/")[0] as string, repo: full.split("/")[1] as string });

/** A required reviewer's decision on a run's deployment environment, as the Actions UI records it (once per run and environment). */
export function reviewDeployment(
  world: World,
  full: string,
  review: Omit<DeploymentReviewState, "at">,
): void {
  const r = repoOf(world, full);
  r.deploymentReviews ??= [];
  if (r.deploymentReviews.some((d) => d.runId === review.runId && d.environment === review.environment))
    return;
  world.user(review.user);
  r.deploymentReviews.push({ ...review, at: world.now() });
}

/**
 * A run uploads an artifact, kept `retentionDays` on the emulator's clock (upload-artifact's
 * retention-days; the repo's default is 90 days: Actions docs, "Storing workflow data as artifacts").
 */
export function recordArtifact(
  world: World,
  full: string,
  artifact: { runId: number; name: string; sizeInBytes: number; retentionDays: number },
): void {
  const r = repoOf(world, full);
  const now = world.clock();
  r.artifacts ??= [];
  r.artifacts.push({
    id: world.nextId(),
    runId: artifact.runId,
    name: artifact.name,
    sizeInBytes: artifact.sizeInBytes,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + artifact.retentionDays * 86_400_000).toISOString(),
  });
}

/** Whether a run's artifact can still be downloaded: undefined when it never existed. */
export function artifactExpired(
  world: World,
  full: string,
  runId: number,
  name: string,
): boolean | undefined {
  const r = world.state.repos[full.toLowerCase()];
  const found = r?.artifacts?.find((a) => a.runId === runId && a.name === name);
  return found ? found.expiresAt <= world.clock().toISOString() : undefined;
}

/** A deployment environment of a repo, with the logins of its required reviewers (none: no review). */
export function setEnvironment(world: World, full: string, name: string, reviewers: readonly string[]): void {
  const r = repoOf(world, full);
  for (const login of reviewers) world.user(login);
  r.environments = {
    ...r.environments,
    [name]: { reviewers: [...reviewers], createdAt: world.now() },
  };
}

/** A workflow run starts, as the Actions API will report it (`GET .../actions/runs/{id}`). */
export function startWorkflowRun(
  world: World,
  full: string,
  run: Pick<WorkflowRunState, "id" | "name" | "path" | "event" | "headBranch" | "headSha" | "actor">,
): void {
  const r = repoOf(world, full);
  r.workflowRuns ??= [];
  if (r.workflowRuns.some((x) => x.id === run.id)) return;
  world.user(run.actor);
  const now = world.now();
  r.workflowRuns.push({
    ...run,
    status: "in_progress",
    conclusion: null,
    triggeringActor: run.actor,
    createdAt: now,
    updatedAt: now,
  });
}

/** A workflow run ends with its conclusion. */
export function finishWorkflowRun(
  world: World,
  full: string,
  id: number,
  conclusion: "success" | "failure" | "cancelled",
): void {
  const run = repoOf(world, full).workflowRuns?.find((x) => x.id === id);
  if (!run) return;
  Object.assign(run, { status: "completed", conclusion, updatedAt: world.now() });
}

/**
 * A job starts: its check run, as GitHub Actions creates one for every job on the run's head commit
 * (app github-actions; details_url and html_url are the job's page under the run,
 * `/{owner}/{repo}/actions/runs/{run_id}/job/{id}`). Returns its id.
 */
export function startJobCheckRun(
  world: World,
  full: string,
  job: { runId: number; name: string; headSha: string },
): number {
  const r = repoOf(world, full);
  const id = world.nextId();
  r.checkRuns.push({
    id,
    headSha: job.headSha,
    name: job.name,
    status: "in_progress",
    conclusion: null,
    detailsUrl: `${world.site.web}/${r.owner}/${r.name}/actions/runs/${job.runId}/job/${id}`,
    externalId: null,
    startedAt: world.now(),
    completedAt: null,
    title: null,
    summary: null,
  });
  return id;
}

/** A job ends: its check run completes with the job's conclusion. */
export function completeJobCheckRun(world: World, full: string, id: number, conclusion: string): void {
  const run = repoOf(world, full).checkRuns.find((c) => c.id === id);
  if (run) Object.assign(run, { status: "completed", conclusion, completedAt: world.now() });
}
