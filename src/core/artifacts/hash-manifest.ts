// What compute-hashes holds the built files to and how it lists them: exactly the plan's artifacts,
// each from its own target's build, the source archive of the commit built, and one entry per file
// in hashes.json.
import { ReleaseRelayError } from "../errors.js";
import { parseJsonInput } from "../inputs/json-input.js";
import { type ReleasePlan, releasePlanSchema } from "../request/plan.js";
import type { ArtifactHash } from "./checksums.js";
import { type DownloadedFile, misplacedArtifacts } from "./placement.js";

/** The `plan` input: build-matrix's plan output, unchanged. */
export const parsePlanInput = (text: string): ReleasePlan =>
  parseJsonInput(text, releasePlanSchema, "input plan", "pass the `plan` output of build-matrix unchanged");

/**
 * Refuses files that are not exactly the plan's binaries (one missing, one extra), and files that came
 * in another target's build artifact.
 */
export function checkPlannedArtifacts(files: readonly DownloadedFile[], plan: ReleasePlan): void {
  const names = new Set(files.map((f) => f.name));
  const planned = new Map(plan.artifacts.map((a) => [a.name, a]));
  const unplanned = [...names].filter((n) => planned.get(n)?.kind !== "binary");
  const missing = plan.artifacts.filter((a) => a.kind === "binary" && !names.has(a.name)).map((a) => a.name);
  if (unplanned.length > 0 || missing.length > 0)
    throw new ReleaseRelayError(
      "E_INPUT",
      [
        missing.length ? `missing artifacts: ${missing.join(", ")}` : "",
        unplanned.length ? `artifacts not in the plan: ${unplanned.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; "),
      "every target of the build matrix must produce exactly its planned artifact; rerun the failed builds",
    );
  // A file is taken only from its own target's artifact: another upload of the run cannot stand in.
  const misplaced = misplacedArtifacts(files, plan);
  if (misplaced.length > 0)
    throw new ReleaseRelayError(
      "E_INPUT",
      `artifacts from the wrong build: ${misplaced.join("; ")}`,
      "each target's build uploads only build-<target>-<commit>; rerun with the build stage, and look for what else uploaded build-* artifacts",
    );
}

/**
 * The source archive is served by tag name: a tag moved since the request would publish another
 * commit's source beside binaries built from the requested one. `archived` is the commit the archive
 * says it is of (undefined when it does not say).
 */
export function checkSourceArchiveCommit(archived: string | undefined, plan: ReleasePlan, url: string): void {
  if (archived && archived !== plan.commit)
    throw new ReleaseRelayError(
      "E_TAMPERED",
      `the source archive of tag ${plan.tag} (${url}) is of commit ${archived}, not ${plan.commit}, the commit this release built: the tag moved after the release was requested`,
      `put the tag back on ${plan.commit}, or yank ${plan.version} and release a new version from the new commit`,
    );
}

/** One file's entry in hashes.json, at its planned key and URL when the plan has them. */
export function hashEntry(
  name: string,
  kind: ArtifactHash["kind"],
  digest: { size: number; sha256?: string | undefined; sha512?: string | undefined },
  planned?: { key?: string | undefined; url?: string | undefined },
): ArtifactHash {
  return {
    name,
    kind,
    size: digest.size,
    sha256: digest.sha256 as string,
    ...(digest.sha512 ? { sha512: digest.sha512 } : {}),
    ...(planned?.key ? { key: planned.key } : {}),
    ...(planned?.url ? { url: planned.url } : {}),
  };
}

/** The hash stage's job summary: every file with its kind, size and SHA-256. */
export function renderHashesSummary(hashes: readonly ArtifactHash[]): string {
  const rows = hashes.map((h) => `| \`${h.name}\` | ${h.kind} | ${h.size} | \`${h.sha256}\` |`);
  return `## Checksums\n\n| File | Kind | Bytes | SHA-256 |\n| --- | --- | --- | --- |\n${rows.join("\n")}\n`;
}
