// What one track-status step writes to the ledger, decided on the ledger as it stands: a run's claim,
// GitHub's times of the run's jobs, the step's own events, the tracking issue it opened and the
// comments that fall due with them. All of it is one commit: a step costs one ledger write however
// much it records, and GitHub's limit on content-creating requests is spent per stage transition,
// never per event.
import type { DownstreamExpectation } from "./completion.js";
import type { LedgerEvent } from "./events.js";
import { deriveState } from "./release-state.js";
import type { RunDecision } from "./stage-claims.js";
import { type ProgressInput, progressToRecord } from "./stage-progress.js";
import { commentsDue, type DueComment, type ReviewPing, reviewPingsDue } from "./tracking.js";

/** Whom and what the tracking issue's comments are about. */
export interface CommentRules {
  expected: readonly DownstreamExpectation[];
  notify: readonly string[];
  reviewPing: ReviewPing | undefined;
  version: string;
}

export interface StepRecordInput {
  progress: ProgressInput;
  /** A run's claim (its rerun request), decided on the same ledger as everything else. */
  claim?: ((events: readonly LedgerEvent[]) => RunDecision) | undefined;
  /** The claiming job's own stage outcome: recorded only for a stage the claim takes. */
  claimedOutcome?: readonly LedgerEvent[] | undefined;
  /** The tracking issue this step opened: recorded unless the ledger already names one. */
  trackingIssue?: LedgerEvent | undefined;
  comments: CommentRules;
  at: string;
}

/** The events to append, the claim decided with them, and the comments whose claims are among them. */
export interface StepRecord {
  events: LedgerEvent[];
  decision: RunDecision | undefined;
  comments: DueComment[];
}

/** The claim that a comment is posted: recorded before it is posted, so only one writer posts it. */
export function commentClaim(due: DueComment, at: string): LedgerEvent {
  return { id: `comment:${due.key}`, at, type: "comment-posted", purpose: due.purpose, key: due.key };
}

/** The comments the release owes its tracking issue once `events` are recorded (none before it has one). */
export function dueComments(events: readonly LedgerEvent[], rules: CommentRules, at: string): DueComment[] {
  const state = deriveState(events);
  if (!state.trackingIssue) return [];
  return [
    ...commentsDue(state, rules.expected, rules.notify, rules.version),
    ...reviewPingsDue(state, rules.expected, at, rules.reviewPing, rules.version),
  ];
}

export function stepRecord(current: readonly LedgerEvent[], input: StepRecordInput): StepRecord {
  const decision = input.claim?.(current);
  const claims = decision?.events ?? [];
  const outcome = (input.claimedOutcome ?? []).filter(
    (e) => e.type !== "stage" || (decision?.stages.includes(e.stage) ?? false),
  );
  const recorded = [
    ...claims,
    ...progressToRecord([...current, ...claims], {
      ...input.progress,
      batch: [...input.progress.batch, ...outcome],
    }),
  ];
  if (input.trackingIssue && !deriveState([...current, ...recorded]).trackingIssue)
    recorded.push(input.trackingIssue);
  const comments = dueComments([...current, ...recorded], input.comments, input.at);
  return { events: [...recorded, ...comments.map((d) => commentClaim(d, input.at))], decision, comments };
}
