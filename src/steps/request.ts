// The request stage (the root action, in the source repo): a tag becomes one `release-requested`
// dispatch to the automation repo, once the tag, the run and the source gate pass.
import { existsSync } from "node:fs";
import { readConfigFile } from "../adapters/config-file.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import { githubError } from "../adapters/github/errors.js";
import { readRepoFile } from "../adapters/github/repo-files.js";
import { sendRepositoryDispatch } from "../adapters/github/repository-dispatch.js";
import { readTagCommit } from "../adapters/github/tag-commit.js";
import type { RunContext } from "../adapters/run-context.js";
import { applyEnvironment } from "../core/config/environment.js";
import { parseConfig } from "../core/config/parse.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import {
  buildReleaseRequested,
  RELEASE_REQUESTED,
  type ReleaseRequested,
} from "../core/request/release-requested.js";
import { checkRequestingRun, requestEvent, resolveTag } from "../core/request/request-origin.js";
import { parseTag } from "../core/request/version.js";
import { passSourceGate } from "./source-gate.js";

/** What the trigger action is given. */
export interface RequestSettings {
  /** `owner/name` of the automation repo the dispatch goes to. */
  automationRepo: string;
  /** May dispatch to the automation repo. */
  token: string;
  /** Reads the source repo (tag, branches, checks); the token when not given. */
  sourceToken: string;
  /** The tag to release; default: the pushed tag. */
  tag?: string | undefined;
  configPath: string;
  environment?: string | undefined;
  /** A maintainer's reason to release although CI is not green (runs started by hand only). */
  overrideReason?: string | undefined;
}

/** What the trigger needs from the world. */
export interface RequestDeps {
  /** Sends the dispatch to the automation repo. */
  github: GitHubClient;
  /** Reads the source repo: tag, branches, checks. */
  source: GitHubClient;
  loadConfig: () => Promise<Config>;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

/** The commit being released: the run's own for a tag push or release, else the tag's as GitHub has it. */
async function taggedCommit(context: RunContext, tag: string, repo: string, source: GitHubClient) {
  if (context.ref === `refs/tags/${tag}` && context.sha) return context.sha;
  let sha: string | undefined;
  try {
    sha = await readTagCommit(source, repo, tag);
  } catch (error) {
    throw githubError(
      error,
      `read tag ${tag} of ${repo}`,
      `give the source-token "Contents: read" on ${repo}`,
    );
  }
  if (!sha)
    throw new ReleaseRelayError(
      "E_INPUT",
      `tag ${tag} does not exist in ${repo}`,
      "push the tag first, or pass the name of an existing tag",
    );
  return sha;
}

/**
 * Validates the tag, passes the source gate (release branch, green CI) and sends `release-requested`
 * to the automation repo; nothing is sent for a bad tag or a failing gate.
 */
export async function requestRelease(
  settings: RequestSettings,
  context: RunContext,
  deps: RequestDeps,
): Promise<ReleaseRequested> {
  const tag = resolveTag(settings.tag, context.ref);
  const config = await deps.loadConfig();
  const version = parseTag(tag, config.tags.pattern);
  checkRequestingRun(context, config, settings.overrideReason);
  const sha = await taggedCommit(context, tag, config.source.repo, deps.source);
  const checksOverride = await passSourceGate(
    config,
    version,
    sha,
    settings.overrideReason ? { by: context.actor, reason: settings.overrideReason } : undefined,
    {
      github: deps.source,
      sleep: deps.sleep,
      now: () => deps.now().getTime(),
      log: deps.log,
      // The request-release job is itself a check run on the tag's commit, running while it waits.
      runUrl: context.runUrl,
    },
  );
  const payload = buildReleaseRequested(config.project, version, sha, config.source.repo, {
    actor: context.actor,
    event: requestEvent(context.eventName),
    at: deps.now().toISOString(),
    runUrl: context.runUrl,
    checksOverride,
    environment: config.environment,
  });
  await sendRepositoryDispatch(deps.github, settings.automationRepo, RELEASE_REQUESTED, payload);
  return payload;
}

/**
 * The trigger's world in a workflow run: GitHub with each token, and release-relay.yml from this
 * checkout, else from the automation repo.
 */
export function requestDeps(
  settings: RequestSettings,
  context: RunContext,
  log: (line: string) => void,
): RequestDeps {
  // The request-release job may run 45 minutes (its timeout-minutes), most of it waiting for CI: a
  // rate limit is waited out only if it lifts within 40 minutes of the start.
  const deadline = new Date(Date.now() + 40 * 60_000);
  const github = createGitHubClient({ token: settings.token, baseUrl: context.apiUrl, deadline });
  const source =
    settings.sourceToken === settings.token
      ? github
      : createGitHubClient({ token: settings.sourceToken, baseUrl: context.apiUrl, deadline });
  const loadConfig = async (): Promise<Config> => {
    if (existsSync(settings.configPath)) return readConfigFile(settings.configPath, settings.environment);
    const text = await readRepoFile(github, settings.automationRepo, settings.configPath);
    if (text === undefined) {
      throw new ReleaseRelayError(
        "E_CONFIG",
        `${settings.configPath} is neither in this checkout nor in ${settings.automationRepo}`,
        "commit release-relay.yml to the automation repo (release-relay init), or set config-path",
      );
    }
    return applyEnvironment(
      parseConfig(text, `${settings.automationRepo}/${settings.configPath}`),
      settings.environment,
    );
  };
  return {
    github,
    source,
    loadConfig,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log,
  };
}
