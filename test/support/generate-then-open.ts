import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeGeneratedEdits } from "../../src/adapters/downstream/generated-edits-file.js";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import type { Config } from "../../src/core/config/schema.js";
import type { GeneratedEdits } from "../../src/core/downstream/generated-edits.js";
import type { OpenPrsSettings } from "../../src/steps/downstream/downstream-inputs.js";
import { generateDownstreamEdits } from "../../src/steps/downstream/generate-edits.js";
import { openDownstreamPrs } from "../../src/steps/downstream/open-prs.js";

/**
 * The generate job's step, as the release workflow runs it: with a client that holds no token,
 * writing generated-edits.json; returns its path and what it holds.
 */
export async function generateEdits(
  apiUrl: string,
  settings: Pick<OpenPrsSettings, "version" | "hashesFile" | "releasedVersions" | "releaseDate">,
  config: Config,
  configDir: string,
): Promise<{ file: string; generated: GeneratedEdits }> {
  const github = createGitHubClient({ token: "", baseUrl: apiUrl, retryAfterBaseValue: 1 });
  const generated = await generateDownstreamEdits(
    {
      configPath: join(configDir, "release-relay.yml"),
      environment: undefined,
      version: settings.version,
      hashesFile: settings.hashesFile,
      releasedVersions: settings.releasedVersions,
      releaseDate: settings.releaseDate,
      output: "",
    },
    config,
    { github, configDir, today: settings.releaseDate ?? "2025-01-07" },
  );
  const file = join(mkdtempSync(join(tmpdir(), "generated-")), "generated-edits.json");
  await writeGeneratedEdits(file, generated);
  return { file, generated };
}

/** The generate job, then the downstream job with what it made: the PR stage of a release. */
export async function generateThenOpen(
  apiUrl: string,
  settings: OpenPrsSettings,
  config: Config,
  deps: { github: GitHubClient; configDir: string; today: string },
) {
  const { file } = await generateEdits(apiUrl, settings, config, deps.configDir);
  return openDownstreamPrs({ ...settings, generatedEdits: file }, config, deps);
}
