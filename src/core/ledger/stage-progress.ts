// A release as it happens: each stage's start and end are read from what GitHub says of the run's
// jobs (their own timestamps, not the time a step got round to writing), and a stage whose job waits
// for a deployment environment says who it waits for.
import type { LedgerEvent } from "./events.js";
import { deriveState, type ReleaseState } from "./release-state.js";
import { claimedBy } from "./stage-claims.js";
import { type RecordingRun, stageEvent } from "./stage-output-events.js";
import { STAGE_JOBS, STAGES, type Stage } from "./stages.js";

/** A job of the run, as the Actions API lists it. */
export interface RunJob {
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

const legsOf = (jobs: readonly RunJob[], job: string) =>
  jobs.filter((j) => (j.name === job || j.name.startsWith(`${job} (`)) && j.conclusion !== "skipped");

/**
 * The stage events GitHub's view of the run supports: a stage started when its first leg started, and
 * succeeded when its last leg completed, every leg successfully. A stage that did not succeed is left
 * to the job results, which carry its cause (the failing target's log, a rate limit); they take its
 * end from `stageEndTimes`. A stage none of whose jobs ran records nothing. Ids are the ones the job
 * results use, so each fact is recorded once.
 */
export function progressEvents(jobs: readonly RunJob[], run: RecordingRun): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  const ends = stageEndTimes(jobs);
  for (const [stage, job] of Object.entries(STAGE_JOBS) as [Stage, string][]) {
    const legs = legsOf(jobs, job);
    const starts = legs.flatMap((l) => (l.startedAt && l.status !== "waiting" ? [l.startedAt] : []));
    if (starts.length === 0) continue;
    events.push(stageEvent(stage, "started", run, starts.sort()[0] as string));
    const ended = ends[stage];
    if (ended && legs.every((l) => l.conclusion === "success"))
      events.push(stageEvent(stage, "succeeded", run, ended));
  }
  return events;
}

/** When each stage's jobs all completed, as GitHub says (the last leg's completion). */
export function stageEndTimes(jobs: readonly RunJob[]): Partial<Record<Stage, string>> {
  const ends: Partial<Record<Stage, string>> = {};
  for (const [stage, job] of Object.entries(STAGE_JOBS) as [Stage, string][]) {
    const legs = legsOf(jobs, job);
    if (legs.length > 0 && legs.every((l) => l.status === "completed" && l.completedAt))
      ends[stage] = legs
        .map((l) => l.completedAt as string)
        .sort()
        .at(-1) as string;
  }
  return ends;
}

/**
 * "Waiting for approval" for the stages whose job waits on `environment`: only stages this run
 * claimed, not yet under way, after every earlier stage succeeded (a failed build waits for nobody).
 * Nothing when the environment has no required reviewers; `reviewers` undefined: not known.
 */
export function awaitingApprovalEvents(
  state: ReleaseState,
  stages: readonly Stage[],
  environment: string,
  reviewers: readonly string[] | undefined,
  run: RecordingRun & { workflowRunId?: string | undefined },
  at: string,
): LedgerEvent[] {
  if (reviewers !== undefined && reviewers.length === 0) return [];
  const first = Math.min(...stages.map((s) => STAGES.indexOf(s)));
  const ready = STAGES.slice(0, first).every(
    (s) => state.stages[s].status === "succeeded" || state.stages[s].status === "skipped",
  );
  if (!ready) return [];
  const who = reviewers ? reviewers.map((r) => `@${r}`).join(", ") : `the reviewers of ${environment}`;
  return stages
    .filter(
      (s) =>
        claimedBy(state, s, run.workflowRunId ?? run.runId) &&
        ["pending", "failed"].includes(state.stages[s].status),
    )
    .map((s) =>
      stageEvent(s, "waiting", run, at, `waiting for approval by ${who} (environment ${environment})`),
    );
}

/**
 * The stages whose jobs start next, started now: the issue shows them under way while they run
 * (their jobs hold no token to say so themselves). Only stages this run claimed and has not started.
 */
export function startingEvents(
  state: ReleaseState,
  stages: readonly Stage[],
  run: RecordingRun & { workflowRunId?: string | undefined },
  at: string,
): LedgerEvent[] {
  return stages
    .filter(
      (s) =>
        claimedBy(state, s, run.workflowRunId ?? run.runId) &&
        ["pending", "failed", "waiting"].includes(state.stages[s].status),
    )
    .map((s) => stageEvent(s, "started", run, at));
}

/** What a track-status step records, decided on the ledger as it stands (`current`). */
export interface ProgressInput {
  /** The run's jobs as GitHub lists them (progress-of-run). */
  runJobs?: readonly RunJob[] | undefined;
  /** The step's other events (job results, reports, hashes...), recorded as they are. */
  batch: readonly LedgerEvent[];
  starting?: readonly Stage[] | undefined;
  awaiting?:
    | { environment: string; stages: readonly Stage[]; reviewers: readonly string[] | undefined }
    | undefined;
  run: RecordingRun & { workflowRunId?: string | undefined };
  at: string;
}

/**
 * The events to append: GitHub's times for the stages this run claimed (first, so they win over a
 * later step's moment; a run that holds nothing says nothing of the stages), the batch, the stages
 * starting now, and whom the next job waits for, each decided with what comes before it.
 */
export function progressToRecord(current: readonly LedgerEvent[], input: ProgressInput): LedgerEvent[] {
  const own = input.run.workflowRunId ?? input.run.runId;
  const before = deriveState(current);
  const progress = (input.runJobs ? progressEvents(input.runJobs, input.run) : []).filter(
    (e) => e.type === "stage" && claimedBy(before, e.stage, own),
  );
  const recorded = [...progress, ...input.batch];
  const after = () => deriveState([...current, ...recorded]);
  if (input.starting) recorded.push(...startingEvents(after(), input.starting, input.run, input.at));
  if (input.awaiting)
    recorded.push(
      ...awaitingApprovalEvents(
        after(),
        input.awaiting.stages,
        input.awaiting.environment,
        input.awaiting.reviewers,
        input.run,
        input.at,
      ),
    );
  return recorded;
}
