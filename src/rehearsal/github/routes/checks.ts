import { notFound, ok, validationFailed } from "../replies.js";
import { field, page, type Route, read, write } from "../route.js";
import { checkRunShape, statusShape } from "../shapes/checks.js";
import { deploymentReviewShape, workflowRunShape } from "../shapes/runs.js";
import type { CheckRunState, RepoState, StatusState } from "../state.js";
import type { World } from "../world.js";

const STATUS_STATES = new Set(["error", "failure", "pending", "success"]);
const CHECK_STATUSES = new Set(["queued", "in_progress", "completed", "waiting", "requested", "pending"]);
const CONCLUSIONS = new Set([
  "action_required",
  "cancelled",
  "failure",
  "neutral",
  "success",
  "skipped",
  "stale",
  "timed_out",
]);

async function commitOf(w: World, r: RepoState, ref: string | undefined): Promise<string> {
  const sha = ref ? await w.git(r).resolveCommit(ref) : undefined;
  if (!sha) throw validationFailed({ resource: "Commit", field: "sha", code: "invalid" });
  return sha;
}

/** Commit statuses and check runs — how downstream CI results are read — and a run's deployment reviews. */
export const checkRoutes: Route[] = [
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/statuses/{sha}",
    need: write("statuses"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const sha = await commitOf(w, r, req.params.sha);
      const state = field(req.body, "state", "Status", true);
      if (!STATUS_STATES.has(state))
        throw validationFailed({ resource: "Status", field: "state", code: "custom" });
      const status: StatusState = {
        id: w.nextId(),
        sha,
        state: state as StatusState["state"],
        context: field(req.body, "context", "Status") ?? "default",
        description: field(req.body, "description", "Status") ?? null,
        targetUrl: field(req.body, "target_url", "Status") ?? null,
        creator: req.login,
        createdAt: w.now(),
      };
      r.statuses.push(status);
      return ok(statusShape(w.site, w.fullName(r), status, w.user(req.login)), 201);
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/commits/{ref}/status",
    need: read("statuses"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const sha = await w.git(r).resolveCommit(req.params.ref as string);
      if (!sha) throw notFound();
      const latest = new Map<string, StatusState>();
      for (const s of r.statuses.filter((x) => x.sha === sha)) latest.set(s.context, s);
      const statuses = [...latest.values()];
      // GitHub: failure if any error/failure, pending if any pending or none at all, else success.
      const state = statuses.some((s) => s.state === "error" || s.state === "failure")
        ? "failure"
        : statuses.length === 0 || statuses.some((s) => s.state === "pending")
          ? "pending"
          : "success";
      const full = w.fullName(r);
      const repoJson = w.repoJson(r);
      return ok({
        state,
        sha,
        total_count: statuses.length,
        statuses: statuses.map((s) => {
          const { creator: _creator, ...simple } = statusShape(w.site, full, s, w.user(s.creator));
          return simple;
        }),
        repository: repoJson,
        commit_url: `${w.site.api}/repos/${full}/commits/${sha}`,
        url: `${w.site.api}/repos/${full}/commits/${sha}/status`,
      });
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/check-runs",
    need: write("checks"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const name = field(req.body, "name", "CheckRun", true);
      const headSha = await commitOf(w, r, field(req.body, "head_sha", "CheckRun", true));
      const conclusion = field(req.body, "conclusion", "CheckRun");
      const status = field(req.body, "status", "CheckRun") ?? (conclusion ? "completed" : "queued");
      if (!CHECK_STATUSES.has(status))
        throw validationFailed({ resource: "CheckRun", field: "status", code: "invalid" });
      if (conclusion && !CONCLUSIONS.has(conclusion)) {
        throw validationFailed({ resource: "CheckRun", field: "conclusion", code: "invalid" });
      }
      if (status === "completed" && !conclusion) {
        throw validationFailed({ resource: "CheckRun", field: "conclusion", code: "missing_field" });
      }
      const output = (req.body.output ?? {}) as Record<string, unknown>;
      const now = w.now();
      const run: CheckRunState = {
        id: w.nextId(),
        headSha,
        name,
        status: status as CheckRunState["status"],
        conclusion: conclusion ?? null,
        detailsUrl: field(req.body, "details_url", "CheckRun") ?? null,
        externalId: field(req.body, "external_id", "CheckRun") ?? null,
        startedAt: field(req.body, "started_at", "CheckRun") ?? now,
        completedAt: status === "completed" ? (field(req.body, "completed_at", "CheckRun") ?? now) : null,
        title: typeof output.title === "string" ? output.title : null,
        summary: typeof output.summary === "string" ? output.summary : null,
      };
      r.checkRuns.push(run);
      return ok(checkRunShape(w.site, w.fullName(r), run, w.user(req.login)), 201);
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/commits/{ref}/check-runs",
    need: read("checks"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const sha = await w.git(r).resolveCommit(req.params.ref as string);
      if (!sha) throw notFound();
      const name = req.query.get("check_name");
      const runs = r.checkRuns.filter((c) => c.headSha === sha && (!name || c.name === name)).reverse();
      const app = w.user("github-actions[bot]");
      return ok({
        total_count: runs.length,
        check_runs: page(runs, req.query).map((c) => checkRunShape(w.site, w.fullName(r), c, app)),
      });
    },
  },
  {
    // What the automation side looks a claimed run up in (who ran it, which event, which commit).
    // Public repos' runs are readable by any token (REST "Get a workflow run": "can be used without
    // authentication ... if only public resources are requested"); see permissions.ts.
    method: "GET",
    template: "/repos/{owner}/{repo}/actions/runs/{run_id}",
    need: read("actions"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const runId = Number(req.params.run_id);
      const run = (r.workflowRuns ?? []).find((x) => x.id === runId);
      if (!run) throw notFound();
      return ok(
        workflowRunShape(w.site, r, run, w.user(r.owner), w.user(run.actor), w.user(run.triggeringActor)),
      );
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/actions/runs/{run_id}/approvals",
    need: read("actions"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const runId = Number(req.params.run_id);
      const reviews = (r.deploymentReviews ?? []).filter((d) => d.runId === runId);
      return ok(reviews.map((d) => deploymentReviewShape(w.site, w.fullName(r), d, w.user(d.user))));
    },
  },
];
