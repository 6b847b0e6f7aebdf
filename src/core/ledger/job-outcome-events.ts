// A job's outcome, recorded in one ledger commit: its stages' results (with when GitHub says they
// ended, and why qualify failed), the qualify logs, who approved the deployment, the downstream PRs
// and the published hashes. Every part is validated before anything is written.
import type { Config } from "../config/schema.js";
import { targetArtifacts } from "../request/plan.js";
import { type QualifyLog, qualificationEvents, qualifyFailureDetail } from "../request/qualification.js";
import type { Version } from "../request/version.js";
import { approvalEvents, type RunApprovals } from "./approvals.js";
import type { LedgerEvent } from "./events.js";
import {
  artifactEvents,
  pullRequestEvents,
  type RecordingRun,
  stageEventsFromJobResults,
} from "./stage-output-events.js";
import { type RunJob, stageEndTimes } from "./stage-progress.js";

export interface JobOutcome {
  /** The `{stage: result}` JSON of the jobs that ran the stages. */
  jobResults?: string | undefined;
  /** The failed targets' qualify logs. */
  qualifyLogs?: QualifyLog[] | undefined;
  /** The run's jobs as GitHub lists them: when each stage ended. */
  runJobs?: RunJob[] | undefined;
  /** Who approved the deployments of the run `approvalsOfRun`. */
  approvals?: RunApprovals | undefined;
  approvalsOfRun?: string | undefined;
  /** open-downstream-prs' `prs` output. */
  prs?: string | undefined;
  /** hashes.json's text. */
  hashes?: string | undefined;
}

export function jobOutcomeEvents(
  outcome: JobOutcome,
  config: Config,
  version: Version,
  run: RecordingRun,
  at: string,
): LedgerEvent[] {
  const qualification = outcome.qualifyLogs
    ? qualificationEvents(
        outcome.qualifyLogs,
        targetArtifacts(config, version).map((t) => t.target),
        run,
        at,
      )
    : [];
  const qualifyDetail = qualifyFailureDetail(qualification);
  return [
    ...(outcome.jobResults
      ? stageEventsFromJobResults(
          outcome.jobResults,
          run,
          at,
          qualifyDetail ? { qualify: qualifyDetail } : {},
          outcome.runJobs ? stageEndTimes(outcome.runJobs) : {},
        )
      : []),
    ...qualification,
    ...(outcome.approvals && outcome.approvalsOfRun
      ? approvalEvents(outcome.approvals, outcome.approvalsOfRun, at)
      : []),
    ...(outcome.prs ? pullRequestEvents(outcome.prs, config, run.runId, at) : []),
    ...(outcome.hashes !== undefined ? artifactEvents(outcome.hashes, at) : []),
  ];
}
