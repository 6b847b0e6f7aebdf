// What a built file must hold to be released: bytes, files if it is an archive, and bytes of its own
// target. A build command that packs an empty staging directory (or none at all) still exits 0 and
// writes a small valid tarball; without this rule it would be signed, uploaded and "verified".
import { ReleaseRelayError } from "../errors.js";

/** The archive formats whose files are counted, by how an artifact's name ends. */
export type ArchiveFormat = "tar.gz" | "tar" | "zip";

/** The archive format an artifact's name says, or undefined for anything else (a binary, a .deb, .tar.xz…). */
export function archiveFormat(name: string): ArchiveFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) return "tar.gz";
  if (lower.endsWith(".tar")) return "tar";
  if (lower.endsWith(".zip")) return "zip";
  return undefined;
}

/** What is known of one built file when the hash stage reads it. */
export interface ArtifactFacts {
  name: string;
  /** The build target that made it (from the plan); undefined when hashed without a plan. */
  target?: string | undefined;
  /** The target is marked `architecture-independent` in release-relay.yml. */
  architectureIndependent?: boolean | undefined;
  size: number;
  sha256: string;
  /**
   * Regular files in the archive (counted at least up to one); undefined when the file is not an
   * archive or its bytes are not the format its name says.
   */
  archiveFiles?: number | undefined;
}

/** One reason a set of artifacts must not be released, with the fix. */
export interface ArtifactRefusal {
  problem: string;
  fix: string;
}

const BUILD_FIX = "fix build.command in release-relay.yml so it installs the built files before packing them";

/**
 * Everything wrong with the built files: an empty file, an archive without a single file, and one
 * file's bytes published for two targets (a build that ignored TARGET_ARCH, or copied another
 * target's output) unless every target sharing them is marked architecture-independent.
 */
export function artifactRefusals(artifacts: readonly ArtifactFacts[]): ArtifactRefusal[] {
  const refusals: ArtifactRefusal[] = [];
  for (const a of artifacts) {
    if (a.size === 0) refusals.push({ problem: `${a.name} is empty (0 bytes)`, fix: BUILD_FIX });
    else if (a.archiveFiles === 0)
      refusals.push({
        problem: `${a.name} is an archive with no files in it (${a.size} bytes: directories and headers only)`,
        fix: `${BUILD_FIX} (an empty staging directory packs into a valid, empty tarball)`,
      });
  }
  const bySha = new Map<string, ArtifactFacts[]>();
  for (const a of artifacts) {
    // An empty file or archive is already refused: that two targets packed nothing alike is no news.
    if (a.target === undefined || a.size === 0 || a.archiveFiles === 0) continue;
    bySha.set(a.sha256, [...(bySha.get(a.sha256) ?? []), a]);
  }
  for (const same of bySha.values()) {
    const targets = new Set(same.map((a) => a.target));
    if (targets.size < 2 || same.every((a) => a.architectureIndependent)) continue;
    const dependent = same.filter((a) => !a.architectureIndependent).map((a) => a.target as string);
    refusals.push({
      problem: `${same.map((a) => `${a.name} (${a.target})`).join(", ")} are byte-identical (sha256 ${same[0]?.sha256}): different targets built the same file`,
      fix: `make build.command build for TARGET_ARCH/TARGET_OS; if the file really is the same everywhere, set architecture-independent: true on target${dependent.length > 1 ? "s" : ""} ${[...new Set(dependent)].join(", ")} in build.targets`,
    });
  }
  return refusals;
}

/** Refuses the artifacts when anything is wrong with them, naming every problem and its fix at once. */
export function checkArtifactContents(artifacts: readonly ArtifactFacts[]): void {
  const refusals = artifactRefusals(artifacts);
  if (refusals.length === 0) return;
  throw new ReleaseRelayError(
    "E_INPUT",
    `built artifacts refused before anything is written or signed: ${refusals.map((r) => r.problem).join("; ")}`,
    [...new Set(refusals.map((r) => r.fix))].join("; "),
  );
}
