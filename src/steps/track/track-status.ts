// What the track-status action does: reads what its inputs point at (hashes.json, qualify logs, the
// run's approvals and jobs as GitHub lists them), tracks the release (or sweeps every open one), and
// for a rerun checks the runs whose artifacts it takes.
import { readFile } from "node:fs/promises";
import { createGitHubClient } from "../../adapters/github/client.js";
import { installationClients } from "../../adapters/github/installation-clients.js";
import { type RunContext, readEventSender, runAttemptId } from "../../adapters/run-context.js";
import { readQualifyLogs } from "../../adapters/runs/qualify-logs.js";
import { readRunApprovals } from "../../adapters/runs/run-approvals.js";
import { readEnvironmentReviewers, readRunJobs } from "../../adapters/runs/run-jobs.js";
import type { Config } from "../../core/config/schema.js";
import { stageRunsHandedOn } from "../../core/ledger/track-outputs.js";
import type { RunLookup } from "./claim-stages.js";
import { sweepOpenReleases } from "./review-sweep.js";
import { type TrackDeps, type TrackResult, trackRelease } from "./track.js";
import type { TrackStatusSettings } from "./track-inputs.js";
import { verifyStageRuns, workflowPathOf } from "./verify-stage-runs.js";

/** The track stage's clients; `runLookup` reads the runs of the repo the ledger is in. */
export interface TrackStatusDeps extends TrackDeps {
  runLookup: RunLookup;
}

/** What the track stage did: the releases a sweep looked at, or one release tracked. */
export type TrackStatusOutcome =
  | { swept: string[] }
  | {
      tracked: TrackResult;
      /** The run each stage this run does not run ran in: its artifacts are taken from there. */
      stageRuns: Record<string, string>;
    };

export async function trackStatus(
  settings: TrackStatusSettings,
  config: Config,
  deps: TrackStatusDeps,
): Promise<TrackStatusOutcome> {
  const { github: runs, repo } = deps.runLookup;
  // The file is read here; its content is validated with the other inputs' events.
  const hashes = settings.hashesFile ? await readFile(settings.hashesFile, "utf8") : undefined;
  const qualifyLogs = settings.qualifyLogsDir ? await readQualifyLogs(settings.qualifyLogsDir) : undefined;
  // Who approved this run's deployment, as GitHub says.
  const approvals = settings.approvalsOfRun
    ? await readRunApprovals(runs, repo, settings.approvalsOfRun)
    : undefined;
  // The run as GitHub sees it: when each stage's jobs started and ended, and whom the next job waits for.
  const runJobs = settings.progressOfRun ? await readRunJobs(runs, repo, settings.progressOfRun) : undefined;
  const awaiting =
    settings.awaitingApproval && settings.awaitingStages
      ? {
          environment: settings.awaitingApproval,
          stages: settings.awaitingStages,
          reviewers: await readEnvironmentReviewers(runs, repo, settings.awaitingApproval),
        }
      : undefined;
  const { sweep, ...base } = settings;
  if (sweep) {
    const swept = await sweepOpenReleases(config, base, deps);
    return { swept: swept.map((s) => s.version) };
  }
  const tracked = await trackRelease(
    { ...settings, hashes, qualifyLogs, approvals, runJobs, awaiting },
    config,
    deps,
  );
  const stageRuns = stageRunsHandedOn(tracked.state, tracked.stagesToRun);
  if (settings.rerun !== undefined)
    await verifyStageRuns(deps.github, repo, deps.runLookup.workflowPath, stageRuns);
  return { tracked, stageRuns };
}

/** The clients and run of a track-status step, from its settings and the runner's environment. */
export function trackStatusDeps(
  settings: Pick<TrackStatusSettings, "token" | "tokens" | "runToken" | "releaseToken" | "releaseFiles">,
  config: Config,
  context: RunContext,
  env: NodeJS.ProcessEnv,
): TrackStatusDeps {
  const make = (token: string) => createGitHubClient({ token, baseUrl: context.apiUrl });
  const github = make(settings.token);
  return {
    github,
    run: {
      runId: runAttemptId(env),
      runUrl: context.runUrl,
      // The workflow run id is what a rerun downloads this stage's artifacts from.
      workflowRunId: env.GITHUB_RUN_ID,
      actor: context.actor,
      serverUrl: context.serverUrl,
      sender: readEventSender(env),
    },
    now: () => new Date(),
    clientFor: installationClients(config, settings.tokens, make),
    // The GitHub Release of the tag is kept (github-release:) only by steps given a token for it.
    githubRelease: settings.releaseToken
      ? { github: make(settings.releaseToken), filesDir: settings.releaseFiles }
      : undefined,
    // The runs of this repo (the workflow runs in the repo it records) are read with run-token when
    // given: whether a run that claimed a stage still runs, who approved, which job waits.
    runLookup: {
      github: settings.runToken ? make(settings.runToken) : github,
      repo: context.repository,
      workflowPath: workflowPathOf(env.GITHUB_WORKFLOW_REF, context.repository),
    },
  };
}
