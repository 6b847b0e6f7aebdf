// Code that event data can rewrite: the runner pastes `${{ }}` into a script's text before the shell
// or node reads it, and anything written to $GITHUB_ENV or $GITHUB_PATH shapes every later step.
import {
  expressions,
  type Job,
  obj,
  type Step,
  str,
  strings,
  tainted,
  type Workflow,
  type WorkflowProblem,
  where,
} from "./model.js";

// A name for the env: variable the fix suggests, from the reference's last field.
const envName = (ref: string) =>
  (
    ref
      .split(/[.[\]'"*]+/)
      .filter(Boolean)
      .pop() ?? "value"
  )
    .replace(/\W/g, "_")
    .toUpperCase();

/** The scripts of a step: `run:`, and `script:` of actions/github-script. */
function scripts(step: Step): { path: string[]; text: string }[] {
  const run = str(step.data.run);
  const script = str(obj(step.data.with).script);
  return [
    ...(run === undefined ? [] : [{ path: ["run"], text: run }]),
    ...(script === undefined || !/^actions\/github-script@/i.test(str(step.data.uses) ?? "")
      ? []
      : [{ path: ["with", "script"], text: script }]),
  ];
}

export function injection(wf: Workflow, job: Job, step: Step): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const { path, text } of scripts(step)) {
    const source = step.sourceOf(...path);
    const isRun = path[0] === "run";
    let from = 0;
    for (const body of expressions(text)) {
      const written = `\${{${body}}}`;
      const shown = `\${{ ${body.trim().replace(/\s+/g, " ")} }}`;
      const at = source ? source.text.indexOf(written, from) : -1;
      if (at !== -1) from = at + written.length;
      const refs = tainted(body, wf);
      const name = envName(refs[0] ?? body.trim());
      const inside = isRun ? "run:" : "actions/github-script's script:";
      const use = isRun ? `"$${name}"` : `process.env.${name}`;
      problems.push({
        file: wf.file,
        line: source && at !== -1 ? wf.lineAt(source.offset + at) : step.lineOf(...path),
        rule: "injection",
        message:
          `${where(wf, job, step)}: expression inside ${inside} ${shown}` +
          (refs.length > 0
            ? ` carries ${refs.join(", ")}, which an attacker can set, and it becomes part of the code`
            : "") +
          `; pass it through env: (${name}: ${shown}) and use ${use}`,
      });
    }
  }
  return problems;
}

// `>> "$GITHUB_ENV"`, `>>$GITHUB_ENV`, `| tee -a $GITHUB_PATH`, PowerShell's `$env:GITHUB_ENV`, cmd's `%GITHUB_ENV%`.
const WRITES_ENV =
  /(?:>>?|\btee\b[^|;&\n]*?)\s*["']?(?:\$\{?|%)GITHUB_(ENV|PATH)\b|\$env:GITHUB_(ENV|PATH)\b/i;

export function githubEnv(wf: Workflow, job: Job, step: Step): WorkflowProblem[] {
  const run = str(step.data.run);
  const write = run === undefined ? null : WRITES_ENV.exec(run);
  if (!write) return [];
  // The step sees the workflow's and the job's env: as well as its own.
  const seen = [run, step.data.env, job.data.env, wf.data.env].flatMap(strings);
  const refs = [...new Set(seen.flatMap(expressions).flatMap((e) => tainted(e, wf)))];
  if (refs.length === 0) return [];
  const file = `$GITHUB_${(write[1] ?? write[2] ?? "ENV").toUpperCase()}`;
  return [
    {
      file: wf.file,
      line: step.lineOf("run"),
      rule: "github-env",
      message:
        `${where(wf, job, step)}: writes to ${file} while its env or script carries ${refs.join(", ")}, which an ` +
        `attacker can set; a value with a newline in it sets any variable (BASH_ENV, LD_PRELOAD, PATH) for every ` +
        `later step. Hand the value to later steps as a step output (>> "$GITHUB_OUTPUT") read through their env:`,
    },
  ];
}
