// What a yank did (or, in a dry run, would do): each part's outcome, and the whole in words.
import type { YankOutcome } from "../ledger/release-state.js";
import { renderYankPlan, STORAGE, type YankPlan, yankedKey } from "./yank-plan.js";

/** One part of a yank: a downstream, or the storage. */
export interface YankStep {
  target: string;
  outcome: YankOutcome;
  url?: string;
  detail: string;
}

/** A release object and what moving it under `yanked/` found. */
export interface ObjectMove {
  key: string;
  optional: boolean;
  outcome: "moved" | "already-moved" | "absent";
}

/**
 * The storage part, once every object was moved: an object the release must have published that is
 * neither at its key nor under `yanked/` fails it (an optional one, like a public key, may be absent).
 */
export function storageStep(moves: readonly ObjectMove[], prefix: string): YankStep {
  const missing = moves.filter((m) => m.outcome === "absent" && !m.optional).map((m) => m.key);
  if (missing.length > 0)
    return {
      target: STORAGE,
      outcome: "failed",
      detail: `not found, neither published nor yanked: ${missing.join(", ")}`,
    };
  const moved = moves.filter((m) => m.outcome !== "absent").length;
  return { target: STORAGE, outcome: "moved", detail: `${moved} objects under ${yankedKey(prefix, prefix)}` };
}

/** Whether any part needs a person: the yank is then run again once it is resolved. */
export function yankFailed(steps: readonly YankStep[]): boolean {
  return steps.some((s) => s.outcome === "failed");
}

/** The plan and each part's outcome in words, as the CLI prints it and the action logs it. */
export function renderYankOutcome(
  plan: YankPlan,
  steps: readonly YankStep[],
  dryRun: boolean,
  /** The objects a dry run would move (listed under the plan). */
  objects: readonly { key: string; optional: boolean }[] | undefined,
): string {
  return [
    renderYankPlan(plan, dryRun ? objects : undefined),
    "",
    dryRun ? "Dry run — nothing was changed. It would do:" : "Done:",
    ...steps.map((s) => `  ${s.target}: ${s.outcome} — ${s.detail}${s.url ? ` (${s.url})` : ""}`),
  ].join("\n");
}
