import { type DownstreamExpectation, downstreamDone, isComplete } from "../ledger/completion.js";
import type { ReleaseState } from "../ledger/release-state.js";
import { STAGES } from "../ledger/stages.js";

/** Where a release stands, in one word, with its progress counts. */
export interface Verdict {
  kind: "released" | "yanked" | "attention" | "in-progress";
  progress: string;
}

/** Decides the verdict the dashboards (Markdown and HTML) lead with. */
export function releaseVerdict(
  state: ReleaseState,
  ctx: { expected: readonly DownstreamExpectation[] },
): Verdict {
  const stagesDone = STAGES.filter((s) => ["succeeded", "skipped"].includes(state.stages[s].status)).length;
  const active = ctx.expected.filter((x) => x.mode === "pr" || x.mode === "push");
  const downstreamDoneCount = active.filter((x) =>
    downstreamDone(
      state.downstream.find((d) => d.name === x.name),
      x,
    ),
  ).length;
  // A dry run opens no PR: counted apart, so "0 of 0 done" does not hide the downstreams it previewed.
  const dryRuns = ctx.expected.filter((x) => x.mode === "dry-run").length;
  const progress = `${stagesDone} of ${STAGES.length} stages done · ${downstreamDoneCount} of ${active.length} downstream repos done${dryRuns > 0 ? ` · ${dryRuns} in dry-run (no PR opened)` : ""}`;
  if (state.yanked) return { kind: "yanked", progress };
  if (isComplete(state, ctx.expected)) return { kind: "released", progress };
  const failing =
    STAGES.some((s) => state.stages[s].status === "failed") ||
    state.downstream.some((d) => d.error || d.ci === "failure" || d.image?.status === "failed");
  return { kind: failing ? "attention" : "in-progress", progress };
}
