import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as core from "@actions/core";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { applyEditsInDir } from "../adapters/checkout-edits.js";
import { readConfigFile } from "../adapters/config-file.js";
import { DownstreamPullRequests } from "../adapters/downstream-pr.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github.js";
import { sendRepositoryDispatch } from "../adapters/repository-dispatch.js";
import { readRunContext } from "../adapters/run-context.js";
import { unifiedDiff } from "../adapters/text-diff.js";
import { type ArtifactHash, hashesFileSchema } from "../core/checksums.js";
import { type Config, type Downstream, downstreamNameSchema } from "../core/config.js";
import { applyEdits, type EditedFile, editApplies, editedPaths } from "../core/downstream-edits.js";
import { environmentNameSchema } from "../core/environment.js";
import { describeError, ReleaseRelayError } from "../core/errors.js";
import { parseJsonInput } from "../core/json-input.js";
import { orderDownstream } from "../core/plan.js";
import { renderPullRequestBody } from "../core/pull-request-body.js";
import { buildReleasePublished } from "../core/release-published.js";
import { type EditValues, editValues } from "../core/release-values.js";
import type { PrResult } from "../core/stage-output-events.js";
import { renderTemplate } from "../core/template.js";
import {
  floatingTags,
  parseReleasedVersions,
  parseVersion,
  type Version,
  versionInputSchema,
} from "../core/version.js";

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
] as const;

const inputsSchema = z
  .object({
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    version: versionInputSchema,
    "hashes-file": z.string().min(1),
    token: z.string().min(1),
    "released-versions": z.string().default(""),
    "tracking-issue-url": z.url().optional(),
    "release-date": z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
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
  })
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    version: i.version,
    hashesFile: i["hashes-file"],
    token: i.token,
    releasedVersions: parseReleasedVersions(i["released-versions"]),
    trackingIssueUrl: i["tracking-issue-url"],
    releaseDate: i["release-date"],
    recordedPrs: i["recorded-prs"],
  }));

export type OpenPrsSettings = z.output<typeof inputsSchema>;

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
}

/** Applies a downstream's edits in a checkout of its base when one of them runs the repo's own script. */
async function editInCheckout(
  prs: DownstreamPullRequests,
  d: Downstream,
  baseSha: string,
  r: Release,
): Promise<{ edited: EditedFile[]; executable: Set<string> }> {
  const dir = await mkdtemp(join(tmpdir(), `release-relay-${d.name}-`));
  try {
    await prs.checkout(baseSha, dir);
    return await applyEditsInDir(dir, d, r.values, r.version.isPrerelease, r.templates);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
  const scripted = d.edits.some((e) => e.kind === "script" && editApplies(e, r.version.isPrerelease));
  const current = await prs.readBase(scripted ? [] : editedPaths(d.edits, r.values, r.version.isPrerelease));
  const { edited, executable } = scripted
    ? await editInCheckout(prs, d, current.sha, r)
    : {
        edited: applyEdits(
          d.edits,
          (p) => current.files.get(p),
          r.values,
          r.version.isPrerelease,
          r.templates,
        ),
        executable: new Set<string>(),
      };
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
  deps: { github: GitHubClient; configDir: string; today: string },
): Promise<DownstreamResult[]> {
  const version = parseVersion(settings.version);
  const hashes = hashesFileSchema.parse(JSON.parse(await readFile(settings.hashesFile, "utf8")));
  const release: Release = {
    config,
    version,
    hashes,
    values: editValues(config, {
      version,
      date: settings.releaseDate ?? deps.today,
      hashes,
      floatingTags: floatingTags(version, settings.releasedVersions),
    }),
    trackingUrl: settings.trackingIssueUrl,
    recordedPrs: settings.recordedPrs,
    templates: (path) => {
      const file = resolve(deps.configDir, path);
      return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    },
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
      results.push(await oneDownstream(deps.github, d, release));
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
  core.setSecret(settings.token);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const github = createGitHubClient({ token: settings.token, baseUrl: context.apiUrl });
  const results = await runOpenDownstreamPrs(settings, config, {
    github,
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
