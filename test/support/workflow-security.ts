import { githubEnv, injection } from "./workflow-security/injection.js";
import { type Job, readWorkflow, type Workflow, type WorkflowProblem } from "./workflow-security/model.js";
import { pinning } from "./workflow-security/pinning.js";
import { secretsWithForeignCode, untrustedCheckout } from "./workflow-security/untrusted-checkout.js";

export type { WorkflowProblem } from "./workflow-security/model.js";
export { KNOWN_PINS } from "./workflow-security/pinning.js";

function permissions(wf: Workflow, job: Job): WorkflowProblem[] {
  const problem = (message: string): WorkflowProblem => ({
    file: wf.file,
    line: job.line,
    rule: "permissions",
    message: `${wf.file}: ${message}`,
  });
  const granted = job.data.permissions;
  if (granted === undefined) return [problem(`job ${job.name} does not declare permissions:`)];
  if (typeof granted === "string")
    return [problem(`job ${job.name} uses ${granted}; list the permissions it needs`)];
  return (
    Object.entries(granted ?? {})
      // attestations: write stores artifact attestations of the run's own files, nothing else: GitHub
      // requires it of actions/attest-build-provenance, beside id-token.
      .filter(([scope, level]) => level === "write" && scope !== "id-token" && scope !== "attestations")
      .map(([scope]) =>
        problem(`job ${job.name} asks for ${scope}: write; writes go through the release-relay App token`),
      )
  );
}

/**
 * Checks a workflow against release-relay's security rules, each a rule id of WorkflowProblem:
 * - permissions: top-level `permissions: {}`; every job declares its own, writing nothing but an OIDC token
 *   (and artifact attestations);
 * - pin, pin-comment: actions and reusable workflows pinned by a full commit SHA with `# vX.Y.Z` after
 *   it, naming the release that commit is when KNOWN_PINS knows it;
 * - unpinned-image: container, service and `docker://` images pinned by `@sha256:` digest;
 * - injection: no `${{ }}` inside `run:` or actions/github-script's `script:` (data goes through `env:`);
 * - github-env: no write to $GITHUB_ENV or $GITHUB_PATH from a step that sees attacker-controllable data;
 * - untrusted-checkout, untrusted-artifact: pull_request_target and workflow_run jobs neither check out
 *   the triggering pull request's code nor download the triggering run's artifacts;
 * - secrets-foreign-code: a job that checks out and runs code other than the workflow's own commit has
 *   no secrets.
 */
export function scanWorkflow(file: string, text: string): WorkflowProblem[] {
  const wf = readWorkflow(file, text);
  const problems: WorkflowProblem[] = [];
  const top = wf.data.permissions;
  if (top !== undefined && !(top && typeof top === "object" && Object.keys(top).length === 0)) {
    problems.push({
      file,
      line: Math.max(1, text.split("\n").findIndex((l) => l.startsWith("permissions:")) + 1),
      rule: "permissions",
      message: `${file}: top-level permissions must be {} (each job asks for its own)`,
    });
  }
  for (const job of wf.jobs) {
    problems.push(
      ...permissions(wf, job),
      ...pinning(wf, job),
      ...job.steps.flatMap((step) => [...injection(wf, job, step), ...githubEnv(wf, job, step)]),
      ...untrustedCheckout(wf, job),
      ...secretsWithForeignCode(wf, job),
    );
  }
  return problems.sort((a, b) => a.line - b.line);
}
