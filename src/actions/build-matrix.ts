import * as core from "@actions/core";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import { readEventSender, readRunContext, runAttemptId } from "../adapters/run-context.js";
import { environmentNameSchema, PRODUCTION } from "../core/config/environment-name.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import { planRelease, type ReleasePlan } from "../core/request/plan.js";
import { renderPlanSummary } from "../core/request/plan-summary.js";
import { parseReleaseRequested } from "../core/request/release-requested.js";
import { parseTag, type Version } from "../core/request/version.js";
import { refusedRequestEvent, verifyReleaseRequest, verifyRerunCommit } from "../steps/verify-request.js";

const INPUTS = ["config-path", "environment", "token", "payload", "version", "sha", "requested-at"] as const;

const buildMatrixInputsSchema = z
  .object({
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    token: z.string().min(1, { error: "a token that may read the source repo and the ledger is required" }),
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
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    token: i.token,
    payload: i.payload,
    version: i.version,
    sha: i.sha,
    requestedAt: i["requested-at"],
  }));

export type BuildMatrixSettings = z.output<typeof buildMatrixInputsSchema>;

/** What planning needs from the world: GitHub (the source repo's tag, branches, runs; the ledger). */
export interface BuildMatrixContext {
  github: GitHubClient;
  serverUrl: string;
  /** The account GitHub names as the event's sender (the payload cannot say who sent it). */
  sender: string | undefined;
  now: () => Date;
  log: (line: string) => void;
}

/**
 * Plans the release from a dispatch payload (or a version for reruns). The payload is a claim: the
 * commit planned is the one GitHub says the tag points at, and the request is refused when GitHub
 * disagrees with it, before anything is recorded or built.
 */
export async function runBuildMatrix(
  settings: BuildMatrixSettings,
  config: Config,
  context: BuildMatrixContext,
): Promise<ReleasePlan> {
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
        "pass the request's environment to every release-relay step, as release.yml does (the environment input, from client_payload.options.environment)",
      );
    const version = parseTag(payload.tag, config.tags.pattern);
    if (version.version !== payload.version) {
      throw new ReleaseRelayError(
        "E_PAYLOAD",
        `payload version ${payload.version} does not match tag ${payload.tag} (${version.version})`,
        "send the payload with the trigger action",
      );
    }
    const verified = await verifyReleaseRequest(payload, version, config, context.sender ?? "(nobody)", {
      github: context.github,
      serverUrl: context.serverUrl,
      log: context.log,
    });
    const plan = planRelease({
      config,
      version,
      commit: verified.commit,
      requestedAt: payload.trigger.at,
      serverUrl: context.serverUrl,
    });
    return {
      ...plan,
      ...(verified.checksOverride ? { checksOverride: verified.checksOverride } : {}),
      ...(verified.by ? { requestedBy: verified.by } : {}),
      ...(verified.unverified.length ? { unverified: verified.unverified } : {}),
    };
  }
  // For reruns the input names the tag; it is held to tags.pattern like a pushed tag, and the commit
  // is the ledger's as long as the tag still points at it.
  const version = parseTag(settings.version as string, config.tags.pattern);
  const rerun = await verifyRerunCommit(version, config, {
    github: context.github,
    serverUrl: context.serverUrl,
    log: context.log,
  });
  if (settings.sha && settings.sha !== rerun.commit)
    throw new ReleaseRelayError(
      "E_REQUEST_FORGED",
      `input sha ${settings.sha} is not ${rerun.commit}, the commit GitHub and the ledger hold for ${version.tag}`,
      "leave sha empty: a rerun builds the recorded commit",
    );
  return planRelease({
    config,
    version,
    commit: rerun.commit,
    requestedAt: rerun.requestedAt ?? settings.requestedAt ?? context.now().toISOString(),
    serverUrl: context.serverUrl,
  });
}

/** The version a request names, when it names a valid one (for recording its refusal). */
function refusedVersion(settings: BuildMatrixSettings, config: Config): Version | undefined {
  try {
    return parseTag(
      settings.payload !== undefined
        ? parseReleaseRequested(settings.payload).tag
        : (settings.version as string),
      config.tags.pattern,
    );
  } catch {
    return undefined;
  }
}

/** Entry point of actions/build-matrix. */
export async function main(): Promise<void> {
  const settings = readInputs(buildMatrixInputsSchema, INPUTS);
  core.setSecret(settings.token);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const github = createGitHubClient({ token: settings.token, baseUrl: context.apiUrl });
  const sender = readEventSender();
  let plan: ReleasePlan;
  try {
    plan = await runBuildMatrix(settings, config, {
      github,
      serverUrl: context.serverUrl,
      sender,
      now: () => new Date(),
      log: (line) => core.info(line),
    });
  } catch (error) {
    // A refused request for an existing release is handed on as one ledger line (release.yml
    // records it); no plan, matrix or version output is written.
    const version = refusedVersion(settings, config);
    const line =
      version &&
      (await refusedRequestEvent(error, version, config, {
        github,
        sender: sender ?? "(nobody)",
        runId: runAttemptId(),
        runUrl: context.runUrl,
        at: new Date().toISOString(),
      }).catch(() => undefined));
    if (line && version) {
      core.setOutput("refused", JSON.stringify(line));
      core.setOutput("refused-version", version.version);
    }
    throw error;
  }
  core.setOutput("matrix", JSON.stringify(plan.matrix));
  core.setOutput("version", plan.version);
  core.setOutput("prerelease", String(plan.prerelease));
  core.setOutput("release-id", plan.releaseId);
  core.setOutput("environment", plan.environment ?? "");
  core.setOutput("plan", JSON.stringify(plan));
  await core.summary.addRaw(renderPlanSummary(plan)).write();
}
