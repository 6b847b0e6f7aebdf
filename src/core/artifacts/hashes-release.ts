// Which release a hashes.json is of. Its names carry the version, and the edits take the names and
// digests from it: a file of another release would put that release's lines in this one's PR, or
// find them already there and call the checkout up to date.
import type { Config } from "../config/schema.js";
import { sourceArchiveName, targetArtifacts } from "../request/plan.js";
import type { Version } from "../request/version.js";
import type { ArtifactHash } from "./checksums.js";

/** The names `version` publishes under: its source archive (if mirrored) and each target's binary. */
export function releaseArtifactNames(config: Config, version: Version): string[] {
  const binaries = targetArtifacts(config, version).map((t) => t.artifact);
  const source = sourceArchiveName(config, version);
  return source === undefined ? binaries : [source, ...binaries];
}

/** The source archives and binaries in `hashes` that `version` does not publish (empty: all its own). */
export function foreignArtifacts(
  config: Config,
  version: Version,
  hashes: readonly ArtifactHash[],
): string[] {
  const own = new Set(releaseArtifactNames(config, version));
  return hashes
    .filter((h) => (h.kind === "source-archive" || h.kind === "binary") && !own.has(h.name))
    .map((h) => h.name);
}
