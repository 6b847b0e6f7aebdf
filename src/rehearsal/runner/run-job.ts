import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ReleaseRelayError } from "../../core/errors.js";
import { maskSecrets } from "./env-files.js";
import { asText, type Contexts, evaluateExpression, evaluateTexts, evaluateToken } from "./expressions.js";
import { loadLocalAction } from "./local-action.js";
import { resolvePinnedAction } from "./pinned-actions.js";
import type { JobRecord, Result, RunnerHost, StepRecord, WorkflowEvent } from "./runner-host.js";
import { standInFor } from "./stand-in-actions.js";
import { runStepProcess } from "./step-process.js";
import type { JobSpec, StepSpec, WorkflowSpec } from "./workflow-file.js";

/** One job (or matrix leg) to run, with what the run already knows. */
export interface JobRun {
  host: RunnerHost;
  workflow: WorkflowSpec;
  job: JobSpec;
  name: string;
  repo: string;
  runId: number;
  runDir: string;
  event: WorkflowEvent;
  /** github, vars, secrets, inputs, needs, matrix, strategy. */
  contexts: Contexts;
}

interface StepContext {
  outputs: Record<string, string>;
  outcome: Result;
  conclusion: Result;
}

const DEFAULT_TIMEOUT_MINUTES = 360;

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * Runs a job's steps in a fresh workspace as a hosted runner would, and evaluates its outputs; the
 * job is a check run on the run's head commit from start to end, as on GitHub.
 */
export async function runJob(r: JobRun): Promise<JobRecord> {
  const checkRun = r.host.startCheckRun(r.repo, { runId: r.runId, name: r.name, headSha: r.event.sha });
  let conclusion: Result = "failure";
  try {
    const record = await runSteps(r);
    conclusion = record.result;
    return record;
  } finally {
    r.host.completeCheckRun(r.repo, checkRun, conclusion);
  }
}

