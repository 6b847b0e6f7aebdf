// Workflow runs and the reviews of their deployment environments.
import type { DeploymentReviewState, RepoState, UserState, WorkflowRunState } from "../state.js";
import { repositoryShape } from "./repository.js";
import type { Schemas, Site } from "./site.js";
import { userShape } from "./users.js";

/** A workflow run (`GET /repos/{o}/{r}/actions/runs/{id}`): who ran what, on which commit, with what result. */
export function workflowRunShape(
  site: Site,
  r: RepoState,
  run: WorkflowRunState,
  owner: UserState,
  actor: UserState,
  triggeringActor: UserState,
): Schemas["workflow-run"] {
  const full = `${r.owner}/${r.name}`;
  const url = `${site.api}/repos/${full}/actions/runs/${run.id}`;
  // Full repository fields are a superset of minimal-repository's (license is null here).
  const repository = repositoryShape(site, r, owner, 0) as unknown as Schemas["minimal-repository"];
  const workflowId = Number.parseInt(Buffer.from(`${full}/${run.path}`).toString("hex").slice(0, 8), 16);
  return {
    id: run.id,
    name: run.name,
    node_id: site.nodeId("WorkflowRun", run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.path,
    display_title: run.name,
    run_number: run.id,
    run_attempt: 1,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflowId,
    url,
    html_url: `${site.web}/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_started_at: run.createdAt,
    actor: userShape(site, actor),
    triggering_actor: userShape(site, triggeringActor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${site.api}/repos/${full}/check-suites/${run.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    workflow_url: `${site.api}/repos/${full}/actions/workflows/${workflowId}`,
    head_commit: null,
    repository,
    head_repository: repository,
  };
}

/** One entry of a run's review history (`environment-approvals`). */
export function deploymentReviewShape(
  site: Site,
  repo: string,
  d: DeploymentReviewState,
  user: UserState,
): Schemas["environment-approvals"] {
  const id = Number.parseInt(Buffer.from(`${repo}/${d.environment}`).toString("hex").slice(0, 8), 16);
  return {
    environments: [
      {
        id,
        node_id: site.nodeId("Environment", id),
        name: d.environment,
        url: `${site.api}/repos/${repo}/environments/${encodeURIComponent(d.environment)}`,
        html_url: `${site.web}/${repo}/deployments/activity_log?environments_filter=${encodeURIComponent(d.environment)}`,
        created_at: d.at,
        updated_at: d.at,
      },
    ],
    state: d.state,
    user: userShape(site, user),
    comment: d.comment,
  };
}
