import { ReleaseRelayError } from "../errors.js";
import { parseTag, parseVersion, type Version } from "./version.js";

// The literal text before the version group, when it is plain (`^v(?<version>…)` → "v",
// `^release-(?<version>…)` → "release-"): escapes of punctuation are read as the character.
const LITERAL_PREFIX = /^\^?((?:[A-Za-z0-9_/-]|\\[.\-/_])*)\(\?<version>/;

/**
 * The tag that names `version` under tags.pattern: the pattern's own literal prefix before the
 * version, the version itself, or `v` and the version, whichever the pattern takes as exactly this
 * version; undefined when none does.
 */
export function tagOfVersion(version: string, pattern: string): string | undefined {
  const prefix = LITERAL_PREFIX.exec(pattern)?.[1]?.replace(/\\(.)/g, "$1");
  const candidates = [
    ...new Set([...(prefix !== undefined ? [`${prefix}${version}`] : []), version, `v${version}`]),
  ];
  for (const tag of candidates) {
    try {
      if (parseTag(tag, pattern).version === version) return tag;
    } catch {
      // Not this form: the next.
    }
  }
  return undefined;
}

/** A version with the tag that names it under tags.pattern (the version itself when no tag does). */
export function versionUnderPattern(version: string, pattern: string): Version {
  const parsed = parseVersion(version);
  return { ...parsed, tag: tagOfVersion(parsed.version, pattern) ?? parsed.version };
}

/**
 * What a rerun names, as the release workflow's `version` input takes it: the version (`1.2.3`, as
 * the input describes) or its tag (`v1.2.3`); either way the version with its tag under tags.pattern.
 */
export function rerunVersion(input: string, pattern: string): Version {
  try {
    return parseTag(input, pattern);
  } catch (asTag) {
    let version: Version;
    try {
      version = parseVersion(input);
    } catch {
      throw asTag;
    }
    const tag = tagOfVersion(version.version, pattern);
    if (!tag)
      throw new ReleaseRelayError(
        "E_TAG_PATTERN",
        `no tag of tags.pattern ${pattern} names version ${version.version}`,
        "give the release's tag as the version input, or check tags.pattern in release-relay.yml",
      );
    return parseTag(tag, pattern);
  }
}
