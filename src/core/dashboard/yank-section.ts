// The dashboard's part of a yank: where each part of it stands, and what people do next about it.
import type { ReleaseState, YankOutcome } from "../ledger/release-state.js";
import type { NextAction } from "./next-action.js";

const LABEL: Record<YankOutcome, string> = {
  "pr-closed": "🚫 PR closed",
  "revert-proposed": "↩️ revert PR opened",
  "revert-merged": "↩️ reverted",
  "nothing-to-do": "— nothing to undo",
  "by-hand": "✋ to undo by hand",
  moved: "📦 moved to yanked/",
  failed: "❌ failed",
};

/** The dashboard's yank section: who, why, and where each part stands. */
export function yankSection(state: ReleaseState, cell: (s: string) => string): string[] {
  if (!state.yanked) return [];
  return [
    `> ⛔ **Yanked** by ${cell(state.yanked.by)} (${state.yanked.at}): “${cell(state.yanked.reason)}”`,
    "",
    "| Yank | Done | Detail |",
    "| --- | --- | --- |",
    ...state.yank.map(
      (y) =>
        `| ${cell(y.target)} | ${LABEL[y.outcome]} | ${y.url ? `${y.url} ` : ""}${cell(y.detail ?? "")} |`,
    ),
    "",
  ];
}

/** A string as one POSIX shell word. */
const shellWord = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * What people do next on a yanked release: undo by hand what release-relay leaves to them, merge the
 * revert PRs, and resolve each failed part, then run the yank again.
 */
export function yankNextActions(state: ReleaseState, yankCommand: string): NextAction[] {
  const yanked = state.yanked;
  if (!yanked) return [];
  const actions: NextAction[] = [];
  for (const step of state.yank) {
    if (step.outcome === "by-hand")
      actions.push({ text: `Undo ${step.target} by hand${step.detail ? `: ${step.detail}` : ""}` });
    if (step.outcome === "revert-proposed")
      actions.push({
        text: `Review and merge the revert PR of ${step.target}`,
        ...(step.url ? { url: step.url } : {}),
      });
  }
  const failed = state.yank.filter((y) => y.outcome === "failed");
  for (const step of failed)
    actions.push({ text: `Resolve ${step.target}${step.detail ? `: ${step.detail}` : ""}` });
  if (failed.length > 0)
    actions.push({
      text: "Then run the yank again: it redoes only what is not done",
      command: `${yankCommand} -f reason=${shellWord(yanked.reason)}`,
    });
  return actions;
}
