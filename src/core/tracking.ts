import { STAGES } from "./ledger.js";
import { type DownstreamExpectation, isComplete, type ReleaseState } from "./release-state.js";

/** A comment for people, posted at most once (its key is recorded in the ledger first). */
export interface DueComment {
  key: string;
  purpose: "first-failure" | "rerun" | "complete";
  body: string;
}

/**
 * The comments a release owes its tracking issue: the first failure (mentioning the team), each
 * rerun, completion. Nothing else: the body is the dashboard, comments are for people.
 */
export function commentsDue(
  state: ReleaseState,
  expected: readonly DownstreamExpectation[],
  notify: readonly string[],
  version: string,
): DueComment[] {
  const due: DueComment[] = [];
  const [first] = state.failures;
  if (first && !state.comments.has("first-failure")) {
    const who = notify.length ? `${notify.join(" ")} ` : "";
    due.push({
      key: "first-failure",
      purpose: "first-failure",
      body: `${who}release ${version} needs attention: **${first.what}** — ${first.detail.slice(0, 500)}${first.runUrl ? ` ([log](${first.runUrl}))` : ""}. The dashboard above says what to do next.`,
    });
  }
  for (const r of state.reruns) {
    const key = `rerun:${r.at}`;
    if (!state.comments.has(key)) {
      due.push({
        key,
        purpose: "rerun",
        body: `Rerun requested by ${r.by}: ${r.stages.length ? r.stages.join(", ") : "nothing left to redo"}.`,
      });
    }
  }
  if (isComplete(state, expected) && !state.comments.has("complete")) {
    due.push({
      key: "complete",
      purpose: "complete",
      body: `Release ${version} is complete: every stage and every downstream repo is done.`,
    });
  }
  return due;
}

/** Closed when the release is complete (or rolled back), open otherwise — so a rerun reopens it. */
export function wantedIssueState(
  state: ReleaseState,
  expected: readonly DownstreamExpectation[],
): "open" | "closed" {
  if (state.rollback) return "closed";
  const lastRerun = state.reruns.at(-1)?.at;
  const rerunPending = lastRerun !== undefined && STAGES.some((s) => state.stages[s].status === "running");
  return isComplete(state, expected) && !rerunPending ? "closed" : "open";
}
