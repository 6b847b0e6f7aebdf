// Which stages a run may take: two runs of one release (a tag push and its GitHub Release, a re-run
// trigger, a rerun by hand) must not build, sign or publish the same stage at once.
import type { LedgerEvent } from "./events.js";
import { type ReleaseState, stagesToRerun } from "./release-state.js";
import { STAGES, type Stage } from "./stages.js";

/** The runs (other than `ownRun`) whose claims stand in the ledger: GitHub is asked whether they still run. */
export function claimants(state: ReleaseState, ownRun: string): string[] {
  return [...new Set(Object.values(state.claims).flat())].filter((r) => r !== ownRun);
}

/** What GitHub said of the claimants looked up before deciding. */
export interface ClaimantRuns {
  /** Claimants GitHub reports as this release workflow's runs still in progress. */
  live: ReadonlySet<string>;
  /** Every claimant looked up; one that claimed after the lookup is taken to be running. */
  checked: ReadonlySet<string>;
}

export interface RunDecision {
  /** The stages this run runs: none while another live run holds any stage it would run. */
  stages: Stage[];
  /** Stages another live run holds, with that run. */
  held: { stage: Stage; runId: string }[];
  /** What to record, in the same compare-and-swap the decision was made on. */
  events: LedgerEvent[];
}

/**
 * Decides, on the ledger as it stands, what this run runs, and claims it: what was asked, and what
 * must be made again (`remake`: the artifacts it would reuse are gone). A rerun's request is recorded
 * as well, with why stages were added (not on a release's first run, nor when nothing is to redo).
 */
export function decideRun(
  state: ReleaseState,
  request: "failed" | "all" | readonly Stage[],
  run: { runId: string; workflowRunId: string; actor: string; runUrl?: string | undefined },
  runs: ClaimantRuns,
  at: string,
  remake: { stages: readonly Stage[]; reasons: readonly string[] } = { stages: [], reasons: [] },
): RunDecision {
  const asked = stagesToRerun(state, request);
  const wanted = STAGES.filter((s) => asked.includes(s) || remake.stages.includes(s));
  const held = wanted.flatMap((stage) => {
    const holder = (state.claims[stage] ?? []).find(
      (r) => r !== run.workflowRunId && (runs.live.has(r) || !runs.checked.has(r)),
    );
    return holder ? [{ stage, runId: holder }] : [];
  });
  // Stages feed each other: a run that cannot take one of them takes none.
  const stages = held.length > 0 ? [] : wanted;
  const link = run.runUrl ? { runUrl: run.runUrl } : {};
  const events: LedgerEvent[] = [];
  if (stages.length > 0 && state.eventCount > 0)
    events.push({
      id: `rerun:${run.runId}`,
      at,
      type: "rerun-requested",
      stages,
      by: run.actor,
      ...(remake.reasons.length ? { detail: `${remake.reasons.join("; ")}.`.slice(0, 1000) } : {}),
      ...link,
    });
  if (stages.length > 0)
    events.push({ id: `claim:${run.runId}`, at, type: "claim", stages, runId: run.workflowRunId, ...link });
  return { stages, held, events };
}

/** Whether `run` claimed `stage` and has not finished it since. */
export function claimedBy(state: ReleaseState, stage: Stage, run: string): boolean {
  return state.claims[stage]?.includes(run) ?? false;
}
