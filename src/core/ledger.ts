import { z } from "zod";

/** The stages of a release, in the order they run. */
export const STAGES = [
  "build-matrix",
  "build",
  "compute-hashes",
  "sign-upload",
  "open-downstream-prs",
] as const;
export type Stage = (typeof STAGES)[number];

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/, {
  error: "event ids are 1-200 characters of A-Z a-z 0-9 . _ : @ + -",
});
const at = z.iso.datetime({ offset: true });
const url = z.url().max(2048);
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/);
const text = (max: number) => z.string().max(max);

const base = { id, at, runUrl: url.optional() };

/** Every fact the ledger records; each carries an id, so recording it twice changes nothing. */
export const ledgerEventSchema = z.discriminatedUnion("type", [
  z.strictObject({
    ...base,
    type: z.literal("stage"),
    stage: z.enum(STAGES),
    status: z.enum(["started", "succeeded", "failed", "skipped"]),
    detail: text(2000).optional(),
    /** The workflow run, so a rerun can take a finished stage's artifacts from it. */
    runId: z
      .string()
      .regex(/^\d{1,20}$/)
      .optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal("artifact"),
    name,
    state: z.enum(["built", "hashed", "uploaded"]),
    size: z.number().int().nonnegative().optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    url: url.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal("pull-request"),
    downstream: name,
    repo: z.string().max(140),
    number: z.number().int().positive(),
    url,
    headSha: z
      .string()
      .regex(/^[0-9a-f]{40}$/)
      .optional(),
    action: z.enum(["opened", "updated", "unchanged"]),
  }),
  z.strictObject({
    ...base,
    type: z.literal("downstream-ci"),
    downstream: name,
    state: z.enum(["pending", "success", "failure"]),
    url: url.optional(),
    detail: text(2000).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal("pull-request-closed"),
    downstream: name,
    merged: z.boolean(),
    by: text(100).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal("image-build"),
    downstream: name,
    status: z.enum(["succeeded", "failed"]),
    digest: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/)
      .optional(),
    tags: z.array(text(128)).max(100).default([]),
    url: url.optional(),
  }),
  z.strictObject({ ...base, type: z.literal("page-published"), downstream: name, url }),
  z.strictObject({ ...base, type: z.literal("downstream-skipped"), downstream: name, reason: text(500) }),
  z.strictObject({ ...base, type: z.literal("downstream-failed"), downstream: name, error: text(2000) }),
  z.strictObject({
    ...base,
    type: z.literal("rerun-requested"),
    stages: z.array(z.enum(STAGES)),
    by: text(100),
  }),
  z.strictObject({ ...base, type: z.literal("rollback"), reason: text(2000), by: text(100) }),
  /** What was asked for: reruns rebuild exactly this (same commit, same build time). */
  z.strictObject({
    ...base,
    type: z.literal("request"),
    tag: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/)
      .max(128),
    commit: z.string().regex(/^[0-9a-f]{40}$/),
    requestedAt: z.iso.datetime({ offset: true }),
  }),
  z.strictObject({
    ...base,
    type: z.literal("tracking-issue"),
    repo: z.string().max(140),
    number: z.number().int().positive(),
    url,
  }),
  z.strictObject({
    ...base,
    type: z.literal("comment-posted"),
    purpose: z.enum(["first-failure", "rerun", "complete"]),
    key: text(200),
  }),
]);

export type LedgerEvent = z.infer<typeof ledgerEventSchema>;

/** The state of one stage. */
export interface StageState {
  status: "pending" | "running" | "succeeded" | "failed" | "skipped";
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
  ci: "unknown" | "pending" | "success" | "failure";
  ciUrl?: string;
  merged: boolean;
  closed: boolean;
  image?: { status: "succeeded" | "failed"; digest?: string; tags: string[]; url?: string };
  page?: string;
  skipped?: string;
  error?: string;
}

/** The release as the dashboard shows it; a pure function of the events. */
export interface ReleaseState {
  stages: Record<Stage, StageState>;
  artifacts: { name: string; state: string; size?: number; sha256?: string; url?: string }[];
  downstream: DownstreamState[];
  trackingIssue?: { repo: string; number: number; url: string; id: string };
  request?: { tag: string; commit: string; requestedAt: string };
  reruns: { at: string; stages: Stage[]; by: string }[];
  rollback?: { at: string; reason: string; by: string };
  failures: { at: string; what: string; detail: string; runUrl?: string }[];
  comments: Set<string>;
  eventCount: number;
  firstAt?: string;
  lastAt?: string;
}

const ARTIFACT_ORDER = { built: 0, hashed: 1, uploaded: 2 } as const;

/** Deterministic order: by time, then id; so every reader folds the same events the same way. */
export function orderEvents(events: readonly LedgerEvent[]): LedgerEvent[] {
  const unique = new Map<string, LedgerEvent>();
  for (const e of events) if (!unique.has(e.id)) unique.set(e.id, e);
  return [...unique.values()].sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1));
}

/** Folds the ledger into the release state. Duplicates (same id) count once; arrival order does not matter. */
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
    failures: [],
    comments: new Set(),
    eventCount: ordered.length,
  };
  const ds = (n: string): DownstreamState => {
    let d = downstream.get(n);
    if (!d) {
      d = { name: n, ci: "unknown", merged: false, closed: false };
      downstream.set(n, d);
    }
    return d;
  };
  for (const e of ordered) {
    state.firstAt ??= e.at;
    state.lastAt = e.at;
    switch (e.type) {
      case "stage": {
        const s = stages[e.stage];
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
        d.ci = e.state;
        if (e.url) d.ciUrl = e.url;
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
        d.merged = e.merged;
        break;
      }
      case "image-build": {
        const d = ds(e.downstream);
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
      case "page-published":
        ds(e.downstream).page = e.url;
        break;
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
        state.reruns.push({ at: e.at, stages: e.stages, by: e.by });
        break;
      case "request":
        state.request ??= { tag: e.tag, commit: e.commit, requestedAt: e.requestedAt };
        break;
      case "rollback":
        state.rollback = { at: e.at, reason: e.reason, by: e.by };
        break;
      case "tracking-issue":
        // The first issue recorded is canonical; a duplicate created in a race is closed in its favour.
        state.trackingIssue ??= { repo: e.repo, number: e.number, url: e.url, id: e.id };
        break;
      case "comment-posted":
        state.comments.add(e.key);
        break;
    }
  }
  state.artifacts = [...artifacts.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  state.downstream = [...downstream.values()];
  return state;
}

/** What finishing a release needs from each downstream, from the config. */
export interface DownstreamExpectation {
  name: string;
  mode: "pr" | "push" | "dry-run" | "off";
  reportBack: readonly ("ci" | "merge" | "image-build")[];
}

/** Whether one downstream is done: merged (when tracked), image built (when reported), or not expected at all. */
export function downstreamDone(d: DownstreamState | undefined, expect: DownstreamExpectation): boolean {
  if (expect.mode === "off" || expect.mode === "dry-run") return true;
  if (!d || d.error) return false;
  if (d.skipped) return true;
  if (expect.mode === "pr" && expect.reportBack.includes("merge") && !d.merged) return false;
  if (expect.mode === "pr" && !expect.reportBack.includes("merge") && !d.pr) return false;
  if (expect.reportBack.includes("image-build") && d.image?.status !== "succeeded") return false;
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
