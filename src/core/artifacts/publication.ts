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

/** The public keys a release may publish beside its files (GPG, minisign, PEM), named as sign-upload names them. */
export const PUBLISHED_KEY_NAMES = ["release-key.asc", "minisign.pub", "release-key.pem"] as const;

/** The S3 key of a file published for a release that the plan gives no key: a versioned name under the prefix. */
export function releaseObjectKey(config: Config, version: string, name: string): string {
  return `${config.upload.prefix}${config.project}-${version}-${name}`;
}

/**
 * Where a file is published: its planned key (else its versioned name under upload.prefix), moved
 * under `prefix` when the step is given one in place of upload.prefix.
 */
export function publishedKey(
  config: Config,
  version: string,
  prefix: string,
  entry: Pick<ArtifactHash, "name" | "key">,
): string {
  const planned = entry.key ?? releaseObjectKey(config, version, entry.name);
  return planned.startsWith(config.upload.prefix)
    ? prefix + planned.slice(config.upload.prefix.length)
    : planned;
}

/**
 * The manifest published as hashes.json: compute-hashes' entries at the keys they were published
 * under, then the signatures. compute-hashes' own file stays as it was, for reruns.
 */
export function publishedManifest(
  expected: readonly ArtifactHash[],
  keyOf: ReadonlyMap<string, string>,
  signatures: readonly ArtifactHash[],
): ArtifactHash[] {
  return [
    ...expected.map((h) => {
      const key = keyOf.get(h.name);
      return key === undefined ? h : { ...h, key };
    }),
    ...signatures,
  ];
}

/** A published file that is a signature (`.asc` of gpg, `.minisig` of minisign). */
export const isSignatureFile = (name: string): boolean => /\.(asc|minisig)$/.test(name);

/** One object the release published. */
export interface PublishedFile {
  name: string;
  key: string;
  url: string;
  sha256: string;
  outcome: "created" | "unchanged";
}

/** The publish step's job summary: what was created, what was already there. */
export function renderPublishedSummary(published: readonly PublishedFile[]): string {
  const created = published.filter((p) => p.outcome === "created").length;
  const rows = published.map((p) => `| \`${p.name}\` | \`${p.key}\` | ${p.outcome} |`);
  return `## Published\n\n${created} created, ${published.length - created} unchanged.\n\n| File | Key | Outcome |\n| --- | --- | --- |\n${rows.join("\n")}\n`;
}
