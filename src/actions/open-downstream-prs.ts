import { dirname, resolve } from "node:path";
import * as core from "@actions/core";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { appliedChange, generatedChange } from "../adapters/downstream/change.js";
import { readGeneratedEdits } from "../adapters/downstream/generated-edits-file.js";
import { DownstreamPullRequests } from "../adapters/downstream/pull-request.js";
import { unifiedDiff } from "../adapters/downstream/text-diff.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import {
  type ClientFor,
  EXTRA_TOKEN_INPUTS,
  extraTokenInputs,
  installationClients,
  installationTokens,
} from "../adapters/github/installation-clients.js";
import { sendRepositoryDispatch } from "../adapters/github/repository-dispatch.js";
import { readRunContext } from "../adapters/run-context.js";
import type { ArtifactHash } from "../core/artifacts/checksums.js";
import { type Config, type Downstream, downstreamNameSchema } from "../core/config/schema.js";
import { type GeneratedEdits, runsGenerator } from "../core/downstream/generated-edits.js";
import { renderPullRequestBody } from "../core/downstream/pull-request-body.js";
import { buildReleasePublished } from "../core/downstream/release-published.js";
import type { EditValues } from "../core/downstream/template.js";
import { renderTemplate } from "../core/downstream/template.js";
import { describeError, ReleaseRelayError } from "../core/errors.js";
import { parseJsonInput } from "../core/inputs/json-input.js";
import type { PrResult } from "../core/ledger/stage-output-events.js";
import { orderDownstream } from "../core/request/plan.js";
import { parseReleasedVersions, type Version } from "../core/request/version.js";
import { downstreamReleaseInputs, loadDownstreamRelease } from "../steps/downstream-release.js";

const INPUTS = [
  "config-path",
  "environment",
  "version",
  "hashes-file",
  "token",
  "released-versions",
  "tracking-issue-url",
  "release-date",
  "recorded-prs",
  "generated-edits",
  ...EXTRA_TOKEN_INPUTS,
] as const;

const inputsSchema = z
  .object({
    ...downstreamReleaseInputs,
    token: z.string().min(1),
    ...extraTokenInputs,
    "tracking-issue-url": z.url().optional(),
    // Unset: every downstream's release branch is looked up before anything is written.
    "recorded-prs": z
      .string()
      .optional()
      .transform((text) =>
        text
          ? parseJsonInput(
              text,
              z.array(downstreamNameSchema),
              "input recorded-prs",
              "pass the recorded-prs output of track-status unchanged",
            )
          : undefined,
      ),
    "generated-edits": z.string().optional(),
  })
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    version: i.version,
    hashesFile: i["hashes-file"],
    token: i.token,
    tokens: installationTokens({ token: i.token, token2: i["token-2"], token3: i["token-3"] }),
    releasedVersions: parseReleasedVersions(i["released-versions"]),
    trackingIssueUrl: i["tracking-issue-url"],
    releaseDate: i["release-date"],
    recordedPrs: i["recorded-prs"],
    generatedEdits: i["generated-edits"],
  }));

/** The action's inputs; `generatedEdits` is needed only by a config whose downstreams run scripts. */
export type OpenPrsSettings = Omit<z.output<typeof inputsSchema>, "generatedEdits" | "tokens"> & {
  generatedEdits?: string;
  /** Every installation's token, in installationsOf order (default: token alone). */
  tokens?: (string | undefined)[];
};

/** What happened in one downstream repo. */
export interface DownstreamResult {
  downstream: string;
  repo: string;
  /** The same outcomes track-status reads back (prResultSchema). */
  outcome: PrResult["outcome"];
  number?: number;
  url?: string;
  headSha?: string;
  files: string[];
  diff?: string;
  error?: string;
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
  // A dispatch cannot be looked up afterwards: the ledger is what says it was sent.
  if (r.recordedPrs?.includes(d.name)) return { ...base, outcome: "unchanged" };
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
    branch: `release-relay/${r.version.version}/${d.name}`,
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
    r.recordedPrs !== undefined && !r.recordedPrs.includes(d.name),
  );
  return {
    ...base,
    files,
    outcome: outcome.action,
    headSha: outcome.headSha,
    ...(outcome.number ? { number: outcome.number, url: outcome.url } : {}),
  };
}

/** Opens or updates every downstream's PR; one failing downstream does not stop the others. */
export async function runOpenDownstreamPrs(
  settings: OpenPrsSettings,
  config: Config,
  deps: {
    github: GitHubClient;
    /** Each downstream repo's client, by its owner's installation token (default: github for all). */
    clientFor?: ClientFor | undefined;
    configDir: string;
    today: string;
  },
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
      // A downstream that uses another's outputs cannot be right when that one failed.
      const failedFirst = results.filter((r) => r.outcome === "failed" && d.after.includes(r.downstream));
      if (failedFirst.length > 0)
        throw new ReleaseRelayError(
          "E_DOWNSTREAM",
          `not attempted: it comes after ${failedFirst.map((r) => r.downstream).join(", ")}, which failed`,
          "fix that downstream first; a rerun then does both",
        );
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

/** The job summary: one row per downstream, and the full diff of dry-run ones. */
export function renderPrSummary(results: readonly DownstreamResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.downstream} | ${r.repo} | ${r.outcome} | ${r.url ? `[#${r.number}](${r.url})` : ""} | ${r.error ? r.error.replaceAll("|", "\\|") : r.files.map((f) => `\`${f}\``).join(" ")} |`,
  );
  const diffs = results
    .filter((r) => r.diff)
    .map((r) => `### ${r.downstream} (dry-run: nothing was opened)\n\n\`\`\`diff\n${r.diff}\`\`\`\n`);
  return [
    `## Downstream PRs`,
    "",
    "| Downstream | Repo | Outcome | PR | Files / error |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    ...diffs,
  ].join("\n");
}

/** Entry point of actions/open-downstream-prs. */
export async function main(): Promise<void> {
  const settings = readInputs(inputsSchema, INPUTS);
  const tokens = settings.tokens ?? [settings.token];
  for (const token of tokens) if (token) core.setSecret(token);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const make = (token: string) => createGitHubClient({ token, baseUrl: context.apiUrl });
  const results = await runOpenDownstreamPrs(settings, config, {
    github: make(settings.token),
    clientFor: installationClients(config, tokens, make),
    configDir: dirname(resolve(settings.configPath)),
    today: new Date().toISOString().slice(0, 10),
  });
  core.setOutput("prs", JSON.stringify(results.map(({ diff: _diff, ...r }) => r)));
  await core.summary.addRaw(renderPrSummary(results)).write();
  const failed = results.filter((r) => r.outcome === "failed");
  if (failed.length > 0) {
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${failed.length} downstream(s) failed: ${failed.map((f) => `${f.downstream}: ${f.error}`).join("; ")}`,
      "the others were opened; fix these and rerun (only what is missing is redone)",
    );
  }
}
