import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { packageRoot } from "../adapters/package-files.js";
import { ledgerKey } from "../core/config/environment.js";
import { dashboardContext } from "../core/dashboard/context.js";
import { renderDashboardHtml } from "../core/dashboard/html.js";
import { renderDashboard } from "../core/dashboard/markdown.js";
import { isComplete, waitingForMerges } from "../core/ledger/completion.js";
import type { ReleaseState } from "../core/ledger/release-state.js";
import { yankDone } from "../core/yank/yank-plan.js";
import { readRelease } from "../steps/read-release.js";
import type { AttackOutcome } from "./attacks/attack-outcome.js";
import { type DryRunDiff, dryRunDiffs } from "./dry-run-diffs.js";
import { emulatorClient } from "./emulator-client.js";
import type { ExampleProject, WorldCredentials } from "./example-world.js";
import { changedSomething, createsContent } from "./github/accounting.js";
import type { GitHubEmulator } from "./github/emulator.js";
import type { RunRecord } from "./runner/runner-host.js";
import { recordedAttestations } from "./runner/stand-ins/attest-build-provenance.js";
import { listBucket } from "./s3/bucket-mirror.js";
import { LOCAL_S3_CREDENTIALS, type LocalS3 } from "./s3/local-s3.js";

const execFileAsync = promisify(execFile);

/** `summary.json` of a rehearsal: what tests and users read to judge it. */
export interface RehearsalSummary {
  version: string;
  /** The environment released to; absent for production. */
  environment?: string;
  completed: boolean;
  /** Not completed only because release PRs wait to be merged (what `--no-merge` leaves), artifacts verified. */
  waitingForMerges: boolean;
  /** Present once the release was yanked: whether every part of the yank is done. */
  yanked?: boolean;
  trackingIssue: { repo: string; number: number; url: string } | null;
  prs: {
    downstream: string;
    repo: string;
    number: number;
    url: string;
    headSha: string;
    state: "open" | "closed" | "merged";
  }[];
  artifacts: { name: string; key: string; size: number; sha256: string }[];
  /**
   * Calls the release's workflows made: `byRoute` by REST route template, and GraphQL calls by
   * operation ("POST /graphql createCommitOnBranch"); `mutating` counts only calls that changed
   * something (a GraphQL call refused with HTTP 200, e.g. a stale createCommitOnBranch, does not).
   */
  apiCalls: {
    total: number;
    mutating: number;
    /** Calls GitHub's secondary limit counts as creating content (see createsContent). */
    contentCreating: number;
    byRoute: Record<string, number>;
    /**
     * Per identity (each App's bot login): GitHub keeps its limits per user or App, so whether ten
     * releases an hour fit within 500 content-creating requests is a question per identity.
     */
    byLogin: Record<string, { total: number; contentCreating: number; mutating: number }>;
  };
  durationsMs: { total: number; builds: number; orchestration: number };
  /** Faults injected by `--faults` into the GitHub API and the S3 store during this run. */
  faultsInjected: { github: number; s3: number };
  /** With `--attack`: whether the forged event was refused and what it changed that it should not have. */
  attack?: AttackOutcome;
  /**
   * What actions/attest-build-provenance would have attested (its stand-in has no Sigstore or
   * attestations API): each subject's name and sha256, per run.
   */
  attested: { name: string; sha256: string; runId: number }[];
}

/** Everything a rehearsal shows at the end. */
export interface RehearsalOutcome {
  summary: RehearsalSummary;
  state: ReleaseState;
  trackingIssueBody: string;
  dashboardHtml: string;
  diffs: { downstream: string; repo: string; number: number; diff: string }[];
  /** Each dry-run downstream's diff: what its PR would have been (none was opened). */
  dryRuns: DryRunDiff[];
  /** Why the release never started, when the rehearsal can tell: a pushed tag no request workflow ran on. */
  notStarted?: string;
  objects: { key: string; size: number }[];
  verify: { ok: boolean; output: string };
  runs: RunRecord[];
}

