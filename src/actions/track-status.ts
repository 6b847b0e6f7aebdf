import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import { type ClientFor, installationClients } from "../adapters/github/installation-clients.js";
import { LedgerStore } from "../adapters/ledger/ledger-store.js";
import { type IssueView, TrackingIssues } from "../adapters/ledger/tracking-issue.js";
import { readEventSender, readRunContext, runAttemptId } from "../adapters/run-context.js";
import { readQualifyLogs } from "../adapters/runs/qualify-logs.js";
import { readRunApprovals } from "../adapters/runs/run-approvals.js";
import { readEnvironmentReviewers, readRunJobs } from "../adapters/runs/run-jobs.js";
import { ledgerKey } from "../core/config/environment.js";
import type { Config } from "../core/config/schema.js";
import {
  type DashboardContext,
  dashboardContext,
  downstreamExpectations,
} from "../core/dashboard/context.js";
import { renderTemplate } from "../core/downstream/template.js";
import { ReleaseRelayError } from "../core/errors.js";
import { approvalEvents, type RunApprovals } from "../core/ledger/approvals.js";
import { STAGES, type Stage } from "../core/ledger/events.js";
import { deriveState, type ReleaseState, stagesToRerun } from "../core/ledger/release-state.js";
import type { RunDecision } from "../core/ledger/stage-claims.js";
import {
  artifactEvents,
  pullRequestEvents,
  stageEventsFromJobResults,
} from "../core/ledger/stage-output-events.js";
import { progressToRecord, type RunJob, stageEndTimes } from "../core/ledger/stage-progress.js";
import { targetArtifacts, versionPlaceholders } from "../core/request/plan.js";
import { type QualifyLog, qualificationEvents, qualifyFailureDetail } from "../core/request/qualification.js";
import { parseVersion } from "../core/request/version.js";
import { claimStages, type RunLookup } from "../steps/claim-stages.js";
import { syncTrackingIssue } from "../steps/tracking-issue-sync.js";
import { reportEvents } from "../steps/verify-report.js";
import { verifyStageRuns, workflowPathOf } from "../steps/verify-stage-runs.js";
import { sweepOpenReleases } from "./review-sweep.js";
import {
  eventsFromSettings,
  INPUTS,
  inputsSchema,
  type RunInfo,
  type TrackStatusSettings,
} from "./track-status-settings.js";

export type { RunInfo, TrackStatusSettings };

/** What track-status did. */
export interface TrackResult {
  issue: IssueView;
  state: ReleaseState;
  head: string;
  appended: boolean;
  /** For a rerun: the stages it must run; otherwise the stages not done yet. */
  stagesToRun: ReturnType<typeof stagesToRerun>;
  /** Stages another run of the release holds (this run then runs none). */
  held: RunDecision["held"];
  /** The commit the ledger's request is for (a rerun's own commit is build-matrix's to verify). */
  requestSha: string | undefined;
}

/**
 * Records one event in the ledger, makes sure exactly one tracking issue exists, posts the comments
 * people are owed (each once), and renders the issue from the ledger until the body shows its head.
 */
