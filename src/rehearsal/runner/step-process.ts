import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { maskSecrets, parseEnvFile } from "./env-files.js";

/** What one step's process left behind. */
export interface StepProcessResult {
  exitCode: number;
  log: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
  paths: string[];
  errors: string[];
}

/** A step's command, its environment and the job's shared files. */
export interface StepProcess {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Directory for this step's GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH files. */
  fileDir: string;
  summaryFile: string;
  eventFile: string;
  secrets: Set<string>;
  timeoutMs: number;
  /** Polled while the step runs: true kills it (the run was stopped from outside). */
  stop?: () => boolean;
}

// Every step process still running: an interrupted rehearsal stops them before it removes its world.
const running = new Set<ChildProcess>();

/** Kills every step process still running (the rehearsal was interrupted). */
export function stopStepProcesses(): void {
  for (const child of running) child.kill("SIGKILL");
}

/**
 * Runs one step as the Actions runner does: the GITHUB_* command files, `::add-mask::` and
 * `::error::` workflow commands on stdout, secrets masked in the log, killed on timeout.
 */
export async function runStepProcess(step: StepProcess): Promise<StepProcessResult> {
  const files = {
    GITHUB_OUTPUT: join(step.fileDir, "output"),
    GITHUB_ENV: join(step.fileDir, "env"),
    GITHUB_PATH: join(step.fileDir, "path"),
    GITHUB_STATE: join(step.fileDir, "state"),
  };
  for (const file of Object.values(files)) writeFileSync(file, "");
  const child = spawn(step.command, step.args, {
    cwd: step.cwd,
    env: { ...step.env, ...files, GITHUB_STEP_SUMMARY: step.summaryFile, GITHUB_EVENT_PATH: step.eventFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const errors: string[] = [];
  let log = "";
  let pending = "";
  const onLine = (line: string) => {
    const mask = /^::add-mask::(.*)$/.exec(line);
    if (mask) {
      step.secrets.add(mask[1] as string);
      return;
    }
    const error = /^::error(?: [^:]*)?::(.*)$/.exec(line);
    if (error) errors.push(decodeCommand(error[1] as string));
    log += `${line}\n`;
  };
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    log += chunk.toString("utf8");
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, step.timeoutMs);
  const poll = setInterval(() => {
    if (step.stop?.()) child.kill("SIGKILL");
  }, 50);
  const exitCode = await new Promise<number>((resolve) => {
    child.on("error", (error) => {
      log += `${error.message}\n`;
      resolve(127);
    });
    child.on("close", (code) => resolve(code ?? 1));
  });
  running.delete(child);
  clearTimeout(timer);
  clearInterval(poll);
  if (pending) onLine(pending);
  if (timedOut) {
    log += `The step exceeded its time limit of ${Math.round(step.timeoutMs / 60000)} minutes and was stopped.\n`;
    errors.push("timed out");
  }
  const read = (file: string) => readFileSync(file, "utf8");
  return {
    exitCode: timedOut ? 124 : exitCode,
    log: maskSecrets(log, step.secrets),
    outputs: parseEnvFile(read(files.GITHUB_OUTPUT)),
    env: parseEnvFile(read(files.GITHUB_ENV)),
    paths: read(files.GITHUB_PATH)
      .split("\n")
      .filter((p) => p.trim()),
    errors: errors.map((e) => maskSecrets(e, step.secrets)),
  };
}

// Workflow command values escape %, CR and LF.
function decodeCommand(value: string): string {
  return value.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
}
