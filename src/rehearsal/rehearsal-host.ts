import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { GitHubEmulator } from "./github/emulator.js";
import { type Permission, type PermissionName, scopedGrant, type TokenScope } from "./github/permissions.js";
import { ConcurrencyGroups } from "./runner/concurrency.js";
import type { RepoSettings, Result, RunnerHost, RunnerNotice } from "./runner/runner-host.js";

// Workflow `permissions:` names as the emulator knows them; id-token is not an API permission.
const PERMISSION_NAMES: Record<string, PermissionName> = {
  contents: "contents",
  issues: "issues",
  "pull-requests": "pull_requests",
  statuses: "statuses",
  checks: "checks",
  actions: "actions",
};

/** The rehearsal's side of the runner: emulated repos, per-job tokens, settings, the local S3. */
export class RehearsalHost implements RunnerHost {
  readonly concurrency = new ConcurrencyGroups();
  private crashed = false;
  private crashCount = 0;

  constructor(
    private readonly emulator: GitHubEmulator,
    readonly workDir: string,
    private readonly options: {
      /** The world's GitHub Apps by id: the private key the action must be given, and the installation's token. */
      apps: Record<string, { key: string; installation: string }>;
      settings: Map<string, RepoSettings>;
      s3: RunnerHost["s3"];
      /** Each AWS role's ARN and the one OIDC subject its trust policy allows. */
      awsRoles: ReadonlyMap<string, string>;
      /** The maintainer who reviews deployments when environments require it (`--require-approval`). */
      approver: { login: string; required: boolean };
      firstRunId: number;
      notify: (notice: RunnerNotice) => void;
      onRecover?: () => void;
    },
  ) {
    this.runId = options.firstRunId;
  }

  private runId: number;

  get apiUrl(): string {
    return this.emulator.url;
  }

  get s3(): RunnerHost["s3"] {
    return this.options.s3;
  }

  /** The next run id to hand out (kept with the world so a resumed rehearsal continues the count). */
  get lastRunId(): number {
    return this.runId;
  }

  gitDir(repo: string): string {
    const [owner, name] = repo.split("/") as [string, string];
    return join(this.emulator.dir, "repos", owner, `${name}.git`);
  }

  jobToken(repo: string, permissions: Record<string, string> | "none"): string {
    const token = `ghs_job_${randomBytes(12).toString("hex")}`;
    const granted: Permission[] = [];
    const given = permissions === "none" ? { contents: "read" } : permissions;
    for (const [name, level] of Object.entries(given)) {
      const mapped = PERMISSION_NAMES[name];
      if (mapped && (level === "read" || level === "write")) granted.push(`${mapped}:${level}`);
    }
    this.emulator.addToken(token, { login: "github-actions[bot]", type: "Bot", repos: { [repo]: granted } });
    return token;
  }

  appToken(scope: TokenScope, app: { id: string; key: string }): { token: string } | { error: string } {
    const known = this.options.apps[app.id];
    if (!known) return { error: `no GitHub App with id ${app.id} is installed here` };
    // GitHub's answer to a JWT signed with another key.
    if (known.key !== app.key) return { error: "A JSON web token could not be decoded" };
    const installation = this.emulator.grantOf(known.installation);
    if (!installation) return { error: "the App is not installed" };
    const grant = scopedGrant(installation, scope);
    if (typeof grant === "string") return { error: grant };
    const token = `ghs_app_${randomBytes(12).toString("hex")}`;
    // An installation token works for one hour (GitHub Apps docs, "Authenticating as a GitHub App installation").
    this.emulator.addToken(token, grant, { expiresInMinutes: 60 });
    return { token };
  }

  artifactUploaded(
    repo: string,
    artifact: { runId: number; name: string; sizeInBytes: number; retentionDays: number },
  ): void {
    this.emulator.recordArtifact(repo, artifact);
  }

  artifactExpired(repo: string, runId: number, name: string): boolean | undefined {
    return this.emulator.artifactExpired(repo, runId, name);
  }

  assumeRole(role: string, subject: string): { error?: string } {
    const trusted = this.options.awsRoles.get(role);
    // STS answers AssumeRoleWithWebIdentity with AccessDenied "Not authorized to perform
    // sts:AssumeRoleWithWebIdentity" when the token's sub does not meet the trust policy.
    if (trusted === undefined) return { error: `role ${role} does not exist` };
    if (trusted !== subject)
      return {
        error: `Not authorized to perform sts:AssumeRoleWithWebIdentity: the role trusts ${trusted}, the job's token says ${subject}`,
      };
    return {};
  }

  settings(repo: string): RepoSettings {
    return this.options.settings.get(repo.toLowerCase()) ?? { vars: {}, secrets: {} };
  }

  nextRunId(): number {
    return ++this.runId;
  }

  startCheckRun(repo: string, job: { runId: number; name: string; headSha: string }): number {
    return this.emulator.startJobCheckRun(repo, job);
  }

  completeCheckRun(repo: string, id: number, conclusion: Result): void {
    this.emulator.completeJobCheckRun(repo, id, conclusion);
  }

  approve(repo: string, environment: string, runId: number): string {
    const { login, required } = this.options.approver;
    if (!required)
      return `nobody: environment "${environment}" has no required reviewers, so the job ran at once`;
    this.emulator.reviewDeployment(repo, {
      runId,
      environment,
      state: "approved",
      user: login,
      comment: "Checked the plan and the build logs",
    });
    // What people saw while the job waited: the tracking issue names who it waits for.
    const waiting = (this.emulator.state.repos[repo.toLowerCase()]?.issues ?? [])
      .flatMap((i) => /⏳ [^|\n]*/.exec(i.body ?? "") ?? [])
      .at(-1);
    return `${login} (a required reviewer of environment "${environment}", approved in the rehearsal)${waiting ? `; while it waited, the tracking issue said “${waiting.trim()}”` : ""}`;
  }

  notify(notice: RunnerNotice): void {
    // The Actions API knows every run, as GitHub's does: the automation side looks claimed runs up.
    if (notice.kind === "run-started")
      this.emulator.startWorkflowRun(notice.run.repo, {
        id: notice.run.id,
        name: notice.run.workflow,
        path: notice.run.file,
        event: notice.run.event,
        headBranch: notice.run.headBranch,
        headSha: notice.run.headSha,
        actor: notice.run.actor,
      });
    if (notice.kind === "run-finished")
      this.emulator.finishWorkflowRun(notice.run.repo, notice.run.id, notice.run.conclusion);
    this.options.notify(notice);
  }

  /** Stops the current run where it stands, as if its runner died. */
  crash(): void {
    this.crashed = true;
    this.crashCount++;
  }

  /** Lets later runs start again after a crash (GitHub itself did not stop). */
  recover(): void {
    if (!this.crashed) return;
    this.crashed = false;
    this.options.onRecover?.();
  }

  crashes(): number {
    return this.crashCount;
  }

  stopped(): boolean {
    return this.crashed;
  }
}