export async function runTrackStatus(
  settings: TrackStatusSettings & {
    hashes?: string | undefined;
    qualifyLogs?: QualifyLog[] | undefined;
    approvals?: RunApprovals | undefined;
    /** The run's jobs as GitHub lists them (progress-of-run). */
    runJobs?: RunJob[] | undefined;
    /** The stages whose job waits next on an environment, and its required reviewers. */
    awaiting?: { environment: string; stages: Stage[]; reviewers: string[] | undefined } | undefined;
  },
  config: Config,
  deps: {
    github: GitHubClient;
    run: RunInfo;
    now: () => Date;
    sleep?: ((ms: number) => Promise<void>) | undefined;
    /** Each downstream repo's client, by its owner's installation token (default: github for all). */
    clientFor?: ClientFor | undefined;
    /** Where the runs that claimed stages are looked up (default: the ledger's repo, with `github`). */
    runLookup?: RunLookup | undefined;
  },
): Promise<TrackResult> {
  const version = parseVersion(settings.version);
  const store = new LedgerStore(
    deps.github,
    config.tracking.repo,
    ledgerKey(config, version.version),
    deps.sleep ? { sleep: deps.sleep } : {},
  );
  const issues = new TrackingIssues(deps.github, config.tracking.repo);
  const now = () => deps.now().toISOString();
  const expected = downstreamExpectations(config);
  const title = renderTemplate(config.tracking.title, versionPlaceholders(config, version), "tracking.title");
  const ctx = (head: string): DashboardContext =>
    dashboardContext(config, version.version, head, deps.run.serverUrl);

  // A report is a hint: what is recorded is what GitHub confirms, and a report it contradicts (or
  // from a sender the config does not allow) is recorded as refused, changing nothing else.
  const report =
    settings.report !== undefined
      ? await reportEvents(
          settings.report,
          config,
          version.version,
          store,
          { ...deps, appLogin: settings.appSlug ? `${settings.appSlug}[bot]` : undefined },
          now(),
        )
      : undefined;
  let events = report ? report.events : eventsFromSettings(settings, config, deps.run, now());
  let rerun: ReturnType<typeof stagesToRerun> | undefined;
  let held: RunDecision["held"] = [];
  if (settings.rerun !== undefined) {
    // What a rerun redoes is decided from the ledger as it stands, and recorded with the request.
    const ledgerState = deriveState((await store.read()).events);
    const yanked = ledgerState.yanked;
    if (yanked)
      throw new ReleaseRelayError(
        "E_YANKED",
        `${version.version} was yanked by ${yanked.by} (${yanked.at}); a yanked release is not rerun`,
        "release a new version with the fix instead",
      );
    // What this run runs is decided and claimed in one ledger write: a second run of the release at
    // the same time (a tag push and its GitHub Release) finds the stages taken and runs none of them.
    const decision = await claimStages(
      store,
      ledgerState,
      settings.rerun,
      {
        runId: deps.run.runId,
        workflowRunId: deps.run.workflowRunId ?? deps.run.runId,
        actor: deps.run.actor ?? "unknown",
        runUrl: deps.run.runUrl,
      },
      deps.runLookup ?? { github: deps.github, repo: config.tracking.repo, workflowPath: undefined },
      now(),
      targetArtifacts(config, version).map((t) => t.target),
    );
    rerun = decision.stages;
    held = decision.held;
    events = [];
  }
  const qualification = settings.qualifyLogs
    ? qualificationEvents(
        settings.qualifyLogs,
        targetArtifacts(config, version).map((t) => t.target),
        deps.run,
        now(),
      )
    : [];
  const qualifyDetail = qualifyFailureDetail(qualification);
  // Everything this step records goes into one ledger commit (all validated before the first write).
  const batch = [
    ...events,
    ...(settings.jobResults
      ? stageEventsFromJobResults(
          settings.jobResults,
          deps.run,
          now(),
          qualifyDetail ? { qualify: qualifyDetail } : {},
          settings.runJobs ? stageEndTimes(settings.runJobs) : {},
        )
      : []),
    ...qualification,
    ...(settings.approvals && settings.approvalsOfRun
      ? approvalEvents(settings.approvals, settings.approvalsOfRun, now())
      : []),
    ...(settings.prs ? pullRequestEvents(settings.prs, config, deps.run.runId, now()) : []),
    ...(settings.hashes !== undefined ? artifactEvents(settings.hashes, now()) : []),
  ];
  // Decided on the ledger as it stands, in the same compare-and-swap as the write.
  const progress = {
    runJobs: settings.runJobs,
    batch,
    starting: settings.starting,
    awaiting: settings.awaiting,
  };
  const appended =
    batch.length > 0 || settings.runJobs || settings.starting || settings.awaiting
      ? (
          await store.appendDecided((current) =>
            progressToRecord(current, { ...progress, run: deps.run, at: now() }),
          )
        ).appended
      : false;

  const { issue, state, snapshot } = await syncTrackingIssue(store, issues, {
    config,
    version: version.version,
    title,
    expected,
    appSlug: settings.appSlug,
    ctx,
    now,
  });
  // A refused report fails the step once the refusal is on the tracking issue.
  if (report?.refusal) throw report.refusal;
  return {
    issue,
    state,
    head: snapshot.head,
    appended,
    stagesToRun: rerun ?? stagesToRerun(state, "failed"),
    held,
    requestSha: state.request?.commit,
  };
}

