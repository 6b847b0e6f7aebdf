import * as core from "@actions/core";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { readRunContext } from "../adapters/run-context.js";
import type { Config } from "../core/config.js";
import { environmentNameSchema, PRODUCTION } from "../core/environment.js";
import { ReleaseRelayError } from "../core/errors.js";
import { parseReleaseRequested } from "../core/events.js";
import { planRelease, type ReleasePlan } from "../core/plan.js";
import { renderPlanSummary } from "../core/plan-summary.js";
import { parseTag } from "../core/version.js";

const INPUTS = ["config-path", "environment", "payload", "version", "sha", "requested-at"] as const;

const buildMatrixInputsSchema = z
  .object({
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    payload: z.string().optional(),
    version: z.string().optional(),
    sha: z
      .string()
      .regex(/^[0-9a-f]{40}$/, { error: "expected a 40-character commit sha" })
      .optional(),
    "requested-at": z.iso
      .datetime({ error: "expected an ISO 8601 UTC time like 2025-01-07T12:00:00Z" })
      .optional(),
  })
  .refine((i) => (i.payload === undefined) !== (i.version === undefined), {
    error: "give exactly one of `payload` (the release-requested client_payload) or `version`",
  })
  .refine((i) => i.version === undefined || i.sha !== undefined, {
    error: "`version` needs `sha`: the commit the release tag points at",
  })
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    payload: i.payload,
    version: i.version,
    sha: i.sha,
    requestedAt: i["requested-at"],
  }));

export type BuildMatrixSettings = z.output<typeof buildMatrixInputsSchema>;

/** Plans the release from a dispatch payload (or a version + sha for reruns). */
export function runBuildMatrix(
  settings: BuildMatrixSettings,
  config: Config,
  context: { serverUrl: string; now: () => Date },
): ReleasePlan {
  if (settings.payload !== undefined) {
    const payload = parseReleaseRequested(settings.payload);
    if (payload.sourceRepo.toLowerCase() !== config.source.repo.toLowerCase()) {
      throw new ReleaseRelayError(
        "E_SOURCE_REPO",
        `release requested for ${payload.sourceRepo}, but release-relay.yml releases ${config.source.repo}`,
        "dispatch only from the configured source repo",
      );
    }
    if ((payload.environment ?? PRODUCTION) !== (config.environment ?? PRODUCTION))
      throw new ReleaseRelayError(
        "E_PAYLOAD",
        `release requested for environment ${payload.environment ?? PRODUCTION}, but this step plans for ${config.environment ?? PRODUCTION}`,
        "pass the request's environment to every release-relay step, as release.yml does (the environment input, from client_payload.environment)",
      );
    const version = parseTag(payload.tag, config.tags.pattern);
    if (version.version !== payload.version) {
      throw new ReleaseRelayError(
        "E_PAYLOAD",
        `payload version ${payload.version} does not match tag ${payload.tag} (${version.version})`,
        "send the payload with the trigger action",
      );
    }
    const plan = planRelease({
      config,
      version,
      commit: payload.sha,
      requestedAt: payload.trigger.at,
      serverUrl: context.serverUrl,
    });
    return payload.checksOverride ? { ...plan, checksOverride: payload.checksOverride } : plan;
  }
  // For reruns the input names the tag; it is held to tags.pattern like a pushed tag.
  const version = parseTag(settings.version as string, config.tags.pattern);
  return planRelease({
    config,
    version,
    commit: settings.sha as string,
    requestedAt: settings.requestedAt ?? context.now().toISOString(),
    serverUrl: context.serverUrl,
  });
}

/** Entry point of actions/build-matrix. */
export async function main(): Promise<void> {
  const settings = readInputs(buildMatrixInputsSchema, INPUTS);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const plan = runBuildMatrix(settings, config, { serverUrl: context.serverUrl, now: () => new Date() });
  core.setOutput("matrix", JSON.stringify(plan.matrix));
  core.setOutput("version", plan.version);
  core.setOutput("prerelease", String(plan.prerelease));
  core.setOutput("release-id", plan.releaseId);
  core.setOutput("environment", plan.environment ?? "");
  core.setOutput("plan", JSON.stringify(plan));
  await core.summary.addRaw(renderPlanSummary(plan)).write();
}
