import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { needsStatus, runConclusion } from "./conclusions.js";
import { type Contexts, evaluateExpression, evaluateToken } from "./expressions.js";
import { expandMatrix, legName, legTitle } from "./matrix.js";
import { runJob } from "./run-job.js";
import type { JobRecord, Result, RunnerHost, RunRecord, WorkflowEvent } from "./runner-host.js";
import type { JobSpec, WorkflowSpec } from "./workflow-file.js";

interface NeedResult {
  result: Result;
  outputs: Record<string, string>;
}

/** The `inputs` context of a workflow_dispatch run: given values over declared defaults. */
function dispatchInputs(workflow: WorkflowSpec, event: WorkflowEvent): Record<string, unknown> {
  const declared = workflow.on.workflow_dispatch?.inputs ?? {};
  const given = (event.payload.inputs ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? spec.default ?? "";
    out[name] = spec.type === "boolean" ? value === true || value === "true" : value;
  }
  return out;
}

/** Runs a workflow for one event: jobs in `needs` order, `if:` conditions, matrix legs, outputs. */
export async function runWorkflow(
  host: RunnerHost,
  repo: string,
  workflow: WorkflowSpec,
  event: WorkflowEvent,
): Promise<RunRecord> {
  const started = Date.now();
  const runId = host.nextRunId();
  const url = `${host.apiUrl}/${repo}/actions/runs/${runId}`;
  const runDir = join(host.workDir, "runs", String(runId));
  mkdirSync(runDir, { recursive: true });
  // Every webhook payload names its sender, the account whose token caused the event: for a
  // repository_dispatch, the caller of the dispatch API (GitHub docs, "Webhook events and payloads":
  // the `sender` property; the repository_dispatch schema requires it). Steps trust it because GitHub
  // sets it; where GitHub cannot tell, it names the `ghost` user, which no config allows.
  event.payload.sender ??= { login: event.actor, type: event.actor.endsWith("[bot]") ? "Bot" : "User" };
  writeFileSync(join(runDir, "event.json"), JSON.stringify(event.payload, null, 2));
  // A pull request's run belongs to its head branch (what workflow_run reports as head_branch).
  const headBranch =
    (event.payload.pull_request as { head?: { ref?: string } } | undefined)?.head?.ref ??
    event.ref.replace(/^refs\/(heads|tags)\//, "");
  host.notify({
    kind: "run-started",
    run: {
      id: runId,
      repo,
      workflow: workflow.name,
      event: event.name,
      file: workflow.file,
      headBranch,
      headSha: event.sha,
      actor: event.actor,
    },
  });
  const settings = host.settings(repo);
  const github = {
    event_name: event.name,
    event: event.payload,
    repository: repo,
    repository_owner: repo.split("/")[0],
    run_id: String(runId),
    run_number: String(runId),
    run_attempt: "1",
    sha: event.sha,
    ref: event.ref,
    ref_name: event.ref.replace(/^refs\/(heads|tags)\//, ""),
    ref_type: event.ref.startsWith("refs/tags/") ? "tag" : "branch",
    workflow: workflow.name,
    actor: event.actor,
    server_url: host.apiUrl,
    api_url: host.apiUrl,
  };
  const base: Contexts = {
    github,
    vars: settings.vars,
    inputs: event.name === "workflow_dispatch" ? dispatchInputs(workflow, event) : {},
  };
  // A run whose concurrency group is busy waits; one that a newer run of the group replaces while
  // it waits is cancelled before any job starts.
  const group = workflow.concurrency
    ? String(evaluateToken(workflow.concurrency, base, { succeeded: true }, workflow.file) ?? "")
    : undefined;
  const admitted = group === undefined || (await host.concurrency.enter(repo, group, runId));
  let records: JobRecord[] = [];
  try {
    if (admitted) records = await runJobs(host, repo, workflow, event, { runId, runDir, base });
  } finally {
    if (group !== undefined && admitted) host.concurrency.leave(repo, group, runId);
  }
  const run: RunRecord = {
    id: runId,
    repo,
    workflow: workflow.name,
    file: workflow.file,
    event: event.name,
    headBranch,
    headSha: event.sha,
    conclusion: !admitted ? "cancelled" : runConclusion(records),
    jobs: records,
    durationMs: Date.now() - started,
    url,
  };
  host.notify({ kind: "run-finished", run });
  return run;
}

/** The jobs of an admitted run, in `needs` order, each after the jobs it needs. */
async function runJobs(
  host: RunnerHost,
  repo: string,
  workflow: WorkflowSpec,
  event: WorkflowEvent,
  { runId, runDir, base }: { runId: number; runDir: string; base: Contexts },
): Promise<JobRecord[]> {
  const results = new Map<string, NeedResult>();
  const records: JobRecord[] = [];
  const pending = [...workflow.jobs];
  while (pending.length > 0) {
    const index = pending.findIndex((j) => j.needs.every((n) => results.has(n)));
    if (index === -1)
      throw new Error(`${workflow.file}: jobs wait on each other (${pending.map((j) => j.id).join(", ")})`);
    const job = pending.splice(index, 1)[0] as JobSpec;
    if (host.stopped()) {
      results.set(job.id, { result: "cancelled", outputs: {} });
      records.push({
        id: job.id,
        name: job.id,
        runsOn: "",
        result: "cancelled",
        outputs: {},
        steps: [],
        durationMs: 0,
      });
      continue;
    }
    const needs = Object.fromEntries(job.needs.map((n) => [n, results.get(n) as NeedResult]));
    const contexts: Contexts = { ...base, needs };
    const where = `${workflow.file}:${job.line}`;
    let wanted: unknown;
    try {
      wanted = evaluateExpression(job.if, contexts, needsStatus(job.needs.map((n) => results.get(n))), where);
    } catch (error) {
      records.push(failedJob(job.id, String(error)));
      results.set(job.id, { result: "failure", outputs: {} });
      continue;
    }
    if (!wanted) {
      results.set(job.id, { result: "skipped", outputs: {} });
      records.push({
        id: job.id,
        name: job.id,
        runsOn: "",
        result: "skipped",
        outputs: {},
        steps: [],
        durationMs: 0,
      });
      continue;
    }
    let legs: { name: string; matrix: Record<string, unknown> | undefined }[] = [
      { name: job.id, matrix: undefined },
    ];
    if (job.strategy) {
      try {
        const strategy = evaluateToken(job.strategy, contexts, { succeeded: true }, workflow.file) as {
          matrix?: unknown;
        };
        legs = expandMatrix(strategy.matrix, where).map((leg) => ({
          name: legName(job.id, leg),
          matrix: leg,
        }));
      } catch (error) {
        records.push(failedJob(job.id, String(error)));
        results.set(job.id, { result: "failure", outputs: {} });
        continue;
      }
    }
    let result: Result = "success";
    const outputs: Record<string, string> = {};
    // Matrix legs run side by side, as on GitHub; their records keep the matrix order.
    const legRecords = await Promise.all(
      legs.map((leg, i) =>
        runJob({
          host,
          workflow,
          job,
          name: leg.name,
          repo,
          runId,
          runDir,
          event,
          contexts: {
            ...contexts,
            matrix: leg.matrix ?? {},
            strategy: { "fail-fast": false, "job-index": i, "job-total": legs.length },
          },
        }).then((record) => {
          host.notify({
            kind: "job-finished",
            runId,
            repo,
            file: workflow.file,
            title: legTitle(job.id, leg.matrix),
            job: record,
          });
          return record;
        }),
      ),
    );
    for (const record of legRecords) {
      records.push(record);
      if (record.result === "failure" || record.result === "cancelled") result = record.result;
      for (const [k, v] of Object.entries(record.outputs)) if (v !== "") outputs[k] = v;
    }
    results.set(job.id, { result, outputs });
  }
  return records;
}

function failedJob(id: string, message: string): JobRecord {
  return {
    id,
    name: id,
    runsOn: "",
    result: "failure",
    outputs: {},
    steps: [
      { name: "Set up job", line: 0, outcome: "failure", log: message, errors: [message], durationMs: 0 },
    ],
    durationMs: 0,
  };
}
