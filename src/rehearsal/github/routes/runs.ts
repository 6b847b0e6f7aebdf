// What a workflow run is made of, as the Actions API reports it: its jobs (each job is a check run on
// the run's head commit, so the jobs are read from those), and the deployment environments jobs wait on.
import type { components } from "@octokit/openapi-types";
import { notFound, ok } from "../replies.js";
import { page, type Route, read } from "../route.js";
import { userShape } from "../shapes/users.js";
import type { CheckRunState, RepoState } from "../state.js";
import type { World } from "../world.js";

type Schemas = components["schemas"];

/** The run a job's check run belongs to, from its details URL (`.../actions/runs/{run}/job/{id}`). */
function runOfCheck(c: CheckRunState): number | undefined {
  const m = /\/actions\/runs\/(\d+)\/job\/\d+$/.exec(c.detailsUrl ?? "");
  return m ? Number(m[1]) : undefined;
}

function job(w: World, r: RepoState, runId: number, c: CheckRunState): Schemas["job"] {
  const full = `${r.owner}/${r.name}`;
  const run = r.workflowRuns?.find((x) => x.id === runId);
  return {
    id: c.id,
    run_id: runId,
    run_url: `${w.site.api}/repos/${full}/actions/runs/${runId}`,
    run_attempt: 1,
    node_id: w.site.nodeId("Job", c.id),
    head_sha: c.headSha,
    url: `${w.site.api}/repos/${full}/actions/jobs/${c.id}`,
    html_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion as Schemas["job"]["conclusion"],
    created_at: c.startedAt,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    name: c.name,
    steps: [],
    check_run_url: `${w.site.api}/repos/${full}/check-runs/${c.id}`,
    labels: ["ubuntu-latest"],
    runner_id: null,
    runner_name: null,
    runner_group_id: null,
    runner_group_name: null,
    workflow_name: run?.name ?? null,
    head_branch: run?.headBranch ?? null,
  };
}

export const runRoutes: Route[] = [
  {
    // "Anyone with read access to the repository can use this endpoint" (REST "List jobs for a
    // workflow run"); a fine-grained token needs "Actions" read, as for the run itself.
    method: "GET",
    template: "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
    need: read("actions"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const runId = Number(req.params.run_id);
      if (!(r.workflowRuns ?? []).some((x) => x.id === runId)) throw notFound();
      const jobs = r.checkRuns.filter((c) => runOfCheck(c) === runId).map((c) => job(w, r, runId, c));
      return ok({ total_count: jobs.length, jobs: page(jobs, req.query) });
    },
  },
  {
    // An expired artifact is still listed, with expired: true; its files are gone (REST "List workflow
    // run artifacts"; Actions docs, "Storing workflow data as artifacts": retention-days).
    method: "GET",
    template: "/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts",
    need: read("actions"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const runId = Number(req.params.run_id);
      const run = (r.workflowRuns ?? []).find((x) => x.id === runId);
      if (!run) throw notFound();
      const full = `${r.owner}/${r.name}`;
      const now = w.now();
      const artifacts = (r.artifacts ?? [])
        .filter((a) => a.runId === runId)
        .map((a): Schemas["artifact"] => ({
          id: a.id,
          node_id: w.site.nodeId("Artifact", a.id),
          name: a.name,
          size_in_bytes: a.sizeInBytes,
          url: `${w.site.api}/repos/${full}/actions/artifacts/${a.id}`,
          archive_download_url: `${w.site.api}/repos/${full}/actions/artifacts/${a.id}/zip`,
          expired: a.expiresAt <= now,
          created_at: a.createdAt,
          expires_at: a.expiresAt,
          updated_at: a.createdAt,
          digest: null,
          workflow_run: {
            id: runId,
            repository_id: r.id,
            head_repository_id: r.id,
            head_branch: run.headBranch,
            head_sha: run.headSha,
          },
        }));
      return ok({ total_count: artifacts.length, artifacts: page(artifacts, req.query) });
    },
  },
  {
    // "Anyone with read access to the repository can use this endpoint" (REST "Get an environment").
    method: "GET",
    template: "/repos/{owner}/{repo}/environments/{environment_name}",
    need: read("metadata"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const name = req.params.environment_name as string;
      const env = r.environments?.[name];
      if (!env) throw notFound();
      const full = `${r.owner}/${r.name}`;
      const id = Number.parseInt(Buffer.from(`${full}/${name}`).toString("hex").slice(0, 8), 16);
      const environment: Schemas["environment"] = {
        id,
        node_id: w.site.nodeId("Environment", id),
        name,
        url: `${w.site.api}/repos/${full}/environments/${encodeURIComponent(name)}`,
        html_url: `${w.site.web}/${full}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
        created_at: env.createdAt,
        updated_at: env.createdAt,
        protection_rules:
          env.reviewers.length > 0
            ? [
                {
                  id: id + 1,
                  node_id: w.site.nodeId("ProtectionRule", id + 1),
                  type: "required_reviewers",
                  prevent_self_review: false,
                  reviewers: env.reviewers.map((login) => ({
                    type: "User" as const,
                    reviewer: userShape(w.site, w.user(login)),
                  })),
                },
              ]
            : [],
      };
      return ok(environment);
    },
  },
];
