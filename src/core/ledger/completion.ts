// When a release is complete: every stage done, and every downstream as far as its config asks.
import type { DownstreamState, ReleaseState } from "./release-state.js";
import { STAGES } from "./stages.js";

/** What finishing a release needs from each downstream, from the config. */
export interface DownstreamExpectation {
  name: string;
  mode: "pr" | "push" | "dry-run" | "off";
  reports: readonly ("ci" | "merge" | "image-build")[];
  /** Sent the release by repository_dispatch instead of a PR: only its image-build report is awaited. */
  dispatch?: boolean;
}

/** Whether one downstream is done: merged (when tracked), image built (when reported), or not expected at all. */
export function downstreamDone(d: DownstreamState | undefined, expect: DownstreamExpectation): boolean {
  if (expect.mode === "off" || expect.mode === "dry-run") return true;
  if (!d || d.error) return false;
  if (d.skipped) return true;
  if (expect.dispatch)
    return (
      d.dispatched !== undefined &&
      (!expect.reports.includes("image-build") || d.image?.status === "succeeded")
    );
  if (expect.mode === "pr" && expect.reports.includes("merge") && !d.merged) return false;
  if (expect.mode === "pr" && !expect.reports.includes("merge") && !d.pr) return false;
  if (expect.reports.includes("image-build") && d.image?.status !== "succeeded") return false;
  return true;
}

/** Complete: every stage succeeded or was skipped and every downstream is done. */
export function isComplete(state: ReleaseState, expected: readonly DownstreamExpectation[]): boolean {
  return (
    STAGES.every((s) => state.stages[s].status === "succeeded" || state.stages[s].status === "skipped") &&
    expected.every((x) =>
      downstreamDone(
        state.downstream.find((d) => d.name === x.name),
        x,
      ),
    )
  );
}

/**
 * Only people's merges are left: every stage done, and every downstream done or holding an open
 * release PR whose CI passed (what comes after its merge, the merge report and an image built from
 * the merged branch, is not awaited yet).
 */
export function waitingForMerges(state: ReleaseState, expected: readonly DownstreamExpectation[]): boolean {
  return (
    STAGES.every((s) => state.stages[s].status === "succeeded" || state.stages[s].status === "skipped") &&
    expected.every((x) => {
      const d = state.downstream.find((s) => s.name === x.name);
      if (downstreamDone(d, x)) return true;
      return (
        d !== undefined &&
        x.mode === "pr" &&
        !x.dispatch &&
        d.pr !== undefined &&
        !d.closed &&
        !d.error &&
        d.ci === "success" &&
        d.image?.status !== "failed"
      );
    })
  );
}
