import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  isString,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import type { WorkflowTemplate } from "@actions/workflow-parser/model/workflow-template";
import type { MappingToken, TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { ReleaseRelayError } from "../../core/errors.js";

/** One step as the local runner executes it; tokens keep their expressions and source lines. */
export interface StepSpec {
  id: string;
  name: string;
  if: string;
  uses?: string;
  run?: TemplateToken;
  with?: MappingToken;
  env?: MappingToken;
  workingDirectory?: TemplateToken;
  continueOnError: boolean;
  line: number;
}

/** One job: its dependencies, condition, matrix, permissions and steps. */
export interface JobSpec {
  id: string;
  needs: string[];
  if: string;
  env?: MappingToken;
  environment?: TemplateToken;
  runsOn?: TemplateToken;
  strategy?: TemplateToken;
  outputs?: MappingToken;
  permissions: Record<string, string> | "none";
  /** A number, or an expression evaluated when the job starts (e.g. from the plan). */
  timeoutMinutes?: TemplateToken;
  steps: StepSpec[];
  line: number;
}

/** A parsed workflow file: its name, triggers and jobs. */
export interface WorkflowSpec {
  file: string;
  name: string;
  on: WorkflowTemplate["events"];
  env?: MappingToken;
  /** The run's concurrency group; queued runs of a group wait (cancel-in-progress is not supported). */
  concurrency?: TemplateToken;
  jobs: JobSpec[];
}

// What the runner implements; any other key fails loudly rather than being silently ignored.
const JOB_KEYS = new Set([
  "name",
  "runs-on",
  "needs",
  "if",
  "permissions",
  "timeout-minutes",
  "outputs",
  "steps",
  "strategy",
  "environment",
  "env",
]);
const STEP_KEYS = new Set([
  "id",
  "name",
  "if",
  "uses",
  "with",
  "run",
  "env",
  "working-directory",
  "timeout-minutes",
  "continue-on-error",
]);
const WORKFLOW_KEYS = new Set(["name", "on", "permissions", "jobs", "env", "concurrency"]);

function unsupported(file: string, token: TemplateToken | undefined, what: string): ReleaseRelayError {
  return new ReleaseRelayError(
    "E_RUNNER_UNSUPPORTED",
    `${file}:${token?.line ?? "?"}: ${what} is not supported by the local runner`,
    "the local runner implements the Actions syntax release-relay's templates use; keep custom workflows to that subset",
  );
}

function keysOf(mapping: MappingToken): [string, TemplateToken, TemplateToken][] {
  return [...mapping].map((pair) => [pair.key.assertString("key").value, pair.value, pair.key]);
}

function readPermissions(file: string, token: TemplateToken | undefined): Record<string, string> | "none" {
  if (!token) return "none";
  if (isString(token)) {
    if (token.value === "read-all" || token.value === "write-all")
      throw unsupported(file, token, token.value);
    return "none";
  }
  if (!isMapping(token)) throw unsupported(file, token, "this permissions value");
  return Object.fromEntries(keysOf(token).map(([k, v]) => [k, v.assertString("permission").value]));
}

/** Parses a workflow file with GitHub's parser; syntax errors and unsupported features name file and line. */
export async function parseWorkflowFile(file: string, content: string): Promise<WorkflowSpec> {
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value || errors.length > 0)
    throw new ReleaseRelayError("E_WORKFLOW", `${file}: ${errors.join("; ")}`, "fix the workflow file");
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (template.errors?.length)
    throw new ReleaseRelayError(
      "E_WORKFLOW",
      `${file}: ${template.errors.map((e) => e.Message).join("; ")}`,
      "fix the workflow file",
    );
  const root = parsed.value.assertMapping("workflow");
  for (const [key, value] of keysOf(root))
    if (!WORKFLOW_KEYS.has(key)) throw unsupported(file, value, `workflow key "${key}"`);
  const rawJobs = root.find("jobs")?.assertMapping("jobs");
  const name = root.find("name");
  const jobs: JobSpec[] = template.jobs.map((job) => {
    if (job.type !== "job") throw unsupported(file, job.id, "a reusable workflow job");
    const raw = rawJobs?.find(job.id.value)?.assertMapping("job");
    if (!raw) throw unsupported(file, job.id, "a job without a mapping");
    for (const [key, value] of keysOf(raw))
      if (!JOB_KEYS.has(key)) throw unsupported(file, value, `job key "${key}"`);
    const rawSteps = raw.find("steps");
    const stepTokens = rawSteps && isSequence(rawSteps) ? [...rawSteps] : [];
    const steps = job.steps.map((step, index): StepSpec => {
      const rawStep = stepTokens[index]?.assertMapping("step");
      if (!rawStep || !("run" in step || "uses" in step))
        throw unsupported(file, rawStep, "this kind of step");
      for (const [key, value] of keysOf(rawStep))
        if (!STEP_KEYS.has(key)) throw unsupported(file, value, `step key "${key}"`);
      const withToken = rawStep.find("with");
      const continueOnError = step["continue-on-error"];
      if (continueOnError !== undefined && typeof continueOnError !== "boolean")
        throw unsupported(file, continueOnError, "an expression in continue-on-error");
      const uses = "uses" in step ? step.uses.value : undefined;
      return {
        id: step.id,
        name: step.name?.toString() ?? (uses ? `Run ${uses}` : "Run script"),
        if: step.if.expression,
        ...(uses !== undefined ? { uses } : {}),
        ...("run" in step ? { run: step.run } : {}),
        ...(withToken ? { with: withToken.assertMapping("with") } : {}),
        ...(step.env ? { env: step.env } : {}),
        ...(rawStep.find("working-directory")
          ? { workingDirectory: rawStep.find("working-directory") as TemplateToken }
          : {}),
        continueOnError: continueOnError === true,
        line: rawStep.line ?? 0,
      };
    });
    return {
      id: job.id.value,
      needs: (job.needs ?? []).map((n) => n.value),
      if: job.if.expression,
      ...(job.env ? { env: job.env } : {}),
      ...(job.environment ? { environment: job.environment } : {}),
      ...(job["runs-on"] ? { runsOn: job["runs-on"] } : {}),
      ...(job.strategy ? { strategy: job.strategy } : {}),
      ...(job.outputs ? { outputs: job.outputs } : {}),
      permissions: readPermissions(file, raw.find("permissions") ?? root.find("permissions")),
      ...(raw.find("timeout-minutes") ? { timeoutMinutes: raw.find("timeout-minutes") } : {}),
      steps,
      line: job.id.line ?? 0,
    };
  });
  const env = root.find("env");
  const concurrency = root.find("concurrency");
  if (concurrency && isMapping(concurrency)) {
    for (const [key, value] of keysOf(concurrency))
      if (key !== "group" && !(key === "cancel-in-progress" && value.toString() === "false"))
        throw unsupported(file, value, `concurrency ${key}: ${value.toString()}`);
  }
  return {
    file,
    name: name && isString(name) ? name.value : file,
    on: template.events,
    ...(env ? { env: env.assertMapping("env") } : {}),
    ...(concurrency
      ? { concurrency: isMapping(concurrency) ? (concurrency.find("group") as TemplateToken) : concurrency }
      : {}),
    jobs,
  };
}
