// What one track-status call asks the ledger to record, from its inputs, validated before anything
// is written: a ledger event, the release's request (the plan of build-matrix), or a stage's outcome.
import { z } from "zod";
import { ReleaseRelayError } from "../errors.js";
import { parseJsonInput } from "../inputs/json-input.js";
import { releasePlanSchema } from "../request/plan.js";
import { type LedgerEvent, ledgerEventSchema, type Stage } from "./events.js";
import type { ReleaseState } from "./release-state.js";
import { stageEvent } from "./stage-output-events.js";

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

/** The inputs that name one thing to record (a report is verified against GitHub elsewhere). */
export interface TrackRequest {
  /** A ledger event as JSON. */
  event?: string | undefined;
  /** build-matrix's plan as JSON: the release's request. */
  plan?: string | undefined;
  stage?: Stage | undefined;
  status?: "started" | "succeeded" | "failed" | "skipped" | undefined;
  detail?: string | undefined;
}

/** The version a downstream report is for: it names its release ("<project>@<version>"). */
export function versionOfReport(report: string): string {
  const releaseId = /"releaseId"\s*:\s*"[^"@]*@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)"/.exec(report)?.[1];
  if (!releaseId)
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      "downstream report has no valid releaseId",
      "send it with the report-status workflow",
    );
  return releaseId;
}

/** The events a track-status call's own inputs ask it to record, validated before anything is written. */
export function eventsOfTrackRequest(request: TrackRequest, run: RunInfo, now: string): LedgerEvent[] {
  const link = run.runUrl ? { runUrl: run.runUrl } : {};
  if (request.event !== undefined) {
    const raw = parseJsonInput(request.event, z.unknown(), "input event", "pass a ledger event as JSON");
    const parsed = ledgerEventSchema.safeParse({ at: now, ...link, ...(raw as object) });
    if (!parsed.success)
      throw new ReleaseRelayError(
        "E_INPUT",
        `input event is not a ledger event: ${parsed.error.issues[0]?.message}`,
        "see src/core/ledger/events.ts for the event types",
      );
    return [parsed.data];
  }
  if (request.plan !== undefined) {
    const plan = parseJsonInput(
      request.plan,
      releasePlanSchema,
      "input plan",
      "pass the plan output of build-matrix unchanged",
    );
    const requested: LedgerEvent = {
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
    return plan.qualify ? [requested] : [requested, noQualify];
  }
  if (request.stage && request.status)
    return [stageEvent(request.stage, request.status, run, now, request.detail)];
  return [];
}

/** A yanked release is not rerun: what it published stays withdrawn. */
export function refuseRerunOfYanked(state: ReleaseState, version: string): void {
  const yanked = state.yanked;
  if (yanked)
    throw new ReleaseRelayError(
      "E_YANKED",
      `${version} was yanked by ${yanked.by} (${yanked.at}); a yanked release is not rerun`,
      "release a new version with the fix instead",
    );
}
