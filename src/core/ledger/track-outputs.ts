// What track-status hands on to the jobs after it, from the release's state once it is recorded.
import { STAGES, type Stage } from "./events.js";
import type { ReleaseState } from "./release-state.js";

/**
 * The run each finished stage ran in, for the stages this run does not run: their artifacts are
 * downloaded from it. Stages this run runs hand nothing on.
 */
export function stageRunsHandedOn(
  state: ReleaseState,
  stagesToRun: readonly Stage[],
): Record<string, string> {
  return Object.fromEntries(
    STAGES.flatMap((s) => {
      const runId = state.stages[s].runId;
      return runId && !stagesToRun.includes(s) ? [[s, runId]] : [];
    }),
  );
}

/**
 * The downstreams whose PR or dispatch the ledger records: open-downstream-prs skips looking up the
 * release branch of the others, and never sends a dispatch downstream the release twice.
 */
export function downstreamsRecorded(state: ReleaseState): string[] {
  return state.downstream.filter((d) => d.pr || d.dispatched).map((d) => d.name);
}

/** A release is complete when its tracking issue is closed, and it was not yanked. */
export function releaseComplete(issueClosed: boolean, state: ReleaseState): boolean {
  return issueClosed && !state.yanked;
}
