import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import type { ArtifactHash } from "./checksums.js";

/** Compares the artifacts about to be signed with the hashes taken at build time; any difference stops the release. */
export function checkRehash(
  expected: readonly ArtifactHash[],
  actual: readonly { name: string; sha256: string; size: number }[],
): void {
  const problems: string[] = [];
  const byName = new Map(expected.map((h) => [h.name, h]));
  for (const a of actual) {
    const h = byName.get(a.name);
    if (!h) problems.push(`${a.name} was not hashed at build time`);
    else if (h.sha256 !== a.sha256 || h.size !== a.size) {
      problems.push(
        `${a.name} changed since it was built (sha256 ${a.sha256.slice(0, 16)}…, built ${h.sha256.slice(0, 16)}…)`,
      );
    }
  }
  for (const h of expected) {
    if ((h.kind === "binary" || h.kind === "checksums") && !actual.some((a) => a.name === h.name))
      problems.push(`${h.name} is missing`);
  }
  if (problems.length > 0) {
    throw new ReleaseRelayError(
      "E_TAMPERED",
      `artifacts do not match their build-time hashes: ${problems.join("; ")}`,
      "nothing was signed or uploaded; rebuild from the tag and investigate how the files changed",
    );
  }
}

/** The S3 key of a file published for a release that the plan gives no key: a versioned name under the prefix. */
export function releaseObjectKey(config: Config, version: string, name: string): string {
  return `${config.upload.prefix}${config.project}-${version}-${name}`;
}
