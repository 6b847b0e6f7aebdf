import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as core from "@actions/core";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { applyEditsInDir } from "../adapters/downstream/checkout-edits.js";
import { editsDigest, writeGeneratedEdits } from "../adapters/downstream/generated-edits-file.js";
import { snapshotSymlinks } from "../adapters/downstream/script-edit.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import { checkoutPublicBase } from "../adapters/github/public-repo.js";
import { readRunContext } from "../adapters/run-context.js";
import type { Config, Downstream } from "../core/config/schema.js";
import {
  boundedError,
  GENERATED_EDITS_FILE,
  type GeneratedDownstream,
  type GeneratedEdits,
  generatedDownstreamSchema,
  runsGenerator,
} from "../core/downstream/generated-edits.js";
import type { EditValues } from "../core/downstream/template.js";
import { describeError, ReleaseRelayError } from "../core/errors.js";
import { describeIssues } from "../core/inputs/validation-issues.js";
import { orderDownstream } from "../core/request/plan.js";
import { parseReleasedVersions } from "../core/request/version.js";
import { downstreamReleaseInputs, loadDownstreamRelease } from "../steps/downstream-release.js";

const INPUTS = [
  "config-path",
  "environment",
  "version",
  "hashes-file",
  "released-versions",
  "release-date",
  "output",
] as const;

const inputsSchema = z
  .object({
    ...downstreamReleaseInputs,
    output: z.string().default(`generated-edits/${GENERATED_EDITS_FILE}`),
  })
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    version: i.version,
    hashesFile: i["hashes-file"],
    releasedVersions: parseReleasedVersions(i["released-versions"]),
    releaseDate: i["release-date"],
    output: i.output,
  }));

export type GenerateSettings = z.output<typeof inputsSchema>;

/**
 * One downstream's generator, run on its base branch as GitHub serves it to anyone: the edits
 * before the script are applied too, so the script sees what it would see in the repo.
 */
async function generateOne(
  github: GitHubClient,
  d: Downstream,
  values: EditValues,
  prerelease: boolean,
  templates: (path: string) => string | undefined,
): Promise<GeneratedDownstream> {
  const dir = await mkdtemp(join(tmpdir(), `release-relay-${d.name}-`));
  try {
    const baseSha = await checkoutPublicBase(github, d.repo, d.baseBranch, dir);
    const linksBefore = await snapshotSymlinks(dir);
    const { edited, executable, outputs } = await applyEditsInDir(dir, d, values, prerelease, templates);
    for (const [path, target] of await snapshotSymlinks(dir))
      if (linksBefore.get(path) !== target)
        throw new ReleaseRelayError(
          "E_DOWNSTREAM",
          `${d.name}: the script made ${path} a symlink`,
          "release edits write regular files only; commit the link to the repo itself",
        );
    const entry = generatedDownstreamSchema.safeParse({
      status: "generated",
      repo: d.repo,
      edits: editsDigest(d),
      baseSha,
      files: edited.map((f) => ({ path: f.path, content: f.after, executable: executable.has(f.path) })),
      outputs,
    });
    if (!entry.success)
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${d.name}: the change its script made is refused: ${describeIssues(entry.error.issues).slice(0, 3).join("; ")}`,
        "a release edit changes a few text files inside the repo; make the script change less",
      );
    return entry.data;
  } finally {
    // What a script left unremovable (a directory it made unreadable) must not hide its result.
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * Runs every downstream generator (edits of kind `script`) in plan order, with a client that holds
 * no token; a script's outputs reach the generators after it. One failing downstream is recorded
 * with its error, and the downstreams after it are not attempted.
 */
export async function runGenerateDownstreamEdits(
  settings: GenerateSettings,
  config: Config,
  deps: { github: GitHubClient; configDir: string; today: string },
): Promise<GeneratedEdits> {
  const { version, values, templates } = await loadDownstreamRelease(settings, config, deps);
  const downstreams: Record<string, GeneratedDownstream> = {};
  const failed = new Set<string>();
  for (const d of orderDownstream(config.downstream)) {
    if (!runsGenerator(d, version.isPrerelease)) continue;
    try {
      const first = d.after.filter((a) => failed.has(a));
      if (first.length > 0)
        throw new ReleaseRelayError(
          "E_DOWNSTREAM",
          `not attempted: it comes after ${first.join(", ")}, whose generator failed`,
          "fix that downstream first; a rerun then does both",
        );
      downstreams[d.name] = await generateOne(deps.github, d, values, version.isPrerelease, templates);
    } catch (error) {
      failed.add(d.name);
      downstreams[d.name] = {
        status: "failed",
        repo: d.repo,
        edits: editsDigest(d),
        error: boundedError(describeError(error)),
      };
    }
  }
  return { schemaVersion: 1, version: version.version, downstreams };
}

/** The job summary: what each generator changed, or why it failed. */
function renderSummary(generated: GeneratedEdits): string {
  const rows = Object.entries(generated.downstreams).map(([name, g]) =>
    g.status === "failed"
      ? `| ${name} | ${g.repo} | failed | ${g.error.replaceAll("|", "\\|").replaceAll("\n", " ")} |`
      : `| ${name} | ${g.repo} | ${g.files.length} file(s) at ${g.baseSha.slice(0, 12)} | ${Object.keys(g.outputs).join(", ")} |`,
  );
  return [
    "## Generated downstream edits",
    "",
    rows.length
      ? "| Downstream | Repo | Change | Outputs / error |\n| --- | --- | --- | --- |"
      : "No downstream runs a script.",
    ...rows,
    "",
  ].join("\n");
}

/** Entry point of actions/generate-downstream-edits. */
export async function main(): Promise<void> {
  const settings = readInputs(inputsSchema, INPUTS);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  // No token, on purpose: the scripts run in this process's children.
  const github = createGitHubClient({ token: "", baseUrl: context.apiUrl });
  const generated = await runGenerateDownstreamEdits(settings, config, {
    github,
    configDir: dirname(resolve(settings.configPath)),
    today: new Date().toISOString().slice(0, 10),
  });
  await writeGeneratedEdits(settings.output, generated);
  await core.summary.addRaw(renderSummary(generated)).write();
  const failed = Object.entries(generated.downstreams).filter(([, g]) => g.status === "failed");
  if (failed.length > 0)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${failed.length} downstream generator(s) failed: ${failed.map(([name]) => name).join(", ")}`,
      "each error is in the generated edits and in the summary; the downstream job opens the other PRs",
    );
}
