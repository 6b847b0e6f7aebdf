// Yanking a release: what happens to each downstream and to the published files, decided from the
// ledger and from what the repos say now; the adapters only carry it out.
import { z } from "zod";
import type { ArtifactHash } from "../artifacts/checksums.js";
import { PUBLISHED_KEY_NAMES, releaseObjectKey } from "../artifacts/publication.js";
import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import type { LedgerEvent } from "../ledger/events.js";
import type { ReleaseState, YankOutcome } from "../ledger/release-state.js";

/** Why a release is yanked, as people give it: one line or a short paragraph, never empty. */
export const yankReasonSchema = z
  .string()
  .trim()
  .min(3, { error: "give the reason for yanking (at least a few words)" })
  .max(2000, { error: "the reason is at most 2000 characters" });

/** The storage target's name in the ledger and in the yank plan. */
export const STORAGE = "storage";

/** What yanking does to one downstream, before the repo is asked about its PR. */
export type DownstreamYank =
  | { downstream: string; repo: string; kind: "pr"; number: number; url: string; headSha?: string }
  | { downstream: string; repo: string; kind: "by-hand" | "nothing"; why: string };

/** The yank of one release: per downstream, then the published files. */
export interface YankPlan {
  version: string;
  reason: string;
  downstream: DownstreamYank[];
  /** Where the release's objects go: `<prefix>yanked/...`, never deleted. */
  yankedPrefix: string;
}

/** Refuses a yank with nothing to yank; otherwise what each downstream needs, from the ledger. */
export function planYank(state: ReleaseState, config: Config, version: string, reason: string): YankPlan {
  if (!state.request)
    throw new ReleaseRelayError(
      "E_LEDGER",
      `the ledger of ${version} records no release request`,
      "check the version (and --environment); only a requested release can be yanked",
    );
  const downstream = config.downstream.map((d): DownstreamYank => {
    const recorded = state.downstream.find((s) => s.name === d.name);
    const base = { downstream: d.name, repo: d.repo };
    if (recorded?.pr)
      return {
        ...base,
        kind: "pr",
        number: recorded.pr.number,
        url: recorded.pr.url,
        ...(recorded.pr.headSha ? { headSha: recorded.pr.headSha } : {}),
      };
    if (recorded?.dispatched)
      return {
        ...base,
        kind: "by-hand",
        why: `was sent the release by repository_dispatch (${recorded.dispatched.eventType}); undo what it built there`,
      };
    if (d.mode === "push")
      return {
        ...base,
        kind: "by-hand",
        why: "mode push committed to its branch directly; revert that commit",
      };
    return { ...base, kind: "nothing", why: `no pull request was opened (mode ${d.mode})` };
  });
  return { version, reason, downstream, yankedPrefix: yankedKey(config.upload.prefix, config.upload.prefix) };
}

/** A release PR as the repo shows it now. */
export interface LivePullRequest {
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
}

/** An open release PR is closed; a merged one is reverted; a closed one needs nothing. */
export function decidePullRequestYank(live: LivePullRequest): "close" | "revert" | "nothing" {
  if (live.merged) return "revert";
  return live.state === "open" ? "close" : "nothing";
}

/** Where a yanked object goes: the same name under `<prefix>yanked/`, so nothing is ever deleted. */
export function yankedKey(prefix: string, key: string): string {
  return key.startsWith(prefix) ? `${prefix}yanked/${key.slice(prefix.length)}` : `yanked/${key}`;
}

/** Only what changed is recorded: a rerun that finds every part as it left it appends nothing. */
export function stepsToRecord<S extends { target: string; outcome: YankOutcome; url?: string }>(
  state: ReleaseState,
  steps: readonly S[],
): S[] {
  return steps.filter((s) => {
    const last = state.yank.find((y) => y.target === s.target);
    return !last || last.outcome !== s.outcome || last.url !== s.url || s.outcome === "failed";
  });
}

/** Every object a release published: what its manifest lists, the public keys and the manifest last. */
export function releaseObjects(
  config: Config,
  version: string,
  manifest: readonly ArtifactHash[],
): { key: string; optional: boolean }[] {
  const listed = manifest.flatMap((e) => (e.key ? [{ key: e.key, optional: false }] : []));
  const keys = PUBLISHED_KEY_NAMES.map((name) => ({
    key: releaseObjectKey(config, version, name),
    optional: true,
  }));
  // The manifest moves last: a yank stopped half-way still finds the list it works from.
  return [
    ...listed.filter((o) => !keys.some((k) => k.key === o.key)),
    ...keys,
    { key: releaseObjectKey(config, version, "hashes.json"), optional: false },
  ];
}

/** The revert PR's branch in a downstream repo. */
export function revertBranch(version: string, downstream: string): string {
  return `release-relay/yank-${version}/${downstream}`;
}

/** The comment on a release PR that is closed because its release was yanked. */
export function closeComment(project: string, version: string, reason: string, by: string): string {
  return `${project} ${version} was yanked by ${by}: ${reason}\n\nThis release must not be merged, so its PR is closed.`;
}

/** The body of a revert PR: what is undone, why, and where it came from. */
export function revertBody(
  project: string,
  version: string,
  reason: string,
  by: string,
  original: { url: string; headSha: string },
  files: readonly string[],
): string {
  return [
    `${project} ${version} was yanked by ${by}: ${reason}`,
    "",
    `This undoes the release's change (${original.url}, commit ${original.headSha.slice(0, 12)}):`,
    "",
    ...files.map((f) => `- \`${f}\``),
    "",
    "Opened by release-relay yank.",
  ].join("\n");
}

/** One yank step as a ledger event; a success is recorded once, each failure once per run. */
export function yankStepEvent(
  target: string,
  outcome: YankOutcome,
  at: string,
  runId: string,
  extra: { url?: string | undefined; detail?: string | undefined } = {},
): LedgerEvent {
  return {
    id: outcome === "failed" ? `yank:${target}:failed:${runId}` : `yank:${target}:${outcome}`,
    at,
    type: "yank-step",
    target,
    outcome,
    ...(extra.url ? { url: extra.url } : {}),
    ...(extra.detail ? { detail: extra.detail.slice(0, 2000) } : {}),
  };
}

/** Whether every part of the yank is done: each downstream and the storage seen, none failed. */
export function yankDone(state: ReleaseState, downstreams: readonly string[]): boolean {
  if (!state.yanked) return false;
  const targets = [...downstreams, STORAGE];
  return targets.every((t) => {
    const step = state.yank.find((y) => y.target === t);
    return step !== undefined && step.outcome !== "failed";
  });
}

/**
 * The plan in words, as `yank --dry-run` and the action's log show it before anything happens;
 * `objects` are those a dry run found at their public keys.
 */
export function renderYankPlan(
  plan: YankPlan,
  objects: readonly { key: string; optional: boolean }[] | undefined,
): string {
  return [
    `Yank ${plan.version}: “${plan.reason}”`,
    ...plan.downstream.map((d) =>
      d.kind === "pr"
        ? `  ${d.downstream} (${d.repo}): PR #${d.number} — closed if open, a revert PR if merged`
        : `  ${d.downstream} (${d.repo}): ${d.kind === "by-hand" ? "by hand — " : "nothing — "}${d.why}`,
    ),
    objects === undefined
      ? `  storage: the release's objects, moved under ${plan.yankedPrefix}`
      : `  storage: ${objects.length} objects moved under ${plan.yankedPrefix} (copied, checked, then removed from their public keys)`,
    ...(objects ?? []).map((o) => `    ${o.key}`),
    "  tracking issue: marked yanked and closed",
  ].join("\n");
}
