// track-status's inputs, validated, and the events they ask the step to record.
import { z } from "zod";
import {
  EXTRA_TOKEN_INPUTS,
  extraTokenInputs,
  installationTokens,
} from "../adapters/github/installation-clients.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import { parseJsonInput } from "../core/inputs/json-input.js";
import { reportToEvent } from "../core/ledger/downstream-report.js";
import { type LedgerEvent, ledgerEventSchema, STAGES } from "../core/ledger/events.js";
import { stageEvent } from "../core/ledger/stage-output-events.js";
import { releasePlanSchema } from "../core/request/plan.js";
import { versionInputSchema } from "../core/request/version.js";

export const INPUTS = [
  "config-path",
  "environment",
  "version",
  "token",
  "event",
  "stage",
  "status",
  "detail",
  "report",
  "plan",
  "rerun",
  "prs",
  "hashes-file",
  "job-results",
  "qualify-logs",
  "approvals-of-run",
  "run-token",
  "app-slug",
  "sweep",
  "progress-of-run",
  "awaiting-approval",
  "awaiting-stages",
  "starting",
  ...EXTRA_TOKEN_INPUTS,
] as const;

/** A comma-separated list of stages (build,qualify). */
const commaList = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);
const stageList = commaList.pipe(z.array(z.enum(STAGES)).min(1));

export const inputsSchema = z
  .object({
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    version: versionInputSchema.optional(),
    token: z.string().min(1),
    ...extraTokenInputs,
    event: z.string().optional(),
    stage: z.enum(STAGES).optional(),
    status: z.enum(["started", "succeeded", "failed", "skipped"]).optional(),
    detail: z.string().max(2000).optional(),
    report: z.string().optional(),
    plan: z.string().optional(),
    prs: z.string().optional(),
    "hashes-file": z.string().optional(),
    "job-results": z.string().optional(),
    "qualify-logs": z.string().optional(),
    "approvals-of-run": z
      .string()
      .regex(/^\d{1,20}$/, { error: "expected a workflow run id (github.run_id)" })
      .optional(),
    "run-token": z.string().min(1).optional(),
    "app-slug": z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
        error: "expected a GitHub App slug (create-github-app-token's app-slug output)",
      })
      .optional(),
    sweep: z.literal("open-releases", { error: 'expected "open-releases"' }).optional(),
    "progress-of-run": z
      .string()
      .regex(/^\d{1,20}$/, { error: "expected a workflow run id (github.run_id)" })
      .optional(),
    "awaiting-approval": z
      .string()
      .regex(/^[^\s/][^/]{0,254}$/, { error: "expected a deployment environment's name (e.g. release)" })
      .optional(),
    starting: stageList.optional(),
    "awaiting-stages": stageList.optional(),
    rerun: z
      .string()
      .transform((s) =>
        s === "failed" || s === "all"
          ? s
          : s
              .split(",")
              .map((x) => x.trim())
              .filter(Boolean),
      )
      .pipe(z.union([z.literal("failed"), z.literal("all"), z.array(z.enum(STAGES)).min(1)]))
      .optional(),
  })
  // A job's outcome (job-results, prs, hashes-file) may be recorded together; anything else alone.
  .refine(
    (i) =>
      [
        i.event,
        i.stage,
        i.report,
        i.plan,
        i.rerun,
        i.sweep,
        i.prs ?? i["hashes-file"] ?? i["job-results"] ?? i["qualify-logs"] ?? i["approvals-of-run"],
      ].filter((x) => x !== undefined).length <= 1,
    {
      error:
        "give one of `event`, `stage` + `status`, `report`, `plan`, `rerun`, `sweep`, or `job-results` / `prs` / `hashes-file` / `qualify-logs` / `approvals-of-run`",
    },
  )
  .refine((i) => (i.stage === undefined) === (i.status === undefined), {
    error: "`stage` and `status` go together",
  })
  .refine((i) => (i["awaiting-approval"] === undefined) === (i["awaiting-stages"] === undefined), {
    error: "`awaiting-approval` (the environment) and `awaiting-stages` go together",
  })
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    // A report names its release ("<project>@<version>"); the payload is validated in full later.
    // A sweep looks at every open release; each is then tracked under its own version.
    version: i.version ?? (i.sweep ? "" : versionOfReport(i.report as string)),
    sweep: i.sweep,
    token: i.token,
    event: i.event,
    stage: i.stage,
    status: i.status,
    detail: i.detail,
    report: i.report,
    plan: i.plan,
    rerun: i.rerun,
    prs: i.prs,
    hashesFile: i["hashes-file"],
    jobResults: i["job-results"],
    qualifyLogsDir: i["qualify-logs"],
    approvalsOfRun: i["approvals-of-run"],
    runToken: i["run-token"],
    appSlug: i["app-slug"],
    progressOfRun: i["progress-of-run"],
    awaitingApproval: i["awaiting-approval"],
    awaitingStages: i["awaiting-stages"],
    starting: i.starting,
    /** Every installation's token: reports from downstream repos of other owners are read with theirs. */
    tokens: installationTokens({ token: i.token, token2: i["token-2"], token3: i["token-3"] }),
  }));

