import { z } from "zod";
import { environmentNameSchema } from "../config/environment-name.js";
import { githubLoginSchema, repoNameSchema } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import { parseJsonInput } from "../inputs/json-input.js";
import { describeIssues } from "../inputs/validation-issues.js";
import { assertDispatchPayloadFits } from "./dispatch-payload.js";
import { type ChecksOverride, checksOverrideSchema } from "./source-gate.js";
import type { Version } from "./version.js";

/** `repository_dispatch` event type the trigger sends to the automation repo. */
export const RELEASE_REQUESTED = "release-requested";

const sha = z.string().regex(/^[0-9a-f]{40}$/, { error: "expected a 40-character lowercase hex commit sha" });

const requestFields = {
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
};

/** What a request may add to the release; optional, so nested to keep the top level fixed. */
export const requestOptionsSchema = z.strictObject({
  /** Present when a maintainer released although the source CI gate did not pass. */
  checksOverride: checksOverrideSchema.optional(),
  /** The environment (profile) to release to, e.g. dev; absent for production. */
  environment: environmentNameSchema.optional(),
});

/**
 * Payload of `release-requested` as sent, schema version 2. GitHub allows a client_payload at most
 * 10 top-level properties and less than 64 KB of JSON (REST "Create a repository dispatch event";
 * github/rest-api-description#4093): the top level holds 8 fixed fields, and everything optional
 * lives under `options`, so a new option never meets the property limit.
 */
export const releaseRequestedSchema = z.strictObject({
  schemaVersion: z.literal(2, { error: (i) => `expected schemaVersion 2, got ${JSON.stringify(i.input)}` }),
  ...requestFields,
  options: requestOptionsSchema.optional(),
});

/**
 * Version 1, which a main repo whose vendored trigger is not yet upgraded still sends: the two
 * options at the top level. Accepted so that upgrading the automation repo first breaks nothing.
 */
export const releaseRequestedV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  ...requestFields,
  checksOverride: checksOverrideSchema.optional(),
  environment: environmentNameSchema.optional(),
});

const anyReleaseRequestedSchema = z
  .discriminatedUnion("schemaVersion", [releaseRequestedSchema, releaseRequestedV1Schema], {
    error: (i) =>
      i.code === "invalid_union"
        ? `expected schemaVersion 1 or 2, got ${JSON.stringify((i.input as { schemaVersion?: unknown })?.schemaVersion)}`
        : undefined,
  })
  .transform((p): ReleaseRequested => {
    if (p.schemaVersion === 2) {
      const { schemaVersion: _v, options, ...fields } = p;
      return { ...fields, ...options };
    }
    const { schemaVersion: _v, ...fields } = p;
    return fields;
  });

/** The payload as it is sent. */
export type ReleaseRequestedPayload = z.infer<typeof releaseRequestedSchema>;
/** A received request, either schema version, with its options read out. */
export type ReleaseRequested = Omit<ReleaseRequestedPayload, "schemaVersion" | "options"> &
  z.infer<typeof requestOptionsSchema>;

/** Validates a received `release-requested` payload (JSON text or object) before anything else happens. */
export function parseReleaseRequested(input: unknown): ReleaseRequested {
  // Only JSON here: the payload is validated below, with every problem named.
  const value =
    typeof input === "string"
      ? parseJsonInput(
          input,
          z.unknown(),
          "release-requested payload",
          "pass the dispatch client_payload as JSON (toJSON(github.event.client_payload))",
          "E_PAYLOAD",
        )
      : input;
  const result = anyReleaseRequestedSchema.safeParse(value, { reportInput: true });
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
): ReleaseRequestedPayload {
  const options = {
    ...(trigger.checksOverride ? { checksOverride: trigger.checksOverride } : {}),
    ...(trigger.environment ? { environment: trigger.environment } : {}),
  };
  const payload: ReleaseRequestedPayload = {
    schemaVersion: 2,
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
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
  parseReleaseRequested(payload);
  return assertDispatchPayloadFits(RELEASE_REQUESTED, payload);
}
