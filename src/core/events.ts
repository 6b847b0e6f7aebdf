import { z } from "zod";
import { githubLoginSchema, repoNameSchema } from "./config.js";
import { environmentNameSchema } from "./environment.js";
import { ReleaseRelayError } from "./errors.js";
import { type ChecksOverride, checksOverrideSchema } from "./source-gate.js";
import { describeIssues } from "./validation-issues.js";
import type { Version } from "./version.js";

/** `repository_dispatch` event type the trigger sends to the automation repo. */
export const RELEASE_REQUESTED = "release-requested";

const sha = z.string().regex(/^[0-9a-f]{40}$/, { error: "expected a 40-character lowercase hex commit sha" });

/**
 * Payload of `release-requested`, schema version 1. GitHub allows at most 10 top-level
 * properties in a client_payload, so details of who/what triggered it are nested.
 */
export const releaseRequestedSchema = z.strictObject({
  schemaVersion: z.literal(1, { error: (i) => `expected schemaVersion 1, got ${JSON.stringify(i.input)}` }),
  releaseId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}@\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/)
    .max(64),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/)
    .max(128),
  sha,
  sourceRepo: repoNameSchema,
  prerelease: z.boolean(),
  trigger: z.strictObject({
    actor: githubLoginSchema,
    event: z.enum(["push", "release", "workflow_dispatch", "rehearsal"]),
    at: z.iso.datetime(),
    runUrl: z.url().max(512).optional(),
  }),
  /** Present when a maintainer released although the source CI gate did not pass. */
  checksOverride: checksOverrideSchema.optional(),
  /** The environment (profile) to release to, e.g. dev; absent for production. */
  environment: environmentNameSchema.optional(),
});

export type ReleaseRequested = z.infer<typeof releaseRequestedSchema>;

/** Validates a received `release-requested` payload (JSON text or object) before anything else happens. */
export function parseReleaseRequested(input: unknown): ReleaseRequested {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new ReleaseRelayError(
        "E_PAYLOAD",
        `release-requested payload is not JSON: ${(error as Error).message}`,
        "pass the dispatch client_payload as JSON (toJSON(github.event.client_payload))",
      );
    }
  }
  const result = releaseRequestedSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      `release-requested payload is invalid:\n${describeIssues(result.error.issues)
        .map((l) => `  ${l}`)
        .join("\n")}`,
      "send it with the release-relay trigger action of the same major version",
    );
  }
  if (result.data.releaseId.split("@")[1] !== result.data.version) {
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      `release-requested payload: releaseId ${result.data.releaseId} does not name version ${result.data.version}`,
      "send it with the release-relay trigger action",
    );
  }
  return result.data;
}

/** Who and what asked for a release. */
export interface TriggerInfo {
  actor: string;
  event: ReleaseRequested["trigger"]["event"];
  at: string;
  runUrl?: string | undefined;
  checksOverride?: ChecksOverride | undefined;
  environment?: string | undefined;
}

/** Builds the `release-requested` payload for a validated tag; validated again so a sender never emits what a receiver refuses. */
export function buildReleaseRequested(
  project: string,
  version: Version,
  sha: string,
  sourceRepo: string,
  trigger: TriggerInfo,
): ReleaseRequested {
  return parseReleaseRequested({
    schemaVersion: 1,
    releaseId: `${project}@${version.version}`,
    version: version.version,
    tag: version.tag,
    sha,
    sourceRepo,
    prerelease: version.isPrerelease,
    trigger: {
      actor: trigger.actor,
      event: trigger.event,
      at: trigger.at,
      ...(trigger.runUrl ? { runUrl: trigger.runUrl } : {}),
    },
    ...(trigger.checksOverride ? { checksOverride: trigger.checksOverride } : {}),
    ...(trigger.environment ? { environment: trigger.environment } : {}),
  });
}
