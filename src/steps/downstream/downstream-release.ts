// What every downstream stage starts from: the release's version, its published hashes and the values
// its edits fill in. The generate job and open-downstream-prs read them the same way.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { readHashesFile } from "../../adapters/storage/hashes-file.js";
import type { ArtifactHash } from "../../core/artifacts/checksums.js";
import { environmentNameSchema } from "../../core/config/environment-name.js";
import type { Config } from "../../core/config/schema.js";
import { editValues } from "../../core/downstream/release-values.js";
import type { EditValues } from "../../core/downstream/template.js";
import { floatingTags, type Version, versionInputSchema } from "../../core/request/version.js";
import { versionUnderPattern } from "../../core/request/version-tag.js";

/** The action inputs both downstream stages take, as their `with:` spells them. */
export const downstreamReleaseInputs = {
  "config-path": z.string().default("release-relay.yml"),
  environment: environmentNameSchema.optional(),
  version: versionInputSchema,
  "hashes-file": z.string().min(1),
  "released-versions": z.string().default(""),
  "release-date": z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
};

/** The release as a downstream stage sees it. */
export interface DownstreamRelease {
  version: Version;
  hashes: ArtifactHash[];
  values: EditValues;
  /** A template file of the automation repo, by its path in release-relay.yml; undefined when absent. */
  templates: (path: string) => string | undefined;
}

/** Reads the hashes file and makes the values every edit of the release fills in. */
export async function loadDownstreamRelease(
  settings: {
    version: string;
    hashesFile: string;
    releaseDate?: string | undefined;
    releasedVersions: readonly string[];
  },
  config: Config,
  deps: { configDir: string; today: string },
): Promise<DownstreamRelease> {
  // The tag too ({release-notes-url} names it): the one tags.pattern gives this version.
  const version = versionUnderPattern(settings.version, config.tags.pattern);
  const hashes = await readHashesFile(settings.hashesFile);
  return {
    version,
    hashes,
    values: editValues(config, {
      version,
      date: settings.releaseDate ?? deps.today,
      hashes,
      floatingTags: floatingTags(version, settings.releasedVersions),
    }),
    templates: (path) => {
      const file = resolve(deps.configDir, path);
      return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    },
  };
}
