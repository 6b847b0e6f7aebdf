import { z } from "zod";
import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import { describeIssues } from "../inputs/validation-issues.js";
import type { LedgerEvent } from "./events.js";

// A downstream report: what a downstream repo's report-status workflow saw of the release's PR (its
// CI, its merge), of an image build or of a published page, sent to the automation repo.

/** The `repository_dispatch` event type of a downstream report. */
export const DOWNSTREAM_REPORT = "downstream-report";

/**
 * The event type report-status workflows installed earlier send: the automation repo's status
 * workflow still listens to it, so downstream repos can update after the automation repo.
 */
export const EARLIER_DOWNSTREAM_REPORT = "downstream-status";

/** A downstream report's payload, schema version 1. */
export const downstreamReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  releaseId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}@\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/),
  repo: z.string().regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/),
  kind: z.enum(["ci", "merged", "closed", "image-build", "page-published"]),
  state: z.enum(["pending", "success", "failure"]).optional(),
  // Links end up in the tracking issue: web addresses only, never javascript: or data: URLs.
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  sha: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  image: z
    .strictObject({
      digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
      tags: z.array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/)).max(100),
    })
    .optional(),
  runId: z.string().regex(/^\d{1,20}$/),
});

export type DownstreamReport = z.infer<typeof downstreamReportSchema>;

/** Validates a report from a downstream repo and turns it into a ledger event; repos not in the config are refused. */
export function reportToEvent(input: unknown, config: Config, version: string, at: string): LedgerEvent {
  const parsed = downstreamReportSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      `downstream report is invalid:\n${describeIssues(parsed.error.issues)
        .map((l) => `  ${l}`)
        .join("\n")}`,
      "send it with the report-status workflow of the same release-relay version",
    );
  }
  const p = parsed.data;
  if (p.releaseId !== `${config.project}@${version}`) {
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      `downstream report is for ${p.releaseId}, not ${config.project}@${version}`,
      "check the version the report was sent for",
    );
  }
  const downstream = config.downstream.find((d) => d.repo.toLowerCase() === p.repo.toLowerCase());
  if (!downstream) {
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      `downstream report from ${p.repo}, which is not a downstream in release-relay.yml`,
      "only configured downstream repos may report; add it to downstream or ignore the report",
    );
  }
  // A pull request is merged (or closed) once: however many runs report it, it is one fact.
  const once = p.kind === "merged" || p.kind === "closed";
  const base = {
    id: once
      ? `report:${downstream.name}:${p.kind}`
      : `report:${downstream.name}:${p.kind}:${p.runId}:${p.state ?? "done"}`,
    at,
    ...(p.url ? { runUrl: p.url } : {}),
  };
  switch (p.kind) {
    case "ci":
      if (!p.state)
        throw new ReleaseRelayError(
          "E_PAYLOAD",
          "a ci report needs state",
          "send pending, success or failure",
        );
      return {
        ...base,
        type: "downstream-ci",
        downstream: downstream.name,
        state: p.state,
        runId: p.runId,
        ...(p.url ? { url: p.url } : {}),
      };
    case "merged":
    case "closed":
      return {
        ...base,
        type: "pull-request-closed",
        downstream: downstream.name,
        merged: p.kind === "merged",
      };
    case "image-build":
      return {
        ...base,
        type: "image-build",
        downstream: downstream.name,
        status: p.state === "success" ? "succeeded" : "failed",
        tags: p.image?.tags ?? [],
        runId: p.runId,
        ...(p.image?.digest ? { digest: p.image.digest } : {}),
        ...(p.url ? { url: p.url } : {}),
      };
    case "page-published":
      if (!p.url)
        throw new ReleaseRelayError(
          "E_PAYLOAD",
          "a page-published report needs url",
          "send the live page's URL",
        );
      return { ...base, type: "page-published", downstream: downstream.name, url: p.url };
  }
}
