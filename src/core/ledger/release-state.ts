// The release state folded from the ledger: what every view (issue, dashboard, reruns) reads.

import type { ChecksOverride } from "../request/source-gate.js";
import type { LedgerEvent } from "./events.js";
import { STAGES, type Stage } from "./stages.js";

/** The state of one stage. */
export interface StageState {
  status: "pending" | "waiting" | "running" | "succeeded" | "failed" | "skipped";
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  detail?: string;
  runUrl?: string;
  runId?: string;
}

/** Everything known about one downstream repo's part of the release. */
export interface DownstreamState {
  name: string;
  repo?: string;
  pr?: { number: number; url: string; headSha?: string; action: string };
  /** When the current PR was first recorded: how long it has waited for review. */
  prOpenedAt?: string;
  ci: "unknown" | "pending" | "success" | "failure";
  ciUrl?: string;
  merged: boolean;
  closed: boolean;
  image?: { status: "succeeded" | "failed"; digest?: string; tags: string[]; url?: string };
  page?: string;
  containerTags?: string[]; // the tags its release PR sets (github-release.container-tags)
  /** A dispatch downstream was sent the release (repository_dispatch of this event type). */
  dispatched?: { at: string; eventType: string };
  skipped?: string;
  error?: string;
}

/** The release as the dashboard shows it; a pure function of the events. */
export interface ReleaseState {
  stages: Record<Stage, StageState>;
  artifacts: { name: string; state: string; size?: number; sha256?: string; url?: string }[];
  downstream: DownstreamState[];
  trackingIssue?: { repo: string; number: number; url: string; id: string };
  /** The GitHub Release of the tag, as the latest github-release event left it. */
  githubRelease?: { repo: string; id: number; url: string; state: "draft" | "published" | "yanked" };
  request?: {
    tag: string;
    commit: string;
    requestedAt: string;
    checksOverride?: ChecksOverride;
    by?: string;
    unverified?: string[];
  };
  /** Events from outside that were not believed (each changed nothing else). */
  refused: { at: string; what: string; sender: string; reason: string }[];
  reruns: { at: string; stages: Stage[]; by: string; detail?: string }[];
  /**
   * The workflow runs that claimed each stage and have not finished it since (see stage-claims). A
   * stage's end releases only the claim of the run that recorded it: an entry of another run, or a
   * forged one, never frees a stage a live run holds.
   */
  claims: Partial<Record<Stage, string[]>>;
  /** Who yanked the release, when and why (the first request; asking again resumes it). */
  yanked?: { at: string; reason: string; by: string };
  /** What yanking did so far, the latest outcome per target (a downstream, or "storage"). */
  yank: { target: string; outcome: YankOutcome; at: string; url?: string; detail?: string }[];
  /** Who let each release run publish, through the deployment environment's required reviewers. */
  approvals: {
    environment: string;
    state: "approved" | "rejected";
    by: string;
    comment?: string;
    at: string;
  }[];
  failures: { at: string; what: string; detail: string; runUrl?: string }[];
  /** The targets that failed the qualify command in its latest failed attempt, with their log ends. */
  qualification: { target: string; excerpt: string; at: string; runUrl?: string }[];
  comments: Set<string>;
  eventCount: number;
  firstAt?: string;
  lastAt?: string;
}

/** The outcome of one part of a yank. */
export type YankOutcome = Extract<LedgerEvent, { type: "yank-step" }>["outcome"];

const ARTIFACT_ORDER = { built: 0, hashed: 1, uploaded: 2 } as const;

// GitHub's timestamps have whole seconds: a job that starts and ends within one second gives its
// stage a start and an end at the same time, and the start must come first.
const STAGE_STEP = { waiting: 0, started: 1, succeeded: 2, failed: 2, skipped: 2 } as const;
const step = (e: LedgerEvent) => (e.type === "stage" ? STAGE_STEP[e.status] : 2);

/**
 * Deterministic order, so every reader folds the same events the same way: by the second, then a
 * stage's start before its end, then the instant, then id. The second comes first because GitHub's
 * job times are whole seconds, truncated, while a step's own times have milliseconds: a job started
 * at "12:00:36Z" and ended by a step at "12:00:36.740Z" (or started by a step at "12:00:25.382Z" and
 * ended, as GitHub says, at "12:00:25Z") must fold as a start then an end. (Compared as text,
 * "12:00:36Z" even sorts after "12:00:36.740Z".)
 */
