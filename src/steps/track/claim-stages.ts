// A run takes the stages it will run by claiming them in the ledger. A claim is a ledger entry, so it
// is believed only while GitHub says its run is this release workflow's and still in progress: the
// claim of a run that crashed, or one that names another workflow's run, holds nothing.
import type { GitHubClient } from "../../adapters/github/client.js";
import { readWorkflowRun } from "../../adapters/runs/reported-facts.js";
import { readRunArtifacts } from "../../adapters/runs/run-jobs.js";
import {
  artifactRunsNeeded,
  type RunArtifact,
  stagesToRemake,
} from "../../core/ledger/artifact-retention.js";
import type { LedgerEvent, Stage } from "../../core/ledger/events.js";
import { deriveState, type ReleaseState, stagesToRerun } from "../../core/ledger/release-state.js";
import { claimants, decideRun, type RunDecision } from "../../core/ledger/stage-claims.js";

export interface ClaimingRun {
  runId: string;
  workflowRunId: string;
  actor: string;
  runUrl?: string | undefined;
}

/** Where claimants' runs are looked up: the automation repo, with a token that may read its runs. */
export interface RunLookup {
  github: GitHubClient;
  repo: string;
  /** The release workflow's path (from GITHUB_WORKFLOW_REF); a claimant running another workflow holds nothing. */
  workflowPath: string | undefined;
}

/**
 * Looks up what a claim depends on outside the ledger (whether the runs that claimed stages still
 * run, which artifacts of earlier runs are still kept) and returns the claim, to be decided on the
 * ledger as it stands in the compare-and-swap that records it.
 */
export async function prepareClaim(
  before: ReleaseState,
  request: "failed" | "all" | readonly Stage[],
  run: ClaimingRun,
  lookup: RunLookup,
  at: string,
  /** The build's targets (each leaves build-<target>-<commit>). */
  targets: readonly string[],
): Promise<(events: readonly LedgerEvent[]) => RunDecision> {
  const checked = claimants(before, run.workflowRunId);
  const live = new Set<string>();
  for (const id of checked) {
    // Only a run id written as GitHub writes it names a run: "031" or a 20-digit number rounded by
    // Number() would otherwise stand for another run (even the deciding one).
    const reported = /^[1-9]\d{0,15}$/.test(id)
      ? await readWorkflowRun(lookup.github, lookup.repo, Number(id))
      : undefined;
    if (
      reported &&
      String(reported.id) === id &&
      reported.repo.toLowerCase() === lookup.repo.toLowerCase() &&
      reported.status !== "completed" &&
      (!lookup.workflowPath || reported.path === lookup.workflowPath)
    )
      live.add(id);
  }
  // Artifacts this rerun would take from earlier runs: those gone are made again.
  const needs = artifactRunsNeeded(before, stagesToRerun(before, request));
  const listed: Record<string, RunArtifact[]> = {};
  for (const id of new Set(Object.values(needs)))
    listed[id] = await readRunArtifacts(lookup.github, lookup.repo, id);
  return (events) => {
    const state = deriveState(events);
    const remake = stagesToRemake(state, stagesToRerun(state, request), listed, {
      targets,
      commit: state.request?.commit,
    });
    return decideRun(state, request, run, { live, checked: new Set(checked) }, at, remake);
  };
}