function versionOfReport(report: string): string {
  const releaseId = /"releaseId"\s*:\s*"[^"@]*@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)"/.exec(report)?.[1];
  if (!releaseId)
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      "downstream report has no valid releaseId",
      "send it with the report-status workflow",
    );
  return releaseId;
}

export type TrackStatusSettings = z.output<typeof inputsSchema>;

/** Who is running, for event ids and links. */
export interface RunInfo {
  /** Unique per attempt: `<run id>-<attempt>`. */
  runId: string;
  runUrl: string | undefined;
  /** The workflow run id alone, recorded so a rerun can take a stage's artifacts from it. */
  workflowRunId?: string | undefined;
  actor?: string | undefined;
  /** The GitHub server the run is on: the dashboard links only to its pages. */
  serverUrl?: string | undefined;
  /** The account GitHub names as the sender of the event the run is for. */
  sender?: string | undefined;
}

/** The events this step's own inputs ask it to record, validated before anything is written. */
export function eventsFromSettings(
  settings: TrackStatusSettings,
  config: Config,
  run: RunInfo,
  now: string,
): LedgerEvent[] {
  const link = run.runUrl ? { runUrl: run.runUrl } : {};
  if (settings.event !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(settings.event);
    } catch {
      throw new ReleaseRelayError("E_INPUT", "input event is not JSON", "pass a ledger event as JSON");
    }
    const parsed = ledgerEventSchema.safeParse({ at: now, ...link, ...(raw as object) });
    if (!parsed.success)
      throw new ReleaseRelayError(
        "E_INPUT",
        `input event is not a ledger event: ${parsed.error.issues[0]?.message}`,
        "see src/core/ledger.ts for the event types",
      );
    return [parsed.data];
  }
  if (settings.plan !== undefined) {
    const plan = parseJsonInput(
      settings.plan,
      releasePlanSchema,
      "input plan",
      "pass the plan output of build-matrix unchanged",
    );
    const request: LedgerEvent = {
      id: `request:${plan.commit}`,
      at: now,
      type: "request",
      tag: plan.tag,
      commit: plan.commit,
      requestedAt: plan.buildTime,
      ...(plan.checksOverride ? { checksOverride: plan.checksOverride } : {}),
      ...(plan.requestedBy ? { by: plan.requestedBy } : {}),
      ...(plan.unverified?.length ? { unverified: plan.unverified } : {}),
      ...link,
    };
    // Without a qualify command the stage is settled here, once: the release does not wait for it.
    const noQualify: LedgerEvent = {
      id: "stage:qualify:skipped:not-configured",
      at: now,
      type: "stage",
      stage: "qualify",
      status: "skipped",
      detail: "no qualify command in release-relay.yml",
    };
    return plan.qualify ? [request] : [request, noQualify];
  }
  if (settings.stage && settings.status)
    return [stageEvent(settings.stage, settings.status, run, now, settings.detail)];
  if (settings.report !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(settings.report);
    } catch {
      throw new ReleaseRelayError(
        "E_PAYLOAD",
        "downstream report is not JSON",
        "pass toJSON(github.event.client_payload)",
      );
    }
    return [reportToEvent(raw, config, settings.version, now)];
  }
  return [];
}
