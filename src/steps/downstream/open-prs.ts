// The PR stage: each downstream's release change opened as a PR (or pushed, or sent by dispatch),
// in plan order; one failing downstream does not stop the others, only those that come after it.
import { dirname, resolve } from "node:path";
import { appliedChange, generatedChange } from "../../adapters/downstream/change.js";
import { readGeneratedEdits } from "../../adapters/downstream/generated-edits-file.js";
import { DownstreamPullRequests } from "../../adapters/downstream/pull-request.js";
import { unifiedDiff } from "../../adapters/downstream/text-diff.js";
import { createGitHubClient, type GitHubClient } from "../../adapters/github/client.js";
import { type ClientFor, installationClients } from "../../adapters/github/installation-clients.js";
import { sendRepositoryDispatch } from "../../adapters/github/repository-dispatch.js";
import type { RunContext } from "../../adapters/run-context.js";
import type { ArtifactHash } from "../../core/artifacts/checksums.js";
import type { Config, Downstream } from "../../core/config/schema.js";
import {
  dispatchSent,
  knownWithoutPullRequest,
  notAttemptedAfter,
} from "../../core/downstream/downstream-attempts.js";
import { type GeneratedEdits, runsGenerator } from "../../core/downstream/generated-edits.js";
import { renderPullRequestBody } from "../../core/downstream/pull-request-body.js";
import { releaseBranch } from "../../core/downstream/release-branch.js";
import { buildReleasePublished } from "../../core/downstream/release-published.js";
import type { DownstreamResult } from "../../core/downstream/stage-results.js";
import { type EditValues, renderTemplate } from "../../core/downstream/template.js";
import { describeError, ReleaseRelayError } from "../../core/errors.js";
import { containerTagsOf, containerTagsSource } from "../../core/github-release/container-tags.js";
import { orderDownstream } from "../../core/request/plan.js";
import type { Version } from "../../core/request/version.js";
import type { OpenPrsSettings } from "./downstream-inputs.js";
import { loadDownstreamRelease } from "./downstream-release.js";

export interface OpenPrsDeps {
  github: GitHubClient;
  /** Each downstream repo's client, by its owner's installation token (default: github for all). */
  clientFor?: ClientFor | undefined;
  /** Where release-relay.yml is: template files are found beside it. */
  configDir: string;
  /** The release date when the settings give none (YYYY-MM-DD). */
  today: string;
}

/** The release data every downstream edit sees. */
interface Release {
  config: Config;
  version: Version;
  hashes: ArtifactHash[];
  values: EditValues;
  trackingUrl: string | undefined;
  /** Downstreams whose PR the ledger holds; undefined when not known. */
  recordedPrs: readonly string[] | undefined;
  templates: (path: string) => string | undefined;
  /** What the generate job's scripts made; undefined when it handed nothing over, the refusal when it is refused. */
  generated: GeneratedEdits | ReleaseRelayError | undefined;
}

/** A dispatch downstream: sent the release's files and hashes once, by repository_dispatch. */
async function dispatchOne(
  github: GitHubClient,
  d: Downstream & { dispatch: NonNullable<Downstream["dispatch"]> },
  r: Release,
): Promise<DownstreamResult> {
  const base = { downstream: d.name, repo: d.repo, files: [] as string[] };
  const payload = buildReleasePublished(r.config, r.version, d.name, r.hashes, r.trackingUrl);
  if (d.mode === "dry-run")
    return {
      ...base,
      outcome: "dry-run",
      diff: `repository_dispatch ${d.dispatch.eventType} to ${d.repo}:\n${JSON.stringify(payload, null, 2)}\n`,
    };
  if (dispatchSent(r.recordedPrs, d.name)) return { ...base, outcome: "unchanged" };
  await sendRepositoryDispatch(github, d.repo, d.dispatch.eventType, payload);
  return { ...base, outcome: "dispatched" };
}