async function runSteps(r: JobRun): Promise<JobRecord> {
  const started = Date.now();
  const file = r.workflow.file;
  const dir = join(r.runDir, slug(r.name));
  const workspace = join(dir, "workspace");
  const temp = join(dir, "temp");
  const home = join(dir, "home");
  const files = join(dir, "files");
  for (const d of [workspace, temp, home, files]) mkdirSync(d, { recursive: true });
  const token = r.host.jobToken(r.repo, r.job.permissions);
  const repoSettings = r.host.settings(r.repo);
  // A job's environment is named without its secrets; once named, its variables and secrets (and
  // only then) join the repo's, overriding them (Actions docs, "Using environments for deployment").
  const environmentName = r.job.environment
    ? environmentNameOf(
        evaluateToken(r.job.environment, { ...r.contexts }, { succeeded: true }, r.workflow.file),
      )
    : undefined;
  const scoped = environmentName ? repoSettings.environments?.[environmentName] : undefined;
  const settings = {
    vars: { ...repoSettings.vars, ...scoped?.vars },
    secrets: { ...repoSettings.secrets, ...scoped?.secrets },
  };
  const secretValues = new Set<string>([token, ...Object.values(settings.secrets)]);
  const github = { ...(r.contexts.github as Record<string, unknown>), token, job: r.job.id, workspace };
  const runner = {
    temp,
    os: "Linux",
    arch: process.arch === "arm64" ? "ARM64" : "X64",
    name: "release-relay-local",
  };
  const base: Contexts = {
    ...r.contexts,
    github,
    runner,
    vars: settings.vars,
    secrets: { ...settings.secrets, GITHUB_TOKEN: token },
  };
  const ok = { succeeded: true };
  const runsOn = r.job.runsOn ? asText(evaluateToken(r.job.runsOn, base, ok, file), file) : "ubuntu-latest";
  const timeoutMinutes = r.job.timeoutMinutes
    ? Number(evaluateToken(r.job.timeoutMinutes, base, ok, file))
    : DEFAULT_TIMEOUT_MINUTES;
  if (!(timeoutMinutes > 0))
    throw new ReleaseRelayError(
      "E_RUNNER_STEP",
      `${file}: job ${r.job.id}: timeout-minutes is not a positive number`,
      "give a number of minutes, or an expression that evaluates to one",
    );
  r.host.notify({ kind: "job-started", runId: r.runId, repo: r.repo, job: r.name, runsOn });
  if (environmentName !== undefined) {
    const name = environmentName;
    const approvedBy = r.host.approve(r.repo, name, r.runId);
    r.host.notify({
      kind: "environment",
      runId: r.runId,
      repo: r.repo,
      job: r.name,
      environment: name,
      approvedBy,
    });
  }
  let env: Record<string, string> = {
    ...evaluateTexts(r.workflow.env, base, ok, file),
    ...evaluateTexts(r.job.env, base, ok, file),
  };
  const extraPath: string[] = [];
  const steps: Record<string, StepContext> = {};
  const records: StepRecord[] = [];
  let failed = false;
  const eventFile = join(r.runDir, "event.json");
  const summaryFile = join(files, "summary.md");
  writeFileSync(summaryFile, "", { flag: "a" });
  const processEnv = (): Record<string, string> => ({
    PATH: [...extraPath, process.env.PATH ?? "/usr/bin:/bin"].join(":"),
    HOME: home,
    LANG: "C.UTF-8",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_API_URL: r.host.apiUrl,
    GITHUB_SERVER_URL: r.host.apiUrl,
    GITHUB_REPOSITORY: r.repo,
    GITHUB_REPOSITORY_OWNER: r.repo.split("/")[0] as string,
    GITHUB_RUN_ID: String(r.runId),
    GITHUB_RUN_NUMBER: String(r.runId),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_EVENT_NAME: r.event.name,
    GITHUB_SHA: r.event.sha,
    GITHUB_REF: r.event.ref,
    GITHUB_REF_NAME: r.event.ref.replace(/^refs\/(heads|tags)\//, ""),
    GITHUB_WORKFLOW: r.workflow.name,
    // As the runner sets it: the workflow file of this run and the ref it was read at.
    GITHUB_WORKFLOW_REF: `${r.repo}/${r.workflow.file}@${r.event.ref}`,
    GITHUB_JOB: r.job.id,
    GITHUB_ACTOR: r.event.actor,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: runner.arch,
    ...env,
  });

  for (const [index, step] of r.job.steps.entries()) {
    const t0 = Date.now();
    const where = `${file}:${step.line}`;
    const contexts: Contexts = { ...base, env, steps, job: { status: failed ? "failure" : "success" } };
    const status = { succeeded: !failed };
    const key = step.id || `__step${index}`;
    let outcome: Result = "success";
    let outputs: Record<string, string> = {};
    let log = "";
    let errors: string[] = [];
    try {
      if (r.host.stopped()) {
        outcome = "cancelled";
      } else if (!evaluateExpression(step.if, contexts, status, where)) {
        outcome = "skipped";
      } else {
        const stepEnv = { ...processEnv(), ...evaluateTexts(step.env, contexts, status, file) };
        const done = await runOneStep(r, step, {
          contexts,
          status,
          workspace,
          stepDir: join(files, String(index)),
          eventFile,
          summaryFile,
          stepEnv,
          secretValues,
          jobToken: token,
          environment: environmentName,
          timeoutMinutes,
          where,
        });
        outputs = done.outputs;
        log = done.log;
        errors = done.errors;
        env = { ...env, ...done.env };
        extraPath.unshift(...done.paths);
        if (done.exitCode !== 0) {
          outcome = "failure";
          if (errors.length === 0) errors.push(`Process completed with exit code ${done.exitCode}.`);
        }
      }
    } catch (error) {
      outcome = "failure";
      const message = error instanceof ReleaseRelayError ? `${error.message} (${error.hint})` : String(error);
      errors = [maskSecrets(message, secretValues)];
      log += `${errors[0]}\n`;
    }
    const conclusion: Result = outcome === "failure" && step.continueOnError ? "success" : outcome;
    if (conclusion === "failure" || conclusion === "cancelled") failed = true;
    steps[key] = { outputs, outcome, conclusion };
    records.push({ name: step.name, line: step.line, outcome, log, errors, durationMs: Date.now() - t0 });
  }
  const finalContexts: Contexts = { ...base, env, steps, job: { status: failed ? "failure" : "success" } };
  let outputs: Record<string, string> = {};
  try {
    outputs = evaluateTexts(r.job.outputs, finalContexts, { succeeded: true }, file);
  } catch (error) {
    failed = true;
    records.push({
      name: "Job outputs",
      line: r.job.line,
      outcome: "failure",
      log: String(error),
      errors: [String(error)],
      durationMs: 0,
    });
  }
  const logText = records.map((s) => `## ${s.name} (${s.outcome})\n${s.log}`).join("\n");
  writeFileSync(join(dir, "job.log"), logText);
  return {
    id: r.job.id,
    name: r.name,
    runsOn,
    result: failed ? "failure" : "success",
    outputs,
    steps: records,
    durationMs: Date.now() - started,
  };
}

interface StepRun {
  contexts: Contexts;
  status: { succeeded: boolean };
  workspace: string;
  stepDir: string;
  eventFile: string;
  summaryFile: string;
  stepEnv: Record<string, string>;
  secretValues: Set<string>;
  jobToken: string;
  environment: string | undefined;
  where: string;
  timeoutMinutes: number;
}

async function runOneStep(r: JobRun, step: StepSpec, s: StepRun) {
  mkdirSync(s.stepDir, { recursive: true });
  const file = r.workflow.file;
  const given = evaluateTexts(step.with, s.contexts, s.status, file);
  const cwd = step.workingDirectory
    ? resolve(s.workspace, asText(evaluateToken(step.workingDirectory, s.contexts, s.status, file), s.where))
    : s.workspace;
  if (relative(s.workspace, cwd).startsWith(".."))
    throw new ReleaseRelayError(
      "E_RUNNER_STEP",
      `${s.where}: working-directory leaves the workspace`,
      "use a relative path",
    );
  const timeoutMs = s.timeoutMinutes * 60_000;
  const processSpec = {
    cwd,
    fileDir: s.stepDir,
    summaryFile: s.summaryFile,
    eventFile: s.eventFile,
    secrets: s.secretValues,
    timeoutMs,
    stop: () => r.host.stopped(),
  };
  if (step.run) {
    const script = join(s.stepDir, "script.sh");
    writeFileSync(script, asText(evaluateToken(step.run, s.contexts, s.status, file), s.where));
    return runStepProcess({
      ...processSpec,
      command: "bash",
      args: ["--noprofile", "--norc", "-e", script],
      env: s.stepEnv,
    });
  }
  const uses = step.uses ?? "";
  if (uses.startsWith("./")) {
    const action = loadLocalAction(s.workspace, uses, given, s.contexts, s.where);
    return runStepProcess({
      ...processSpec,
      command: process.execPath,
      args: [action.main],
      env: { ...s.stepEnv, ...action.inputEnv },
    });
  }
  const pinned = await resolvePinnedAction(uses);
  if (pinned) {
    const action = loadLocalAction(pinned.root, pinned.path, given, s.contexts, s.where);
    const ran = await runStepProcess({
      ...processSpec,
      command: process.execPath,
      args: [action.main],
      env: { ...s.stepEnv, ...action.inputEnv, ...pinned.env },
    });
    return { ...ran, log: `${pinned.note}${ran.log}` };
  }
  const standIn = standInFor(uses, s.where);
  const result = await standIn({
    host: r.host,
    repo: r.repo,
    runId: r.runId,
    workspace: s.workspace,
    event: r.event,
    inputs: given,
    permissions: r.job.permissions,
    jobToken: s.jobToken,
    environment: s.environment,
    where: s.where,
  });
  for (const mask of result.masks) s.secretValues.add(mask);
  return {
    exitCode: 0,
    log: maskSecrets(result.log, s.secretValues),
    outputs: result.outputs,
    env: result.env,
    paths: [],
    errors: [],
  };
}

/** `environment: release` or `environment: { name: release, url: … }`. */
function environmentNameOf(value: unknown): string {
  return typeof value === "string" ? value : String((value as { name?: unknown } | null)?.name ?? "");
}
