import { z } from "zod";
import { parseHashesFile } from "../artifacts/checksums.js";
import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import { containerTagListSchema, tagsDigest } from "../github-release/container-tags.js";
import { parseJsonInput } from "../inputs/json-input.js";
import type { LedgerEvent } from "./events.js";
import { STAGES, type Stage } from "./stages.js";

/** One entry of open-downstream-prs' `prs` output. */
export const prResultSchema = z.object({
  downstream: z.string(),
  repo: z.string(),
  outcome: z.enum(["opened", "updated", "unchanged", "pushed", "dispatched", "dry-run", "skipped", "failed"]),
  number: z.number().int().positive().optional(),
  url: z.url().optional(),
  headSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  files: z.array(z.string()).default([]),
  /** The image tags the change sets, for the downstream github-release.container-tags names. */
  containerTags: containerTagListSchema.optional(),
  error: z.string().optional(),
});

export type PrResult = z.infer<typeof prResultSchema>;

/**
 * The id of a downstream PR's record: open-downstream-prs and a report that found the PR on GitHub
 * record the same id, so the PR is recorded once whichever comes first.
 */
export function pullRequestEventId(downstream: string, number: number, headSha: string | undefined): string {
  return `pull-request:${downstream}:${number}:${headSha ?? "unknown"}`;
}

/**
 * The ledger events for what open-downstream-prs did, one per downstream. Ids are content-derived,
 * so recording the same outcome again (a rerun that changed nothing) appends nothing.
 */
export function pullRequestEvents(prsJson: string, config: Config, runId: string, at: string): LedgerEvent[] {
  const results = parseJsonInput(
    prsJson,
    z.array(prResultSchema),
    "input prs",
    "pass the prs output of open-downstream-prs unchanged",
  );
  const events: LedgerEvent[] = [];
  for (const r of results) {
    if (
      !config.downstream.some((d) => d.name === r.downstream && d.repo.toLowerCase() === r.repo.toLowerCase())
    )
      throw new ReleaseRelayError(
        "E_INPUT",
        `input prs names ${r.downstream} (${r.repo}), which is not a configured downstream`,
        "check release-relay.yml",
      );
    if (
      (r.outcome === "opened" || r.outcome === "updated" || r.outcome === "unchanged") &&
      r.number &&
      r.url
    ) {
      events.push({
        id: pullRequestEventId(r.downstream, r.number, r.headSha),
        at,
        type: "pull-request",
        downstream: r.downstream,
        repo: r.repo,
        number: r.number,
        url: r.url,
        ...(r.headSha ? { headSha: r.headSha } : {}),
        action: r.outcome,
      });
    }
    if (r.containerTags && ["opened", "updated", "unchanged", "pushed"].includes(r.outcome))
      // One record per commit and tags: the same change again appends nothing; a rerun on a moved
      // base, or one whose output for the same commit differs (refused: none), is a new record,
      // which the state takes as the latest.
      events.push({
        id: `container-tags:${r.downstream}:${r.headSha ?? "no-commit"}:${tagsDigest(r.containerTags)}`,
        at,
        type: "container-tags",
        downstream: r.downstream,
        tags: r.containerTags,
      });
    if (r.outcome === "dispatched") {
      const eventType = config.downstream.find((d) => d.name === r.downstream)?.dispatch?.eventType;
      if (!eventType)
        throw new ReleaseRelayError(
          "E_INPUT",
          `input prs says ${r.downstream} was dispatched, but it is not a dispatch downstream`,
          "check release-relay.yml",
        );
      events.push({
        id: `downstream-dispatched:${r.downstream}`,
        at,
        type: "downstream-dispatched",
        downstream: r.downstream,
        repo: r.repo,
        eventType,
      });
    } else if (r.outcome === "failed") {
      events.push({
        id: `downstream-failed:${r.downstream}:${runId}`,
        at,
        type: "downstream-failed",
        downstream: r.downstream,
        error: (r.error ?? "failed").slice(0, 2000),
      });
    } else if (r.outcome === "skipped" || r.outcome === "dry-run") {
      events.push({
        id: `downstream-skipped:${r.downstream}:${r.outcome}`,
        at,
        type: "downstream-skipped",
        downstream: r.downstream,
        reason:
          r.outcome === "dry-run"
            ? "dry-run: the diff is in the job summary"
            : (r.error ?? "skipped").slice(0, 500),
      });
    }
  }
  return events;
}

/** The ledger events for a release's published files (hashes.json), one per file, recorded once. */
export function artifactEvents(hashesJson: string, at: string): LedgerEvent[] {
  const files = parseHashesFile(hashesJson, "hashes-file");
  return files.map((a) => ({
    id: `artifact:${a.name}:${a.sha256}`,
    at,
    type: "artifact" as const,
    name: a.name,
    state: "uploaded" as const,
    size: a.size,
    sha256: a.sha256,
    ...(a.url ? { url: a.url } : {}),
  }));
}

/** Who recorded an event: the attempt (`<run id>-<attempt>`), the workflow run, its URL. */
export interface RecordingRun {
  runId: string;
  workflowRunId?: string | undefined;
  runUrl?: string | undefined;
}

/** One stage's outcome as a ledger event; the id is per attempt, and the run is kept for reruns. */
export function stageEvent(
  stage: Stage,
  status: "waiting" | "started" | "succeeded" | "failed" | "skipped",
  run: RecordingRun,
  at: string,
  detail?: string,
): LedgerEvent {
  return {
    ...(run.workflowRunId ? { runId: run.workflowRunId } : {}),
    id: `stage:${stage}:${status}:${run.runId}`,
    at,
    type: "stage",
    stage,
    status,
    ...(run.runUrl ? { runUrl: run.runUrl } : {}),
    ...(detail ? { detail } : {}),
  };
}

const jobResultsSchema = z.partialRecord(
  z.enum(STAGES),
  z.enum(["success", "failure", "cancelled", "skipped", ""]),
);

/**
 * Stage events from the results of the jobs that ran them (`{"build": "success", ...}`): a skipped
 * job recorded nothing (a rerun leaves finished stages as they were), a cancelled one failed.
 */
export function stageEventsFromJobResults(
  resultsJson: string,
  run: RecordingRun,
  at: string,
  details: Partial<Record<Stage, string>> = {},
  /** When GitHub says each stage's jobs ended: the recorded time of its end, when known. */
  endedAt: Partial<Record<Stage, string>> = {},
): LedgerEvent[] {
  const results = parseJsonInput(
    resultsJson,
    jobResultsSchema,
    "job-results",
    `a JSON object of stage (${STAGES.join(", ")}) to job result (success, failure, cancelled, skipped)`,
  );
  return Object.entries(results).flatMap(([stage, result]) =>
    result === "skipped" || result === ""
      ? []
      : result === "success"
        ? [stageEvent(stage as Stage, "succeeded", run, endedAt[stage as Stage] ?? at)]
        : [
            stageEvent(
              stage as Stage,
              "failed",
              run,
              endedAt[stage as Stage] ?? at,
              details[stage as Stage] ?? (result === "cancelled" ? "cancelled" : undefined),
            ),
          ],
  );
}
