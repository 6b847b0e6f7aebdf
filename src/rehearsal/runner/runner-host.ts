import type { TokenScope } from "../github/permissions.js";
import type { ConcurrencyGroups } from "./concurrency.js";

/** The outcome of a step, job or run, in GitHub's words. */
export type Result = "success" | "failure" | "skipped" | "cancelled";

/** One step of a finished job, with its masked log. */
export interface StepRecord {
  name: string;
  line: number;
  outcome: Result;
  log: string;
  errors: string[];
  durationMs: number;
}

/** One job (or matrix leg) of a run. */
export interface JobRecord {
  id: string;
  name: string;
  runsOn: string;
  result: Result;
  outputs: Record<string, string>;
  steps: StepRecord[];
  durationMs: number;
}

/** One workflow run. */
export interface RunRecord {
  id: number;
  repo: string;
  workflow: string;
  file: string;
  event: string;
  headBranch: string;
  headSha: string;
  conclusion: "success" | "failure" | "cancelled";
  jobs: JobRecord[];
  durationMs: number;
  url: string;
}

/** An event delivered to a repo's workflows. */
export interface WorkflowEvent {
  name: string;
  /** The `github.event` payload. */
  payload: Record<string, unknown>;
  ref: string;
  sha: string;
  actor: string;
}

/** What the runner says while it works: the rehearsal prints it, tests may record it. */
export type RunnerNotice =
  | {
      kind: "run-started";
      run: Pick<RunRecord, "id" | "repo" | "workflow" | "event" | "file" | "headBranch" | "headSha"> & {
        actor: string;
      };
    }
  | { kind: "job-started"; runId: number; repo: string; job: string; runsOn: string }
  | {
      kind: "job-finished";
      runId: number;
      repo: string;
      /** The run's workflow file. */
      file: string;
      /** The job as progress lines name it: a matrix leg by its target (see `legTitle`). */
      title: string;
      job: JobRecord;
    }
  | { kind: "run-finished"; run: RunRecord }
  | {
      kind: "environment";
      runId: number;
      repo: string;
      job: string;
      environment: string;
      approvedBy: string;
    };

/** A repo's Actions variables and secrets, and those of its deployment environments. */
export interface RepoSettings {
  vars: Record<string, string>;
  secrets: Record<string, string>;
  /** Environment variables and secrets reach only jobs that name the environment, and win over the repo's. */
  environments?: Record<string, { vars: Record<string, string>; secrets: Record<string, string> }>;
}

/** Everything the runner needs from the world around it: the API, repos, tokens, settings. */
export interface RunnerHost {
  /** The emulated API's base URL (also the server URL). */
  apiUrl: string;
  /** The bare git repository of a repo. */
  gitDir(repo: string): string;
  /** A fresh GITHUB_TOKEN for one job of a repo, with exactly the job's `permissions:`. */
  jobToken(repo: string, permissions: Record<string, string> | "none"): string;
  /**
   * An installation token of the GitHub App `app` (its id and private key, as the action is given
   * them), for the repositories and permissions asked for (as create-github-app-token asks GitHub);
   * a string error when no such App is installed or the installation cannot grant them.
   */
  appToken(scope: TokenScope, app: { id: string; key: string }): { token: string } | { error: string };
  /** The repo's Actions variables and secrets. */
  settings(repo: string): RepoSettings;
  /** Credentials the AWS credentials stand-in exports for the local S3. */
  s3: { endpoint: string; accessKeyId: string; secretAccessKey: string };
  /** A run uploaded an artifact (upload-artifact), kept `retentionDays`. */
  artifactUploaded(
    repo: string,
    artifact: { runId: number; name: string; sizeInBytes: number; retentionDays: number },
  ): void;
  /** Whether a run's artifact has expired (undefined: GitHub never had it). */
  artifactExpired(repo: string, runId: number, name: string): boolean | undefined;
  /** The workflow concurrency groups of every repo (a run waits for its group). */
  concurrency: ConcurrencyGroups;
  /** Whether STS lets a job whose OIDC token has `subject` assume `role`; why not, if it does not. */
  assumeRole(role: string, subject: string): { error?: string };
  /** Where workspaces, logs and artifacts live. */
  workDir: string;
  nextRunId(): number;
  /**
   * GitHub makes every job (and matrix leg) a check run on its run's head commit, by the
   * github-actions app, named as the job: in_progress when it starts (returns its id), then completed
   * with the job's conclusion (lewagon/wait-on-check-action#10: "wait for all checks" sees itself).
   */
  startCheckRun(repo: string, job: { runId: number; name: string; headSha: string }): number;
  completeCheckRun(repo: string, id: number, conclusion: Result): void;
  /** Who approves a job's deployment environment in a run (the rehearsal approves at once, and says so). */
  approve(repo: string, environment: string, runId: number): string;
  notify(notice: RunnerNotice): void;
  /** True once the run must stop at once (a simulated crash): no further step or job starts. */
  stopped(): boolean;
  /** How many times the runner died so far: a run that saw the count change was cut short. */
  crashes(): number;
  /** Called after every run: a crashed run's successors start normally (GitHub itself went on). */
  recover(): void;
}