async function oneDownstream(github: GitHubClient, d: Downstream, r: Release): Promise<DownstreamResult> {
  const base = { downstream: d.name, repo: d.repo, files: [] as string[] };
  if (d.mode === "off") return { ...base, outcome: "skipped" };
  if (d.dispatch) return dispatchOne(github, { ...d, dispatch: d.dispatch }, r);
  const prs = new DownstreamPullRequests(github, {
    repo: d.repo,
    baseBranch: d.baseBranch,
    branch: releaseBranch(r.version.version, d.name),
    title: renderTemplate(d.pr.title, r.values, `downstream ${d.name} pr.title`),
    commitMessage: renderTemplate(d.pr.commitMessage, r.values, `downstream ${d.name} pr.commit-message`),
    labels: d.pr.labels,
    draft: d.pr.draft,
    mode: d.mode === "push" ? "push" : "pr",
  });
  const { current, edited, executable } = runsGenerator(d, r.version.isPrerelease)
    ? await generatedChange(prs, d, r.generated, r.version.version, r.values)
    : await appliedChange(prs, d, r.values, r.version.isPrerelease, r.templates);
  const files = edited.map((f) => f.path);
  if (d.mode === "dry-run") {
    return {
      ...base,
      outcome: "dry-run",
      files,
      diff: edited.map((f) => unifiedDiff(f.path, f.before, f.after)).join(""),
    };
  }
  const body = d.pr.body
    ? renderTemplate(d.pr.body, r.values, `downstream ${d.name} pr.body`)
    : renderPullRequestBody({
        releaseId: `${r.config.project}@${r.version.version}`,
        downstream: d.name,
        files,
        hashes: r.hashes,
        trackingUrl: r.trackingUrl,
      });
  const outcome = await prs.publish(
    current,
    edited.map((f) => ({ path: f.path, content: f.after, executable: executable.has(f.path) })),
    body,
    knownWithoutPullRequest(r.recordedPrs, d.name),
  );
  return {
    ...base,
    files,
    outcome: outcome.action,
    headSha: outcome.headSha,
    ...(outcome.number ? { number: outcome.number, url: outcome.url } : {}),
    ...releaseContainerTags(r.config, d.name, r.values),
  };
}

/** The image tags this downstream's change sets, when github-release.container-tags names its output. */
function releaseContainerTags(
  config: Config,
  downstream: string,
  values: EditValues,
): Pick<DownstreamResult, "containerTags" | "warning"> {
  const ref = config.githubRelease?.containerTags;
  if (ref === undefined || containerTagsSource(ref).downstream !== downstream) return {};
  const { tags, refused } = containerTagsOf(ref, values[ref]);
  // A refused output records no tags, so the release does not go on naming an earlier change's.
  return refused
    ? { containerTags: [], warning: `the GitHub Release names no container tags: ${refused}` }
    : { containerTags: tags };
}

/** Opens or updates every downstream's PR; one failing downstream does not stop the others. */
export async function openDownstreamPrs(
  settings: OpenPrsSettings,
  config: Config,
  deps: OpenPrsDeps,
): Promise<DownstreamResult[]> {
  const { version, hashes, values, templates } = await loadDownstreamRelease(settings, config, deps);
  const release: Release = {
    config,
    version,
    hashes,
    values,
    trackingUrl: settings.trackingIssueUrl,
    recordedPrs: settings.recordedPrs,
    // A refused file fails only the downstreams that need it: the others' PRs still open.
    generated: settings.generatedEdits
      ? await readGeneratedEdits(settings.generatedEdits).catch((error: unknown) => {
          if (error instanceof ReleaseRelayError) return error;
          throw error;
        })
      : undefined,
    templates,
  };
  const results: DownstreamResult[] = [];
  for (const d of orderDownstream(config.downstream)) {
    try {
      const failed = results.filter((r) => r.outcome === "failed").map((r) => r.downstream);
      const refused = notAttemptedAfter(d.after, failed, "which failed");
      if (refused) throw refused;
      results.push(await oneDownstream(deps.clientFor?.(d.repo) ?? deps.github, d, release));
    } catch (error) {
      results.push({
        downstream: d.name,
        repo: d.repo,
        outcome: "failed",
        files: [],
        error: describeError(error),
      });
    }
  }
  return results;
}

/** The PR stage's clients, from its settings and the runner's environment. */
export function openPrsDeps(
  settings: Pick<OpenPrsSettings, "token" | "tokens" | "configPath">,
  config: Config,
  context: RunContext,
): OpenPrsDeps {
  const make = (token: string) => createGitHubClient({ token, baseUrl: context.apiUrl });
  return {
    github: make(settings.token),
    clientFor: installationClients(config, settings.tokens ?? [settings.token], make),
    configDir: dirname(resolve(settings.configPath)),
    today: new Date().toISOString().slice(0, 10),
  };
}