/** The world's S3 keys (worlds kept by older versions have none: the local S3's defaults). */
export function awsKeys(c: WorldCredentials): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: c.awsAccessKeyId ?? LOCAL_S3_CREDENTIALS.accessKeyId,
    secretAccessKey: c.awsSecretAccessKey ?? LOCAL_S3_CREDENTIALS.secretAccessKey,
  };
}

/** Collects the rehearsal's result, writes the kept layout (artifacts/, tracking-issue.md, dashboard.html, summary.json). */
export async function collectOutcome(input: {
  emulator: GitHubEmulator;
  s3: LocalS3;
  project: ExampleProject;
  version: string;
  dir: string;
  runs: RunRecord[];
  maintainerToken: string;
  maintainerLogin: string;
  credentials: WorldCredentials;
  since: number;
  durationsMs: RehearsalSummary["durationsMs"];
  attack?: AttackOutcome;
  /** The runner's work directory, where stand-ins record what they would have done. */
  runnerDir: string;
}): Promise<RehearsalOutcome> {
  const { emulator, project, version, dir } = input;
  const { config } = project;
  // Counted before the rehearsal reads anything itself: only what the workflows did.
  const calls = emulator.log.calls({ since: input.since }).filter((c) => c.login !== input.maintainerLogin);
  const byRoute: Record<string, number> = {};
  for (const c of calls) byRoute[c.route] = (byRoute[c.route] ?? 0) + 1;
  const byLogin: RehearsalSummary["apiCalls"]["byLogin"] = {};
  for (const c of calls) {
    const name = c.login ?? "(no token)";
    const login = byLogin[name] ?? { total: 0, contentCreating: 0, mutating: 0 };
    byLogin[name] = login;
    login.total++;
    if (createsContent(c)) login.contentCreating++;
    if (changedSomething(c)) login.mutating++;
  }
  const apiCalls = {
    total: calls.length,
    mutating: calls.filter(changedSomething).length,
    contentCreating: calls.filter(createsContent).length,
    byRoute,
    byLogin,
  };

  const github = emulatorClient(emulator.url, input.maintainerToken);
  const { snapshot, state } = await readRelease(github, project.automationRepo, ledgerKey(config, version));
  const ctx = dashboardContext(config, version, snapshot.head, emulator.url);
  let trackingIssueBody = renderDashboard(state, ctx);
  if (state.trackingIssue) {
    const [owner, repo] = project.automationRepo.split("/") as [string, string];
    const issue = await github.rest.issues.get({ owner, repo, issue_number: state.trackingIssue.number });
    trackingIssueBody = issue.data.body ?? "";
  }

  const prs: RehearsalSummary["prs"] = [];
  const diffs: RehearsalOutcome["diffs"] = [];
  for (const d of config.downstream) {
    const repoState = emulator.state.repos[d.repo.toLowerCase()];
    // The release's own PR: a fork's PR may carry a release-named branch too, and is not it.
    const pull = repoState?.pulls.find(
      (p) => !p.headRepo && p.headRef.startsWith(`release-relay/${version}/`),
    );
    if (!repoState || !pull) continue;
    const gitDir = join(emulator.dir, "repos", d.repo.split("/")[0] as string, `${d.repo.split("/")[1]}.git`);
    const issue = repoState.issues.find((i) => i.number === pull.number);
    const head = pull.merged
      ? pull.headSha
      : execFileSync("git", ["--git-dir", gitDir, "rev-parse", `refs/heads/${pull.headRef}`])
          .toString()
          .trim();
    prs.push({
      downstream: d.name,
      repo: d.repo,
      number: pull.number,
      url: `${emulator.url}/${d.repo}/pull/${pull.number}`,
      headSha: head,
      state: pull.merged ? "merged" : issue?.state === "closed" ? "closed" : "open",
    });
    // A release PR is one commit on its base: its diff is that commit's.
    const diff = execFileSync("git", ["--git-dir", gitDir, "diff", `${head}~1`, head]).toString();
    diffs.push({ downstream: d.name, repo: d.repo, number: pull.number, diff });
  }

  const objects = await listBucket(input.s3, config.upload.bucket);
  // Downloaded and checked as a user or packager would: `release-relay verify --config --version`,
  // through the local S3's API, as the config's public URL names the real download site.
  const artifactsDir = join(dir, "artifacts");
  rmSync(artifactsDir, { recursive: true, force: true });
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(join(dir, "release-relay.yml"), project.configText);
  // Asynchronously: the local S3 it downloads from is served by this very process.
  const verify = await execFileAsync(
    process.execPath,
    [
      join(packageRoot, "dist/cli/index.js"),
      "verify",
      "--config",
      join(dir, "release-relay.yml"),
      "--version",
      version,
      "--dir",
      artifactsDir,
      "--from-bucket",
      ...(config.environment ? ["--environment", config.environment] : []),
    ],
    {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        AWS_ENDPOINT_URL_S3: input.s3.endpoint,
        AWS_ACCESS_KEY_ID: awsKeys(input.credentials).accessKeyId,
        AWS_SECRET_ACCESS_KEY: awsKeys(input.credentials).secretAccessKey,
        AWS_REGION: config.upload.region,
      },
    },
  ).then(
    ({ stdout, stderr }) => ({ ok: true, output: `${stdout}${stderr}` }),
    (e: { stdout?: string; stderr?: string }) => ({
      ok: false,
      output: `${e.stdout ?? ""}${e.stderr ?? ""}`,
    }),
  );
  const client = input.s3.client();
  const artifacts: RehearsalSummary["artifacts"] = [];
  for (const o of objects) {
    const head = await client.send(new HeadObjectCommand({ Bucket: config.upload.bucket, Key: o.key }));
    artifacts.push({ name: basename(o.key), key: o.key, size: o.size, sha256: head.Metadata?.sha256 ?? "" });
  }
  client.destroy();

  const summary: RehearsalSummary = {
    version,
    ...(config.environment ? { environment: config.environment } : {}),
    completed: isComplete(state, ctx.expected) && verify.ok,
    waitingForMerges:
      !isComplete(state, ctx.expected) && !state.yanked && waitingForMerges(state, ctx.expected) && verify.ok,
    ...(state.yanked
      ? {
          yanked: yankDone(
            state,
            ctx.expected.map((x) => x.name),
          ),
        }
      : {}),
    trackingIssue: state.trackingIssue
      ? { repo: state.trackingIssue.repo, number: state.trackingIssue.number, url: state.trackingIssue.url }
      : null,
    prs,
    artifacts,
    apiCalls,
    durationsMs: input.durationsMs,
    faultsInjected: {
      github: emulator.log.calls({ since: input.since }).filter((c) => c.fault).length,
      s3: input.s3.operations.filter((o) => o.op.startsWith("Fault:")).length,
    },
    ...(input.attack ? { attack: input.attack } : {}),
    attested: recordedAttestations(input.runnerDir).map((a) => ({
      name: a.subject.name,
      sha256: a.subject.digest.sha256,
      runId: a.runId,
    })),
  };
  const dashboardHtml = renderDashboardHtml(state, ctx, { title: `${config.project} ${version}` });
  writeFileSync(join(dir, "tracking-issue.md"), trackingIssueBody);
  writeFileSync(join(dir, "dashboard.html"), dashboardHtml);
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  const dryRuns = dryRunDiffs(join(emulator.dir, "actions", "runs"), config);
  return {
    summary,
    state,
    trackingIssueBody,
    dashboardHtml,
    diffs,
    dryRuns,
    objects,
    verify,
    runs: input.runs,
  };
}