/** Entry point of actions/track-status. */
export async function main(): Promise<void> {
  const settings = readInputs(inputsSchema, INPUTS);
  for (const token of settings.tokens) if (token) core.setSecret(token);
  if (settings.runToken) core.setSecret(settings.runToken);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const github = createGitHubClient({ token: settings.token, baseUrl: context.apiUrl });
  const runId = runAttemptId();
  // The file is read here, at the edge; its content is validated with the other inputs' events.
  const hashes = settings.hashesFile ? await readFile(settings.hashesFile, "utf8") : undefined;
  const qualifyLogs = settings.qualifyLogsDir ? await readQualifyLogs(settings.qualifyLogsDir) : undefined;
  // The runs of this repo (the workflow runs in the repo it records): who approved this run's
  // deployment, and whether a run that claimed a stage still runs.
  const runs = settings.runToken
    ? createGitHubClient({ token: settings.runToken, baseUrl: context.apiUrl })
    : github;
  const approvals = settings.approvalsOfRun
    ? await readRunApprovals(runs, context.repository, settings.approvalsOfRun)
    : undefined;
  // The run as GitHub sees it: when each stage's jobs started and ended, and whom the next job waits for.
  const runJobs = settings.progressOfRun
    ? await readRunJobs(runs, context.repository, settings.progressOfRun)
    : undefined;
  const awaiting =
    settings.awaitingApproval && settings.awaitingStages
      ? {
          environment: settings.awaitingApproval,
          stages: settings.awaitingStages,
          reviewers: await readEnvironmentReviewers(runs, context.repository, settings.awaitingApproval),
        }
      : undefined;
  const deps = {
    github,
    // The workflow run id is what a rerun downloads this stage's artifacts from.
    run: {
      runId,
      runUrl: context.runUrl,
      workflowRunId: process.env.GITHUB_RUN_ID,
      actor: context.actor,
      serverUrl: context.serverUrl,
      sender: readEventSender(),
    },
    now: () => new Date(),
    clientFor: installationClients(config, settings.tokens, (token) =>
      createGitHubClient({ token, baseUrl: context.apiUrl }),
    ),
    runLookup: {
      github: runs,
      repo: context.repository,
      workflowPath: workflowPathOf(process.env.GITHUB_WORKFLOW_REF, context.repository),
    },
  };
  if (settings.sweep) {
    const swept = await sweepOpenReleases(config, { ...settings, sweep: undefined }, deps, runTrackStatus);
    core.info(`Open releases looked at: ${swept.map((s) => s.version).join(", ") || "none"}`);
    return;
  }
  const result = await runTrackStatus(
    { ...settings, hashes, qualifyLogs, approvals, runJobs, awaiting },
    config,
    deps,
  );
  core.setOutput("issue-number", String(result.issue.number));
  core.setOutput("issue-url", result.issue.url);
  core.setOutput("ledger-head", result.head);
  core.setOutput("complete", String(result.issue.state === "closed" && !result.state.yanked));
  for (const { stage, runId } of result.held)
    core.warning(`${stage} is being run by run ${runId} of this release: this run runs nothing`);
  core.setOutput("stages-to-run", JSON.stringify(result.stagesToRun));
  core.setOutput("request-sha", result.requestSha ?? "");
  core.setOutput("request-at", result.state.request?.requestedAt ?? "");
  // open-downstream-prs skips looking up the release branch of a downstream with no PR recorded, and
  // never sends a dispatch downstream the release twice.
  core.setOutput(
    "recorded-prs",
    JSON.stringify(result.state.downstream.filter((d) => d.pr || d.dispatched).map((d) => d.name)),
  );
  const stageRuns = Object.fromEntries(
    STAGES.flatMap((s) => {
      const runId = result.state.stages[s].runId;
      // Only stages a rerun skips hand their run on: their artifacts are downloaded from it.
      return runId && !result.stagesToRun.includes(s) ? [[s, runId]] : [];
    }),
  );
  if (settings.rerun !== undefined)
    await verifyStageRuns(
      github,
      context.repository,
      workflowPathOf(process.env.GITHUB_WORKFLOW_REF, context.repository),
      stageRuns,
    );
  core.setOutput("stage-runs", JSON.stringify(stageRuns));
  await core.summary.addRaw(result.issue.body).write();
}
