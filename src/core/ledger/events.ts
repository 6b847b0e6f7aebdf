import { z } from "zod";
import { containerTagListSchema } from "../github-release/container-tags.js";
import { checksOverrideSchema } from "../request/source-gate.js";
import { STAGES } from "./stages.js";

// The stage ids are part of the ledger's vocabulary: read them from here or from stages.ts.
export { STAGES, type Stage } from "./stages.js";

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/, {
  error: "event ids are 1-200 characters of A-Z a-z 0-9 . _ : @ + -",
});
const at = z.iso.datetime({ offset: true });
/** A link shown to people: web addresses only, never javascript: or data: URLs. */
export const webUrl = z.url({ protocol: /^https?$/ }).max(2048);
const url = webUrl;
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/);
const text = (max: number) => z.string().max(max);

const base = { id, at, runUrl: url.optional() };
const runId = z.string().regex(/^\d{1,20}$/);

/**
 * Event types ledgers written earlier used, read as today's name (never written): yanking a release
 * was recorded as `rollback`.
 */
export const LEGACY_EVENT_TYPES: Readonly<Record<string, LedgerEventType>> = { rollback: "yank" };

const currentType = (raw: unknown): unknown => {
  if (typeof raw !== "object" || raw === null || !("type" in raw)) return raw;
  const renamed = typeof raw.type === "string" ? LEGACY_EVENT_TYPES[raw.type] : undefined;
  return renamed ? { ...raw, type: renamed } : raw;
};

const eventSchema = z.discriminatedUnion("type", [
  z.strictObject({
    ...base,
    type: z.literal("stage"),
    stage: z.enum(STAGES),
    /** waiting: its job waits for a deployment environment's reviewers (the detail names them). */
    status: z.enum(["waiting", "started", "succeeded", "failed", "skipped"]),
    detail: text(2000).optional(),
    /** The workflow run, so a rerun can take a finished stage's artifacts from it. */
    runId: runId.optional(),
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
    /** The reporting run: a later run's report wins, whatever order reports arrive in. */
    runId: runId.optional(),
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
    runId: runId.optional(),
    url: url.optional(),
  }),
  /** A build target whose artifact failed the project's qualify command, with the end of its log. */
  z.strictObject({
    ...base,
    type: z.literal("qualification-failed"),
    target: name,
    excerpt: text(4000),
    runId: runId.optional(),
  }),
  z.strictObject({ ...base, type: z.literal("page-published"), downstream: name, url }),
  /**
   * The image tags the release PR of a downstream sets (the script output github-release.container-tags
   * names), recorded by the job that opened it: what the GitHub Release lists, never a report's tags.
   */
  z.strictObject({
    ...base,
    type: z.literal("container-tags"),
    downstream: name,
    // None when the change no longer gives valid tags: the release then names none, not stale ones.
    tags: containerTagListSchema,
  }),
  /** A dispatch downstream was sent the release (once: a rerun does not send it again). */
  z.strictObject({
    ...base,
    type: z.literal("downstream-dispatched"),
    downstream: name,
    repo: z.string().max(140),
    eventType: text(100),
  }),
  z.strictObject({ ...base, type: z.literal("downstream-skipped"), downstream: name, reason: text(500) }),
  z.strictObject({ ...base, type: z.literal("downstream-failed"), downstream: name, error: text(2000) }),
  z.strictObject({
    ...base,
    type: z.literal("rerun-requested"),
    stages: z.array(z.enum(STAGES)),
    by: text(100),
    /** Why stages were added to what was asked (e.g. the artifacts they would reuse expired). */
    detail: text(1000).optional(),
  }),
  /**
   * A run took these stages to run. Another run of the release leaves them alone while GitHub says
   * this run is in progress; a claim ends when its stage finishes, or with its run.
   */
  z.strictObject({
    ...base,
    type: z.literal("claim"),
    stages: z.array(z.enum(STAGES)).min(1),
    runId,
  }),
  /** A release was yanked (why, and who asked): the yank-step events say what it did. */
  z.strictObject({ ...base, type: z.literal("yank"), reason: text(2000), by: text(100) }),
  /** One part of yanking a release: a downstream's PR closed or reverted, or the bucket's objects moved. */
  z.strictObject({
    ...base,
    type: z.literal("yank-step"),
    target: name,
    outcome: z.enum([
      "pr-closed",
      "revert-proposed",
      "revert-merged",
      "nothing-to-do",
      "by-hand",
      "moved",
      "failed",
    ]),
    url: url.optional(),
    detail: text(2000).optional(),
  }),
  /** A reviewer of a deployment environment let a release run publish (or refused it). */
  z.strictObject({
    ...base,
    type: z.literal("approval"),
    environment: text(255),
    state: z.enum(["approved", "rejected"]),
    by: text(100),
    comment: text(1000).optional(),
    runId,
  }),
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
    checksOverride: checksOverrideSchema.optional(),
    /** Who asked, as GitHub reports the run that sent the request (absent: GitHub did not confirm one). */
    by: text(100).optional(),
    /** Claims of the request that GitHub did not confirm, so they were dropped: said on the dashboard. */
    unverified: z.array(text(300)).max(10).optional(),
  }),
  /**
   * An event from outside that was not believed: a dispatch from a sender the config does not allow,
   * or a report that GitHub contradicts. It changes nothing but this line on the dashboard.
   */
  z.strictObject({
    ...base,
    type: z.literal("refused"),
    what: text(200),
    sender: text(100),
    reason: text(1000),
  }),
  z.strictObject({
    ...base,
    type: z.literal("tracking-issue"),
    repo: z.string().max(140),
    number: z.number().int().positive(),
    url,
  }),
  /** The GitHub Release of the tag in source.repo, as this release last left it (a draft, published, yanked). */
  z.strictObject({
    ...base,
    type: z.literal("github-release"),
    repo: z.string().max(140),
    releaseId: z.number().int().positive(),
    url,
    state: z.enum(["draft", "published", "yanked"]),
  }),
  z.strictObject({
    ...base,
    type: z.literal("comment-posted"),
    purpose: z.enum(["first-failure", "rerun", "complete", "review-ping", "yanked"]),
    key: text(200),
  }),
]);

/** Every fact the ledger records; each carries an id, so recording it twice changes nothing. */
export const ledgerEventSchema = z.preprocess(currentType, eventSchema);

export type LedgerEvent = z.infer<typeof eventSchema>;
type LedgerEventType = LedgerEvent["type"];
