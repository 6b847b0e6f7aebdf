// One downstream's edits (its scripts too) applied to a local checkout in place, with no git and no
// API: what its PR will contain, and the outputs its scripts hand on. release-relay edit runs it.

import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { applyEditsInDir } from "../../adapters/downstream/checkout-edits.js";
import { unifiedDiff } from "../../adapters/downstream/text-diff.js";
import { readHashesFile } from "../../adapters/storage/hashes-file.js";
import { foreignArtifacts, releaseArtifactNames } from "../../core/artifacts/hashes-release.js";
import type { Config } from "../../core/config/schema.js";
import { editValues } from "../../core/downstream/release-values.js";
import { parseScriptOutputs } from "../../core/downstream/script-outputs.js";
import type { TemplateValue } from "../../core/downstream/template.js";
import { ReleaseRelayError } from "../../core/errors.js";
import { floatingTags, parseReleasedVersions, type Version } from "../../core/request/version.js";
import { versionUnderPattern } from "../../core/request/version-tag.js";

export interface EditPreviewSettings {
  configPath: string;
  downstream: string;
  version: string;
  hashesFile: string;
  /** A file of released versions, one a line (for the floating tags). */
  releasedVersionsFile?: string | undefined;
  /** The release date (YYYY-MM-DD); default: today. */
  date?: string | undefined;
  /** Outputs of the downstreams this one comes after, e.g. `container.tags[]=8.0.2`. */
  set: readonly string[];
  /** The checkout the edits are applied to. */
  dir: string;
}

export interface EditPreview {
  version: Version;
  dir: string;
  /** Each changed file's unified diff. */
  diffs: string[];
  /** What this downstream's scripts handed on, by output name. */
  outputs: [string, TemplateValue][];
}

export async function previewDownstreamEdit(
  settings: EditPreviewSettings,
  config: Config,
): Promise<EditPreview> {
  const downstream = config.downstream.find((d) => d.name === settings.downstream);
  if (!downstream) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `no downstream named ${JSON.stringify(settings.downstream)}`,
      `use one of ${config.downstream.map((d) => d.name).join(", ")}`,
    );
  }
  const version = versionUnderPattern(settings.version, config.tags.pattern);
  const hashes = await readHashesFile(settings.hashesFile, `--hashes ${settings.hashesFile}`);
  const foreign = foreignArtifacts(config, version, hashes);
  if (foreign.length > 0)
    throw new ReleaseRelayError(
      "E_INPUT",
      `--hashes ${settings.hashesFile} is not release ${version.version}'s: it lists ${foreign.join(", ")}` +
        ` (${version.version} publishes ${releaseArtifactNames(config, version).join(", ")})`,
      `pass the hashes.json compute-hashes wrote for ${version.version}, or the --version it was written for`,
    );
  const released = settings.releasedVersionsFile
    ? parseReleasedVersions(await readFile(settings.releasedVersionsFile, "utf8"))
    : [];
  const dir = resolve(settings.dir);
  const values = editValues(config, {
    version,
    date: settings.date ?? new Date().toISOString().slice(0, 10),
    hashes,
    floatingTags: floatingTags(version, released),
  });
  for (const [k, v] of Object.entries(parseScriptOutputs(settings.set.join("\n"), "--set"))) values[k] = v;
  const { edited } = await applyEditsInDir(dir, downstream, values, version.isPrerelease, (p) => {
    const file = resolve(dirname(settings.configPath), p);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  });
  return {
    version,
    dir,
    diffs: edited.map((f) => unifiedDiff(f.path, f.before, f.after)),
    outputs: Object.entries(values).filter(([k]) => k.startsWith(`${downstream.name}.`)),
  };
}
