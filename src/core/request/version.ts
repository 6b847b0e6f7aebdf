import semver from "semver";
import { z } from "zod";
import { ReleaseRelayError } from "../errors.js";

/** A release version parsed from a tag. */
export interface Version {
  tag: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** `rc1` for `8.1.0-rc1`, `rc.1` for `8.1.0-rc.1`, "" for a stable release. */
  prerelease: string;
  isPrerelease: boolean;
  /** `8.0` — the maintenance line a release belongs to. */
  line: string;
}

/** A release version as an input (action input, CLI flag): MAJOR.MINOR.PATCH[-PRERELEASE]. */
export const versionInputSchema = z
  .string()
  .max(64)
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: "expected the release version, e.g. 8.0.2" });

const MAX_TAG_LENGTH = 128;
// Whatever tags.pattern allows, a tag reaches shells, URLs and branch names: keep it to this set.
const SAFE_TAG = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** Validates a pushed tag against `tags.pattern` and parses the version it names. */
export function parseTag(tag: string, pattern: string): Version {
  const shown = JSON.stringify(tag.length > 60 ? `${tag.slice(0, 57)}...` : tag);
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || !SAFE_TAG.test(tag) || tag.includes("..")) {
    throw new ReleaseRelayError(
      "E_TAG_UNSAFE",
      `tag ${shown} is not a release tag: ${tag.length > MAX_TAG_LENGTH ? `longer than ${MAX_TAG_LENGTH} characters` : "only ASCII letters, digits and . _ + - are allowed"}`,
      "delete the tag and push one like 8.0.2",
    );
  }
  const match = new RegExp(pattern).exec(tag);
  if (!match) {
    const bare = tag.replace(/^v(?=\d)/, "");
    const suggestion =
      bare !== tag && new RegExp(pattern).test(bare)
        ? `push ${JSON.stringify(bare)}`
        : "push a tag that matches";
    throw new ReleaseRelayError(
      "E_TAG_PATTERN",
      `tag ${shown} does not match tags.pattern ${pattern}`,
      `${suggestion} or change tags.pattern in release-relay.yml`,
    );
  }
  const raw = match.groups?.version ?? tag;
  return parseVersion(raw, tag);
}

/** Parses a version string (`8.0.2`, `8.1.0-rc1`, `8.1.0-rc.1`); strict semver, no `v`, no build metadata. */
export function parseVersion(raw: string, tag = raw): Version {
  const parsed = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(raw) ? semver.parse(raw) : null;
  if (!parsed) {
    throw new ReleaseRelayError(
      "E_VERSION_INVALID",
      `${JSON.stringify(raw)} is not a MAJOR.MINOR.PATCH[-PRERELEASE] version`,
      /^v\d+\.\d+\.\d+/.test(raw)
        ? `give the version ${raw.slice(1)}, not its tag ${raw}`
        : "use a version like 8.0.2 or 8.1.0-rc1",
    );
  }
  const prerelease = parsed.prerelease.join(".");
  return {
    tag,
    version: parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease,
    isPrerelease: prerelease !== "",
    line: `${parsed.major}.${parsed.minor}`,
  };
}

/** Parses a list of already-released version strings, skipping lines that are not versions. */
export function parseReleasedVersions(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && semver.valid(l) !== null);
}

/**
 * Container tags for a release: always the version itself; `8.0` / `8` / `latest` only while it is
 * the highest stable release of its line / major / overall. Release candidates get no floating tag.
 */
export function floatingTags(version: Version, released: readonly string[]): string[] {
  const tags = [version.version];
  if (version.isPrerelease) return tags;
  const stable = released.filter((v) => semver.valid(v) && semver.prerelease(v) === null);
  const highest = (filter: (v: string) => boolean) =>
    stable.filter(filter).every((v) => semver.lte(v, version.version));
  if (highest((v) => semver.major(v) === version.major && semver.minor(v) === version.minor))
    tags.push(version.line);
  if (highest((v) => semver.major(v) === version.major)) tags.push(String(version.major));
  if (highest(() => true)) tags.push("latest");
  return tags;
}

/** One reason a version must not be released. */
export interface VersionConflict {
  kind: "already-released" | "downgrade" | "prerelease-after-stable";
  message: string;
  hint: string;
}

/** An already-released version, with the commit it was built from when known. */
export interface ReleasedVersion {
  version: string;
  commit?: string;
}

/**
 * Why `candidate` (built from `commit`) must not be released, given what was released before.
 * The same version from the same commit is a rerun, not a conflict.
 */
export function findVersionConflicts(
  candidate: Version,
  commit: string,
  released: readonly ReleasedVersion[],
): VersionConflict[] {
  const conflicts: VersionConflict[] = [];
  const same = released.find((r) => semver.valid(r.version) && semver.eq(r.version, candidate.version));
  // A rerun of a release that exists is judged when it was first released, not against what came since.
  if (same && same.commit === commit) return [];
  if (same) {
    conflicts.push({
      kind: "already-released",
      message: `${candidate.version} was already released${same.commit ? ` from ${same.commit.slice(0, 12)}` : ""}, not from ${commit.slice(0, 12)}`,
      hint: `release the next version (${semver.inc(candidate.version, "patch")}) instead; a released version never changes`,
    });
  }
  const sameLine = released
    .map((r) => r.version)
    .filter(
      (v) => semver.valid(v) && semver.major(v) === candidate.major && semver.minor(v) === candidate.minor,
    );
  const newer = sameLine.filter(
    (v) => semver.gt(v, candidate.version) && (candidate.isPrerelease || semver.prerelease(v) === null),
  );
  if (newer.length > 0) {
    const top = semver.rsort([...newer])[0] as string;
    const isStableOfSame = candidate.isPrerelease && semver.prerelease(top) === null;
    conflicts.push({
      kind: isStableOfSame ? "prerelease-after-stable" : "downgrade",
      message: isStableOfSame
        ? `${candidate.version} is a release candidate for a line that already has stable ${top}`
        : `${candidate.version} is lower than ${top}, already released on the ${candidate.line} line`,
      hint: `release a version above ${top} (e.g. ${semver.inc(top, "patch")})`,
    });
  }
  return conflicts;
}

/**
 * A `git describe`-style version for a build that is not a release tag:
 * `8.0.2` + 12 commits at 1a2b3c4 → `8.1.0-dev.12+g1a2b3c4` (bump "minor") or `8.0.3-dev.12+g1a2b3c4` ("patch");
 * after a release candidate the version stays on it: `8.1.0-rc1.dev.3+g…`, which sorts between rc1 and rc2.
 */
export function devVersion(describe: string, bump: "minor" | "patch" = "minor"): string {
  const match = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)-(\d+)-g([0-9a-f]{7,40})$/.exec(describe.trim());
  if (!match) {
    throw new ReleaseRelayError(
      "E_VERSION_INVALID",
      `${JSON.stringify(describe)} is not \`git describe --tags --long\` output`,
      "expect TAG-COMMITS-gSHA, e.g. 8.0.2-12-g1a2b3c4",
    );
  }
  const [, base, distance, sha] = match as unknown as [string, string, string, string];
  const v = parseVersion(base);
  if (distance === "0") return v.version;
  const short = sha.slice(0, 7);
  if (v.isPrerelease) return `${v.version}.dev.${distance}+g${short}`;
  const next = semver.inc(v.version, bump) as string;
  return `${next}-dev.${distance}+g${short}`;
}
