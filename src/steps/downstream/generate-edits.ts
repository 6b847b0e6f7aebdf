// The generate job: every downstream generator (edits of kind `script`) runs in plan order on its
// base branch, in this process's children, with a client that holds no token.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { applyEditsInDir } from "../../adapters/downstream/checkout-edits.js";
import { editsDigest } from "../../adapters/downstream/generated-edits-file.js";
import { snapshotSymlinks } from "../../adapters/downstream/script-edit.js";
import { createGitHubClient, type GitHubClient } from "../../adapters/github/client.js";
import { checkoutPublicBase } from "../../adapters/github/public-repo.js";
import type { RunContext } from "../../adapters/run-context.js";
import type { Config, Downstream } from "../../core/config/schema.js";
import { notAttemptedAfter } from "../../core/downstream/downstream-attempts.js";
import {
  boundedError,
  type GeneratedDownstream,
  type GeneratedEdits,
  generatedDownstreamSchema,
  runsGenerator,
} from "../../core/downstream/generated-edits.js";
import type { EditValues } from "../../core/downstream/template.js";
import { describeError, ReleaseRelayError } from "../../core/errors.js";
import { describeIssues } from "../../core/inputs/validation-issues.js";
import { orderDownstream } from "../../core/request/plan.js";
import type { GenerateSettings } from "./downstream-inputs.js";
import { loadDownstreamRelease } from "./downstream-release.js";

export interface GenerateDeps {
  /** Holds no token: the scripts run in this process's children. */
  github: GitHubClient;
  /** Where release-relay.yml is: template files are found beside it. */
  configDir: string;
  /** The release date when the settings give none (YYYY-MM-DD). */
  today: string;
}

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
 * Runs every downstream generator in plan order; a script's outputs reach the generators after it.
 * One failing downstream is recorded with its error, and the downstreams after it are not attempted.
 */
export async function generateDownstreamEdits(
  settings: GenerateSettings,
  config: Config,
  deps: GenerateDeps,
): Promise<GeneratedEdits> {
  const { version, values, templates } = await loadDownstreamRelease(settings, config, deps);
  const downstreams: Record<string, GeneratedDownstream> = {};
  const failed = new Set<string>();
  for (const d of orderDownstream(config.downstream)) {
    if (!runsGenerator(d, version.isPrerelease)) continue;
    try {
      const refused = notAttemptedAfter(d.after, failed, "whose generator failed");
      if (refused) throw refused;
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

/** The generate job's client (no token, on purpose) and where the config is. */
export function generateDeps(
  settings: Pick<GenerateSettings, "configPath">,
  context: RunContext,
): GenerateDeps {
  return {
    github: createGitHubClient({ token: "", baseUrl: context.apiUrl }),
    configDir: dirname(resolve(settings.configPath)),
    today: new Date().toISOString().slice(0, 10),
  };
}
