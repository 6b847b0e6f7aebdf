// The plan stage (build-matrix): a release request GitHub confirms, or a rerun of a recorded one,
// becomes the plan every later stage follows. A refused request for an existing release is handed
// on as one ledger line, so the refusal shows on its tracking issue.
import { readConfigFile } from "../adapters/config-file.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import { readEventSender, readRunContext, runAttemptId } from "../adapters/run-context.js";
import type { Config } from "../core/config/schema.js";
import type { LedgerEvent } from "../core/ledger/events.js";
import { planRelease, type ReleasePlan } from "../core/request/plan.js";
import {
  checkRerunSha,
  refusedVersion,
  requestedVersion,
  withVerifiedRequest,
} from "../core/request/planned-request.js";
import { parseReleaseRequested } from "../core/request/release-requested.js";
import type { Version } from "../core/request/version.js";
import { rerunVersion } from "../core/request/version-tag.js";
import { refusedRequestEvent, verifyReleaseRequest, verifyRerunCommit } from "./verify-request.js";

/** What build-matrix is given: a request's payload, or for a rerun the version (one of the two). */
export interface PlanSettings {
  configPath: string;
  environment?: string | undefined;
  /** Reads the source repo and the ledger. */
  token: string;
  /** The release-requested client_payload (JSON). */
  payload?: string | undefined;
  /** A rerun's version (tag). */
  version?: string | undefined;
  /** A rerun's commit, if given: it must be the recorded one. */
  sha?: string | undefined;
  /** A rerun's request time when the ledger has none. */
  requestedAt?: string | undefined;
}

/** What planning needs from the world: GitHub (the source repo's tag, branches, runs; the ledger). */
export interface PlanContext {
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
export async function planRequest(
  settings: PlanSettings,
  config: Config,
  context: PlanContext,
): Promise<ReleasePlan> {
  const verify = { github: context.github, serverUrl: context.serverUrl, log: context.log };
  if (settings.payload !== undefined) {
    const payload = parseReleaseRequested(settings.payload);
    const version = requestedVersion(payload, config);
    const verified = await verifyReleaseRequest(
      payload,
      version,
      config,
      context.sender ?? "(nobody)",
      verify,
    );
    const plan = planRelease({
      config,
      version,
      commit: verified.commit,
      requestedAt: payload.trigger.at,
      serverUrl: context.serverUrl,
    });
    return withVerifiedRequest(plan, verified);
  }
  // For reruns the input names the version or its tag; the tag is held to tags.pattern like a pushed
  // tag, and the commit is the ledger's as long as the tag still points at it.
  const version = rerunVersion(settings.version as string, config.tags.pattern);
  const rerun = await verifyRerunCommit(version, config, verify);
  checkRerunSha(settings.sha, rerun.commit, version);
  return planRelease({
    config,
    version,
    commit: rerun.commit,
    requestedAt: rerun.requestedAt ?? settings.requestedAt ?? context.now().toISOString(),
    serverUrl: context.serverUrl,
  });
}

/**
 * The plan stage in a workflow run. A refused request for an existing release is handed to
 * `refused` as the ledger line that records it (release.yml records it) before the error goes on.
 */
export async function planInRun(
  settings: PlanSettings,
  log: (line: string) => void,
  refused: (line: LedgerEvent, version: Version) => void,
): Promise<ReleasePlan> {
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const github = createGitHubClient({ token: settings.token, baseUrl: context.apiUrl });
  const sender = readEventSender();
  try {
    return await planRequest(settings, config, {
      github,
      serverUrl: context.serverUrl,
      sender,
      now: () => new Date(),
      log,
    });
  } catch (error) {
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
    if (line && version) refused(line, version);
    throw error;
  }
}
