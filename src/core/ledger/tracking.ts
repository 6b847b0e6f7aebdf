import { yankDone } from "../yank/yank-plan.js";
import { type DownstreamExpectation, isComplete } from "./completion.js";
import type { ReleaseState } from "./release-state.js";
import { STAGES } from "./stages.js";

/** A comment for people, posted at most once (its key is recorded in the ledger first). */
export interface DueComment {
  key: string;
  purpose: "first-failure" | "rerun" | "complete" | "review-ping" | "yanked";
  body: string;
}

/** Who is reminded, and after how long, of a release PR nobody has merged. */
export interface ReviewPing {
  afterHours: number;
  notify: readonly string[];
}

const HOUR_MS = 3_600_000;

/**
 * One reminder per open release PR that has waited `afterHours` since it was opened; only for
 * downstreams that report their merge (otherwise an open PR here may long be merged there).
 */
export function reviewPingsDue(
  state: ReleaseState,
  expected: readonly DownstreamExpectation[],
  now: string,
  ping: ReviewPing | undefined,
  version: string,
): DueComment[] {
  if (!ping || state.yanked) return [];
  return state.downstream.flatMap((d) => {
    const reportsMerge = expected.find((x) => x.name === d.name)?.reports.includes("merge");
    if (!reportsMerge || !d.pr || d.merged || d.closed || !d.prOpenedAt) return [];
    const waited = Date.parse(now) - Date.parse(d.prOpenedAt);
    const key = `review-ping:${d.name}:${d.pr.number}`;
    if (waited < ping.afterHours * HOUR_MS || state.comments.has(key)) return [];
    return [
      {
        key,
        purpose: "review-ping" as const,
        body: `${ping.notify.join(" ")} the ${d.name} PR of release ${version} has waited ${Math.floor(waited / HOUR_MS)} h without being merged: ${d.pr.url} — please review it (its CI: ${d.ci}).`,
      },
    ];
  });
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
  const who = notify.length ? `${notify.join(" ")} ` : "";
  const [first] = state.failures;
  if (first && !state.comments.has("first-failure")) {
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
        body: `Rerun requested by ${r.by}: ${r.stages.length ? r.stages.join(", ") : "nothing left to redo"}.${r.detail ? ` ${r.detail}` : ""}`,
      });
    }
  }
  if (state.yanked && !state.comments.has("yanked")) {
    due.push({
      key: "yanked",
      purpose: "yanked",
      body: `${who}release ${version} was yanked by ${state.yanked.by}: ${state.yanked.reason.slice(0, 500)}. The dashboard above shows each PR closed or reverted and the files moved.`,
    });
  }
  if (!state.yanked && isComplete(state, expected) && !state.comments.has("complete")) {
    due.push({
      key: "complete",
      purpose: "complete",
      body: `Release ${version} is complete: every stage and every downstream repo is done.`,
    });
  }
  return due;
}

/** The version a tracking issue is for, read back from its title (`tracking.title`); undefined for other issues. */
export function versionFromTrackingTitle(template: string, title: string): string | undefined {
  const pattern = template
    .split(/(\{[a-z-]+\})/)
    .map((part) =>
      part === "{version}"
        ? "(?<version>\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)"
        : /^\{[a-z-]+\}$/.test(part)
          ? ".+?"
          : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${pattern}$`).exec(title)?.groups?.version;
}

/** Closed when the release is complete (or rolled back), open otherwise — so a rerun reopens it. */
export function wantedIssueState(
  state: ReleaseState,
  expected: readonly DownstreamExpectation[],
): "open" | "closed" {
  // A yank keeps the issue open until each part is done (a failed revert needs people).
  if (state.yanked)
    return yankDone(
      state,
      expected.map((x) => x.name),
    )
      ? "closed"
      : "open";
  const lastRerun = state.reruns.at(-1)?.at;
  const rerunPending = lastRerun !== undefined && STAGES.some((s) => state.stages[s].status === "running");
  return isComplete(state, expected) && !rerunPending ? "closed" : "open";
}
