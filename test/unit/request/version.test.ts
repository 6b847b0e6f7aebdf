import { readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { ReleaseRelayError } from "../../../src/core/errors.js";
import {
  devVersion,
  findVersionConflicts,
  floatingTags,
  parseReleasedVersions,
  parseTag,
  parseVersion,
} from "../../../src/core/request/version.js";

const PATTERN = "^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";
const DOTTED_RC = "^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\.?\\d+)?)$";
const V_PREFIX = "^v(?<version>\\d+\\.\\d+\\.\\d+)$";

const fixtures = join(import.meta.dirname, "../../fixtures/valkey");
const realVersions = parseReleasedVersions(readFileSync(join(fixtures, "released-versions.txt"), "utf8"));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseRelayError);
    return (error as ReleaseRelayError).code;
  }
  return "accepted";
}

describe("tags", () => {
  const good: [string, string, string, string][] = [
    ["8.0.2", PATTERN, "8.0.2", ""],
    ["7.2.14", PATTERN, "7.2.14", ""],
    ["10.20.300", PATTERN, "10.20.300", ""],
    ["0.0.1", PATTERN, "0.0.1", ""],
    ["8.1.0-rc1", PATTERN, "8.1.0-rc1", "rc1"],
    ["9.1.0-rc2", PATTERN, "9.1.0-rc2", "rc2"],
    ["8.1.0-rc.1", DOTTED_RC, "8.1.0-rc.1", "rc.1"],
    ["8.1.0-rc1", DOTTED_RC, "8.1.0-rc1", "rc1"],
    ["v8.0.2", V_PREFIX, "8.0.2", ""],
  ];
  it.each(good)("accepts %s under %s", (tag, pattern, version, prerelease) => {
    const v = parseTag(tag, pattern);
    expect(v.version).toBe(version);
    expect(v.tag).toBe(tag);
    expect(v.prerelease).toBe(prerelease);
    expect(v.isPrerelease).toBe(prerelease !== "");
  });

  const bad: [string, string, string][] = [
    ["v8.0.1", PATTERN, "E_TAG_PATTERN"],
    ["8.0", PATTERN, "E_TAG_PATTERN"],
    ["8", PATTERN, "E_TAG_PATTERN"],
    ["8.0.1.1", PATTERN, "E_TAG_PATTERN"],
    ["8.0.1-rc", PATTERN, "E_TAG_PATTERN"],
    ["8.0.1-beta1", PATTERN, "E_TAG_PATTERN"],
    ["8.0.1-rc.1", PATTERN, "E_TAG_PATTERN"],
    ["8.0.1 ", PATTERN, "E_TAG_UNSAFE"],
    [" 8.0.1", PATTERN, "E_TAG_UNSAFE"],
    ["８.０.１", PATTERN, "E_TAG_UNSAFE"], // fullwidth digits
    ["٨.٠.١", PATTERN, "E_TAG_UNSAFE"], // Arabic-Indic digits
    ["8.0.1;rm -rf /", PATTERN, "E_TAG_UNSAFE"],
    ["8.0.1$(id)", PATTERN, "E_TAG_UNSAFE"],
    ["8.0.1`id`", PATTERN, "E_TAG_UNSAFE"],
    ["8.0.1\nnext", PATTERN, "E_TAG_UNSAFE"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Actions expression as a tag
    ["${{ github.token }}", PATTERN, "E_TAG_UNSAFE"],
    ["1".repeat(300), PATTERN, "E_TAG_UNSAFE"],
    ["", PATTERN, "E_TAG_UNSAFE"],
    ["refs/tags/8.0.1", PATTERN, "E_TAG_UNSAFE"],
    ["8..0.1", "^.+$", "E_TAG_UNSAFE"],
    ["-8.0.1", "^.+$", "E_TAG_UNSAFE"],
    ["08.0.1", "^(?<version>\\d+\\.\\d+\\.\\d+)$", "E_VERSION_INVALID"], // leading zero: not semver
    ["8.0.1+build", "^(?<version>[0-9.+a-z]+)$", "E_VERSION_INVALID"], // build metadata is not a release
    ["release", "^(?<version>[a-z]+)$", "E_VERSION_INVALID"],
    ["8.0.2", V_PREFIX, "E_TAG_PATTERN"],
  ];
  it.each(bad)("refuses %j under %s (%s)", (tag, pattern, code) => {
    expect(codeOf(() => parseTag(tag, pattern))).toBe(code);
  });

  it("suggests the tag without v when the pattern forbids it", () => {
    try {
      parseTag("v8.0.1", PATTERN);
      expect.unreachable();
    } catch (error) {
      const e = error as ReleaseRelayError;
      expect(e.describe()).toBe(
        `E_TAG_PATTERN: tag "v8.0.1" does not match tags.pattern ${PATTERN} — push "8.0.1" or change tags.pattern in release-relay.yml`,
      );
    }
  });

  it("never echoes a huge tag whole into an error", () => {
    try {
      parseTag("9".repeat(300), PATTERN);
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(200);
      expect((error as Error).message).toContain("longer than 128 characters");
    }
  });

  it("parses major, minor, patch and line", () => {
    expect(parseVersion("8.1.3")).toMatchObject({
      major: 8,
      minor: 1,
      patch: 3,
      line: "8.1",
      isPrerelease: false,
    });
  });
});

describe("floating tags", () => {
  const before = (v: string) => realVersions.filter((r) => semver.lt(r, v));

  it("gives 8.0.2 every floating tag when it is the newest release", () => {
    const history = realVersions.filter((r) => semver.lt(r, "8.0.2") && !semver.gte(r, "7.2.8"));
    expect(floatingTags(parseVersion("8.0.2"), history)).toEqual(["8.0.2", "8.0", "8", "latest"]);
  });

  it("gives a maintenance release 7.2.8 after 8.0.0 its line and major, not latest", () => {
    // January 2025: 7.2.8 shipped after 8.0.2, when the 7.2 line ended at 7.2.7.
    const history = realVersions.filter(
      (r) => semver.lt(r, "7.2.8") || (semver.gte(r, "8.0.0-rc1") && semver.lte(r, "8.0.2")),
    );
    expect(history).toContain("8.0.0");
    expect(floatingTags(parseVersion("7.2.8"), history)).toEqual(["7.2.8", "7.2", "7"]);
  });

  it("never gives a release candidate a floating tag", () => {
    expect(floatingTags(parseVersion("9.1.0-rc1"), before("9.1.0-rc1"))).toEqual(["9.1.0-rc1"]);
    expect(floatingTags(parseVersion("9.1.0-rc2"), [])).toEqual(["9.1.0-rc2"]);
  });

  it("follows the real Valkey afternoon of 7.2.14, 8.0.10, 8.1.9, 9.0.5 and 9.1.1", () => {
    expect(floatingTags(parseVersion("7.2.14"), realVersions)).toEqual(["7.2.14", "7.2", "7"]);
    expect(floatingTags(parseVersion("8.0.10"), realVersions)).toEqual(["8.0.10", "8.0"]);
    expect(floatingTags(parseVersion("8.1.9"), realVersions)).toEqual(["8.1.9", "8.1", "8"]);
    expect(floatingTags(parseVersion("9.0.5"), realVersions)).toEqual(["9.0.5", "9.0"]);
    expect(floatingTags(parseVersion("9.1.1"), realVersions)).toEqual(["9.1.1", "9.1", "9", "latest"]);
  });

  it("over the whole real history, each line, major and latest belongs to exactly one release", () => {
    const owners = new Map<string, string[]>();
    for (const v of realVersions) {
      for (const tag of floatingTags(parseVersion(v), realVersions).slice(1)) {
        owners.set(tag, [...(owners.get(tag) ?? []), v]);
      }
    }
    for (const [tag, holders] of owners) expect(holders, tag).toHaveLength(1);
    expect(owners.get("latest")).toEqual(["9.1.1"]);
    expect(owners.get("8.0")).toEqual(["8.0.10"]);
    expect(owners.get("7")).toEqual(["7.2.14"]);
    expect([...owners.keys()].sort()).toEqual(["7", "7.2", "8", "8.0", "8.1", "9", "9.0", "9.1", "latest"]);
  });

  it("keeps older releases on a line from taking its tag", () => {
    expect(floatingTags(parseVersion("8.0.5"), realVersions)).toEqual(["8.0.5"]);
  });
});

describe("version conflicts", () => {
  const sha = (c: string) => c.repeat(40);
  const history = realVersions.map((version) => ({
    version,
    commit: version === "8.0.2" ? sha("a") : undefined,
  }));

  it("accepts a new patch release", () => {
    expect(findVersionConflicts(parseVersion("9.1.2"), sha("b"), history)).toEqual([]);
    expect(findVersionConflicts(parseVersion("7.2.15"), sha("b"), history)).toEqual([]);
  });

  it("treats the same version from the same commit as a rerun", () => {
    expect(findVersionConflicts(parseVersion("8.0.2"), sha("a"), history)).toEqual([]);
  });

  it("refuses a tag already released from another commit", () => {
    const [c] = findVersionConflicts(parseVersion("8.0.2"), sha("b"), history);
    expect(c?.kind).toBe("already-released");
    expect(c?.message).toBe("8.0.2 was already released from aaaaaaaaaaaa, not from bbbbbbbbbbbb");
    expect(c?.hint).toContain("8.0.3");
  });

  it("refuses a downgrade on a line", () => {
    const conflicts = findVersionConflicts(parseVersion("8.0.8"), sha("b"), history);
    expect(conflicts.map((c) => c.kind)).toEqual(["downgrade"]);
    expect(conflicts[0]?.message).toBe("8.0.8 is lower than 8.0.10, already released on the 8.0 line");
  });

  it("refuses an older release candidate and a candidate after the stable release", () => {
    expect(
      findVersionConflicts(parseVersion("9.1.0-rc1"), sha("c"), [{ version: "9.1.0-rc2" }])[0]?.kind,
    ).toBe("downgrade");
    expect(findVersionConflicts(parseVersion("9.1.0-rc3"), sha("c"), history)[0]?.kind).toBe(
      "prerelease-after-stable",
    );
  });

  it("does not count release candidates against a stable release", () => {
    expect(findVersionConflicts(parseVersion("9.2.0"), sha("c"), [{ version: "9.2.0-rc1" }])).toEqual([]);
  });
});

describe("dev versions", () => {
  it("describes a build after a stable tag as the next version's dev build", () => {
    expect(devVersion("8.0.2-12-g1a2b3c4d5e")).toBe("8.1.0-dev.12+g1a2b3c4");
    expect(devVersion("8.0.2-12-g1a2b3c4", "patch")).toBe("8.0.3-dev.12+g1a2b3c4");
  });

  it("keeps a build after a release candidate between that candidate and the next", () => {
    const dev = devVersion("8.1.0-rc1-3-gabcdef0");
    expect(dev).toBe("8.1.0-rc1.dev.3+gabcdef0");
    expect(semver.gt(dev, "8.1.0-rc1")).toBe(true);
    expect(semver.lt(dev, "8.1.0-rc2")).toBe(true);
  });

  it("is the tag itself on the tagged commit, and refuses other input", () => {
    expect(devVersion("8.0.2-0-g1a2b3c4")).toBe("8.0.2");
    expect(codeOf(() => devVersion("8.0.2"))).toBe("E_VERSION_INVALID");
    expect(codeOf(() => devVersion("unstable-3-g1a2b3c4"))).toBe("E_VERSION_INVALID");
  });
});
