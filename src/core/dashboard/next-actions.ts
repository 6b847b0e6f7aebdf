import { isComplete } from "../ledger/completion.js";
import type { ReleaseState } from "../ledger/release-state.js";
import { STAGES } from "../ledger/stages.js";
import type { DashboardContext } from "./context.js";
import type { NextAction } from "./next-action.js";
import { yankNextActions } from "./yank-section.js";

/** What people should do next, with the link to do it; nothing once the release is done. */
export function nextActions(state: ReleaseState, ctx: DashboardContext): NextAction[] {
  if (state.yanked) return yankNextActions(state, ctx.yankCommand);
  if (isComplete(state, ctx.expected)) return [];
  const actions: NextAction[] = [];
  if (STAGES.some((s) => state.stages[s].status === "failed") || state.downstream.some((d) => d.error))
    actions.push({ text: "Fix the cause above, then redo only what failed", command: ctx.rerunCommand });
  for (const d of state.downstream) {
    if (d.pr && !d.closed && d.ci === "success")
      actions.push({ text: `Review and merge ${d.name}`, url: d.pr.url });
    if (d.ci === "failure")
      actions.push({
        text: `${d.name}'s CI failed on the PR: look at its log, push a fix to the PR branch or rerun`,
        ...(d.ciUrl ? { url: d.ciUrl } : {}),
      });
  }
  return actions;
}