export function orderEvents(events: readonly LedgerEvent[]): LedgerEvent[] {
  const unique = new Map<string, LedgerEvent>();
  for (const e of events) if (!unique.has(e.id)) unique.set(e.id, e);
  const instant = (e: LedgerEvent) => {
    const t = Date.parse(e.at);
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  const key = (e: LedgerEvent) => [Math.floor(instant(e) / 1000), step(e), instant(e)] as const;
  return [...unique.values()].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number) ? -1 : 1;
    return a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/**
 * Folds the ledger into the release state. Duplicates (same id) count once; arrival order does not
 * matter, except for which tracking issue is canonical: the first the ledger (in its order) records.
 */
export function deriveState(events: readonly LedgerEvent[]): ReleaseState {
  const ordered = orderEvents(events);
  const stages = Object.fromEntries(
    STAGES.map((s) => [s, { status: "pending", attempts: 0 } as StageState]),
  ) as Record<Stage, StageState>;
  const artifacts = new Map<string, ReleaseState["artifacts"][number]>();
  const downstream = new Map<string, DownstreamState>();
  const state: ReleaseState = {
    stages,
    artifacts: [],
    downstream: [],
    reruns: [],
    claims: {},
    failures: [],
    qualification: [],
    approvals: [],
    yank: [],
    refused: [],
    comments: new Set(),
    eventCount: ordered.length,
  };
  // Reports arrive in any order: per downstream and kind, the latest run wins, and within a run a
  // final state wins over "pending". Reports without a run id apply in ledger order.
  const reported = new Map<string, number>();
  const supersedes = (key: string, run: string | undefined, final: boolean): boolean => {
    if (run === undefined) return true;
    const rank = Number(run) * 2 + (final ? 1 : 0);
    if (rank < (reported.get(key) ?? -1)) return false;
    reported.set(key, rank);
    return true;
  };
  const ds = (n: string): DownstreamState => {
    let d = downstream.get(n);
    if (!d) {
      d = { name: n, ci: "unknown", merged: false, closed: false };
      downstream.set(n, d);
    }
    return d;
  };
  let qualificationRun: string | undefined;
  for (const e of ordered) {
    state.firstAt ??= e.at;
    state.lastAt = e.at;
    switch (e.type) {
      case "stage": {
        const s = stages[e.stage];
        if (e.status === "waiting") {
          // Only a stage not yet under way waits: a late "waiting" never hides a start or an end.
          if (s.status === "pending" || s.status === "failed") {
            s.status = "waiting";
            if (e.detail !== undefined) s.detail = e.detail;
          }
          break;
        }
        if (e.status !== "started" && e.runId) {
          const rest = (state.claims[e.stage] ?? []).filter((r) => r !== e.runId);
          if (rest.length > 0) state.claims[e.stage] = rest;
          else delete state.claims[e.stage];
        }
        if (e.status === "started") {
          s.status = "running";
          s.startedAt = e.at;
          s.attempts++;
          delete s.finishedAt;
        } else {
          s.status = e.status;
          s.finishedAt = e.at;
          if (s.attempts === 0) s.attempts = 1;
        }
        if (e.detail !== undefined) s.detail = e.detail;
        if (e.runUrl) s.runUrl = e.runUrl;
        if (e.runId && e.status === "succeeded") s.runId = e.runId;
        if (e.stage === "qualify" && e.status === "succeeded") state.qualification = [];
        if (e.status === "failed")
          state.failures.push({
            at: e.at,
            what: `stage ${e.stage}`,
            detail: e.detail ?? "failed",
            ...(e.runUrl ? { runUrl: e.runUrl } : {}),
          });
        break;
      }
      case "artifact": {
        const prev = artifacts.get(e.name);
        const later =
          !prev || ARTIFACT_ORDER[e.state] >= ARTIFACT_ORDER[prev.state as keyof typeof ARTIFACT_ORDER];
        artifacts.set(e.name, {
          name: e.name,
          state: later ? e.state : (prev?.state as string),
          ...((e.size ?? prev?.size) !== undefined ? { size: e.size ?? prev?.size } : {}),
          ...((e.sha256 ?? prev?.sha256) ? { sha256: e.sha256 ?? prev?.sha256 } : {}),
          ...((e.url ?? prev?.url) ? { url: e.url ?? prev?.url } : {}),
        });
        break;
      }
      case "pull-request": {
        const d = ds(e.downstream);
        d.repo = e.repo;
        if (d.pr?.number !== e.number) d.prOpenedAt = e.at;
        d.pr = {
          number: e.number,
          url: e.url,
          action: e.action,
          ...(e.headSha ? { headSha: e.headSha } : {}),
        };
        delete d.error;
        break;
      }
      case "downstream-ci": {
        const d = ds(e.downstream);
        if (supersedes(`ci:${e.downstream}`, e.runId, e.state !== "pending")) {
          d.ci = e.state;
          if (e.url) d.ciUrl = e.url;
        }
        if (e.state === "failure")
          state.failures.push({
            at: e.at,
            what: `${e.downstream} CI`,
            detail: e.detail ?? "checks failed",
            ...(e.url ? { runUrl: e.url } : {}),
          });
        break;
      }
      case "pull-request-closed": {
        const d = ds(e.downstream);
        d.closed = true;
        // A merged pull request stays merged, whichever report came last.
        d.merged ||= e.merged;
        break;
      }
      case "image-build": {
        const d = ds(e.downstream);
        if (supersedes(`image:${e.downstream}`, e.runId, true))
          d.image = {
            status: e.status,
            tags: e.tags,
            ...(e.digest ? { digest: e.digest } : {}),
            ...(e.url ? { url: e.url } : {}),
          };
        if (e.status === "failed")
          state.failures.push({
            at: e.at,
            what: `${e.downstream} image build`,
            detail: "image build failed",
            ...(e.url ? { runUrl: e.url } : {}),
          });
        break;
      }
      case "qualification-failed": {
        // Only the latest attempt's failures are shown: a rerun that fails elsewhere replaces them.
        if (e.runId !== qualificationRun) state.qualification = [];
        qualificationRun = e.runId;
        state.qualification = state.qualification.filter((q) => q.target !== e.target);
        state.qualification.push({
          target: e.target,
          excerpt: e.excerpt,
          at: e.at,
          ...(e.runUrl ? { runUrl: e.runUrl } : {}),
        });
        break;
      }
      case "page-published":
        ds(e.downstream).page = e.url;
        break;
      case "container-tags":
        ds(e.downstream).containerTags = e.tags;
        break;
      case "downstream-dispatched": {
        const d = ds(e.downstream);
        d.repo = e.repo;
        d.dispatched ??= { at: e.at, eventType: e.eventType };
        delete d.error;
        break;
      }
      case "downstream-skipped":
        ds(e.downstream).skipped = e.reason;
        break;
      case "downstream-failed":
        ds(e.downstream).error = e.error;
        state.failures.push({
          at: e.at,
          what: `downstream ${e.downstream}`,
          detail: e.error,
          ...(e.runUrl ? { runUrl: e.runUrl } : {}),
        });
        break;
      case "rerun-requested":
        state.reruns.push({
          at: e.at,
          stages: e.stages,
          by: e.by,
          ...(e.detail ? { detail: e.detail } : {}),
        });
        break;
      case "claim":
        for (const stage of e.stages) {
          const holders = state.claims[stage] ?? [];
          if (!holders.includes(e.runId)) state.claims[stage] = [...holders, e.runId];
        }
        break;
      case "request":
        state.request ??= {
          tag: e.tag,
          commit: e.commit,
          requestedAt: e.requestedAt,
          ...(e.checksOverride ? { checksOverride: e.checksOverride } : {}),
          ...(e.by ? { by: e.by } : {}),
          ...(e.unverified?.length ? { unverified: e.unverified } : {}),
        };
        break;
      case "refused":
        state.refused.push({ at: e.at, what: e.what, sender: e.sender, reason: e.reason });
        break;
      case "approval":
        state.approvals.push({
          environment: e.environment,
          state: e.state,
          by: e.by,
          at: e.at,
          ...(e.comment ? { comment: e.comment } : {}),
        });
        break;
      case "yank":
        // The first yank request is the one on record; asking again resumes it.
        state.yanked ??= { at: e.at, reason: e.reason, by: e.by };
        break;
      case "yank-step": {
        const step = {
          target: e.target,
          outcome: e.outcome,
          at: e.at,
          ...(e.url ? { url: e.url } : {}),
          ...(e.detail ? { detail: e.detail } : {}),
        };
        const i = state.yank.findIndex((y) => y.target === e.target);
        if (i === -1) state.yank.push(step);
        else state.yank[i] = step;
        break;
      }
      case "comment-posted":
        state.comments.add(e.key);
        break;
      case "github-release":
        state.githubRelease = { repo: e.repo, id: e.releaseId, url: e.url, state: e.state };
        break;
    }
  }
  // The first issue the ledger records is canonical, and a duplicate opened in a race is closed in its
  // favour. "First" is the ledger's own order, not the events' clocks: appends are compare-and-swaps,
  // so every writer that has read an issue's event agrees no other came before it, whereas two
  // writers' clocks may order their issues the other way round than their appends did.
  const firstIssue = events.find((e) => e.type === "tracking-issue");
  if (firstIssue?.type === "tracking-issue")
    state.trackingIssue = {
      repo: firstIssue.repo,
      number: firstIssue.number,
      url: firstIssue.url,
      id: firstIssue.id,
    };
  // Ledgers written before the qualify stage existed went from build straight to publishing.
  if (stages.qualify.status === "pending" && stages["compute-hashes"].status !== "pending")
    Object.assign(stages.qualify, { status: "skipped", detail: "not part of this release" });
  state.artifacts = [...artifacts.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  state.downstream = [...downstream.values()];
  return state;
}

/** The stages a rerun must run: `failed` = failed and not yet succeeded ones (and everything after them), `all`, or a list. */
export function stagesToRerun(state: ReleaseState, request: "failed" | "all" | readonly Stage[]): Stage[] {
  if (request === "all") return [...STAGES];
  if (request !== "failed") return STAGES.filter((s) => request.includes(s));
  const first = STAGES.findIndex(
    (s) => state.stages[s].status !== "succeeded" && state.stages[s].status !== "skipped",
  );
  return first === -1
    ? []
    : STAGES.slice(first).filter(
        (s) => state.stages[s].status !== "succeeded" && state.stages[s].status !== "skipped",
      );
}
