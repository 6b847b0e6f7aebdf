import { existsSync } from "node:fs";
import * as core from "@actions/core";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import { githubError } from "../adapters/github/errors.js";
import { readRepoFile } from "../adapters/github/repo-files.js";
import { sendRepositoryDispatch } from "../adapters/github/repository-dispatch.js";
import { readTagCommit } from "../adapters/github/tag-commit.js";
import { type RunContext, readRunContext } from "../adapters/run-context.js";
import { applyEnvironment } from "../core/config/environment.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import { parseConfig } from "../core/config/parse.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import {
  buildReleaseRequested,
  RELEASE_REQUESTED,
  type ReleaseRequested,
} from "../core/request/release-requested.js";
import { parseTag } from "../core/request/version.js";
import { passSourceGate } from "./source-gate.js";

const INPUTS = [
  "automation-repo",
  "token",
  "source-token",
  "tag",
  "config-path",
  "environment",
  "override-reason",
] as const;

const triggerInputsSchema = z
  .object({
    "automation-repo": z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+$/, { error: 'expected "owner/name" of the automation repo' }),
    token: z.string().min(1, { error: "a token that may dispatch to the automation repo is required" }),
    "source-token": z.string().min(1).optional(),
    tag: z.string().optional(),
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    "override-reason": z
      .string()
      .trim()
      .max(500, { error: "keep override-reason under 500 characters" })
      .optional(),
  })
  .transform((i) => ({
    automationRepo: i["automation-repo"],
    token: i.token,
    sourceToken: i["source-token"] ?? i.token,
    tag: i.tag,
    configPath: i["config-path"],
    environment: i.environment,
    overrideReason: i["override-reason"] || undefined,
  }));

export type TriggerSettings = z.output<typeof triggerInputsSchema>;

/** Finds the tag being released: the input, else the pushed `refs/tags/...` ref. */
export function resolveTag(input: string | undefined, ref: string): string {
  if (input) return input.replace(/^refs\/tags\//, "");
  if (ref.startsWith("refs/tags/")) return ref.slice("refs/tags/".length);
  throw new ReleaseRelayError(
    "E_INPUT",
    `no tag to release: the run is for ${JSON.stringify(ref || "no ref")}, not a tag`,
    "run the workflow on `push: tags` or `release: published`, or pass `tag:`",
  );
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

/** What the trigger needs from the world. */
export interface TriggerDeps {
  /** Sends the dispatch to the automation repo. */
  github: GitHubClient;
  /** Reads the source repo: tag, branches, checks. */
  source: GitHubClient;
  loadConfig: () => Promise<Config>;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

/**
 * Validates the tag, passes the source gate (release branch, green CI) and sends `release-requested`
 * to the automation repo; nothing is sent for a bad tag or a failing gate.
 */
export async function runTrigger(
  settings: TriggerSettings,
  context: RunContext,
  deps: TriggerDeps,
): Promise<ReleaseRequested> {
  const tag = resolveTag(settings.tag, context.ref);
  const config = await deps.loadConfig();
  const version = parseTag(tag, config.tags.pattern);
  if (context.repository.toLowerCase() !== config.source.repo.toLowerCase()) {
    throw new ReleaseRelayError(
      "E_SOURCE_REPO",
      `this run is in ${context.repository}, but release-relay.yml releases ${config.source.repo}`,
      "run the trigger only in the source repo (forks must not start releases), or fix source.repo",
    );
  }
  if (settings.overrideReason && context.eventName !== "workflow_dispatch") {
    throw new ReleaseRelayError(
      "E_INPUT",
      `override-reason is only taken from a run a maintainer starts by hand, not from a ${context.eventName} run`,
      "pass override-reason as a workflow_dispatch input (the request-release workflow's own)",
    );
  }
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
    event:
      context.eventName === "release"
        ? "release"
        : context.eventName === "push"
          ? "push"
          : "workflow_dispatch",
    at: deps.now().toISOString(),
    runUrl: context.runUrl,
    checksOverride,
    environment: config.environment,
  });
  await sendRepositoryDispatch(deps.github, settings.automationRepo, RELEASE_REQUESTED, payload);
  return payload;
}

/** Entry point of the root action.yml. */
export async function main(): Promise<void> {
  const settings = readInputs(triggerInputsSchema, INPUTS);
  core.setSecret(settings.token);
  core.setSecret(settings.sourceToken);
  const context = readRunContext();
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
  const payload = await runTrigger(settings, context, {
    github,
    source,
    loadConfig,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => core.info(line),
  });
  core.setOutput("release-id", payload.releaseId);
  core.setOutput("version", payload.version);
  core.setOutput("payload", JSON.stringify(payload));
  core.info(
    `Sent ${RELEASE_REQUESTED} for ${payload.releaseId} (${payload.sha.slice(0, 12)}) to ${settings.automationRepo}`,
  );
}
