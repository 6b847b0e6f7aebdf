// Code the workflow's own commit did not review, run where it can reach what the workflow holds:
// pull_request_target and workflow_run jobs have the base repository's secrets and a write token even
// when a fork's pull request started them, and any job's secrets are readable by the code it runs.
import {
  expressions,
  type Job,
  obj,
  type Step,
  str,
  strings,
  type Workflow,
  type WorkflowProblem,
  where,
} from "./model.js";

// A ref or repository from the pull request or the run that triggered the workflow, not its base.
const PULL_REQUEST_HEAD =
  /github\.head_ref|github\.event\.(?:number|pull_request\.(?:head\.|merge_commit_sha|number)|workflow_run\.(?:head_|pull_requests))|refs\/pull\//;
const OWN_REPOSITORY = /^\$\{\{\s*github\.repository\s*\}\}$/;
const OWN_COMMIT = /^\$\{\{\s*github\.(?:sha|ref|workflow_sha)\s*\}\}$/;
const SECRET = /\bsecrets\b(?:\.([\w-]+)|\[\s*['"]([^'"]+)['"]\s*\])?/g;

const isCheckout = (step: Step) => /^actions\/checkout@/i.test(str(step.data.uses) ?? "");

export function untrustedCheckout(wf: Workflow, job: Job): WorkflowProblem[] {
  const triggers = ["pull_request_target", "workflow_run"].filter((t) => wf.triggers.has(t));
  if (triggers.length === 0) return [];
  const on = `a ${triggers.join(" / ")} workflow`;
  return job.steps.flatMap((step): WorkflowProblem[] => {
    const w = obj(step.data.with);
    const checkout = ["ref", "repository"].find(
      (key) => isCheckout(step) && PULL_REQUEST_HEAD.test(str(w[key]) ?? ""),
    );
    if (checkout)
      return [
        {
          file: wf.file,
          line: step.lineOf("with", checkout),
          rule: "untrusted-checkout",
          message: `${where(wf, job, step)}: ${on} checks out the code of the pull request or run that triggered it (${checkout}: ${w[checkout]}), and anything that code runs gets this repository's secrets and write token; check out the base (no ref: or repository:), or do the work in a pull_request workflow`,
        },
      ];
    const idKey = w["run-id"] === undefined ? "run_id" : "run-id";
    const runId = str(w[idKey]) ?? "";
    if (/download-artifact@/i.test(str(step.data.uses) ?? "") && /github\.event\.workflow_run\./.test(runId))
      return [
        {
          file: wf.file,
          line: step.lineOf("with", idKey),
          rule: "untrusted-artifact",
          message: `${where(wf, job, step)}: a workflow_run workflow downloads an artifact of the run that triggered it (${idKey}: ${runId}), which a pull request's code may have written, into a job with this repository's secrets and write token; read what it needs from github.event.workflow_run, or do the work in the triggering workflow`,
        },
      ];
    return [];
  });
}

/** What a checkout brings in that is not the workflow's own commit: `owner/x@ref`, or nothing. */
function foreign(step: Step): string | undefined {
  if (!isCheckout(step)) return undefined;
  const w = obj(step.data.with);
  const repository = str(w.repository)?.trim() || undefined;
  const ref = str(w.ref)?.trim() || undefined;
  const own = (!repository || OWN_REPOSITORY.test(repository)) && (!ref || OWN_COMMIT.test(ref));
  return own ? undefined : `${repository ?? "this repository"}@${ref ?? "its default branch"}`;
}

export function secretsWithForeignCode(wf: Workflow, job: Job): WorkflowProblem[] {
  const checkout = job.steps.find((s) => foreign(s) !== undefined);
  const run = checkout && job.steps.find((s) => s.index > checkout.index && str(s.data.run) !== undefined);
  if (!checkout || !run) return [];
  // `if:` is an expression without `${{ }}`; everything else holds its expressions inside them. The
  // workflow's env: reaches every job.
  const conditions = [job.data.if, ...job.steps.map((s) => s.data.if)].flatMap(strings);
  const bodies = [...conditions, ...[job.data, wf.data.env].flatMap(strings).flatMap(expressions)];
  const secrets = [
    ...new Set(
      bodies.flatMap((b) =>
        [...b.matchAll(SECRET)]
          .map((m) => ((m[1] ?? m[2]) ? `secrets.${m[1] ?? m[2]}` : "secrets"))
          .filter((s) => s.toLowerCase() !== "secrets.github_token"),
      ),
    ),
  ];
  if (secrets.length === 0) return [];
  return [
    {
      file: wf.file,
      line: checkout.line,
      rule: "secrets-foreign-code",
      message: `${where(wf, job)}: step ${checkout.index} (${checkout.label}) checks out ${foreign(checkout)} and step ${run.index} (${run.label}) runs code, in a job that has ${secrets.join(", ")}; that code can read them. Use the secrets in another job that does not check it out, and pass that job what it needs as outputs or artifacts`,
    },
  ];
}
