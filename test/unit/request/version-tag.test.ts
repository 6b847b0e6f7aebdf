import { describe, expect, it } from "vitest";
import { parseVersion } from "../../../src/core/request/version.js";
import { rerunVersion, tagOfVersion, versionUnderPattern } from "../../../src/core/request/version-tag.js";

const PLAIN = "^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";
const V = "^v(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";
const RELEASE = "^release-(?<version>\\d+\\.\\d+\\.\\d+)$";

describe("the tag of a version under tags.pattern", () => {
  it("is the version, v and the version, or the pattern's own literal prefix and the version", () => {
    expect(tagOfVersion("1.2.3", PLAIN)).toBe("1.2.3");
    expect(tagOfVersion("1.2.3-rc1", V)).toBe("v1.2.3-rc1");
    expect(tagOfVersion("1.2.3", RELEASE)).toBe("release-1.2.3");
    expect(tagOfVersion("1.2.3", "^rel\\-(?<version>\\d+\\.\\d+\\.\\d+)$")).toBe("rel-1.2.3");
  });

  it("is none when the pattern takes no tag of that version", () => {
    expect(tagOfVersion("1.2.3-rc1", RELEASE)).toBeUndefined();
    expect(tagOfVersion("1.2.3", "^(?<version>\\d+\\.\\d+\\.\\d+)-final$")).toBeUndefined();
  });

  it("gives a version its tag, for the links that name the tag", () => {
    expect(versionUnderPattern("1.2.3", V)).toMatchObject({ version: "1.2.3", tag: "v1.2.3", line: "1.2" });
    expect(versionUnderPattern("1.2.3", PLAIN).tag).toBe("1.2.3");
  });
});

describe("what a rerun names", () => {
  it("takes the version, as the workflow's input describes it, or the tag, whatever tags.pattern is", () => {
    expect(rerunVersion("1.2.3", V)).toMatchObject({ version: "1.2.3", tag: "v1.2.3" });
    expect(rerunVersion("v1.2.3", V)).toMatchObject({ version: "1.2.3", tag: "v1.2.3" });
    expect(rerunVersion("1.2.3", PLAIN)).toMatchObject({ version: "1.2.3", tag: "1.2.3" });
  });

  it("refuses what is neither, saying why", () => {
    expect(() => rerunVersion("v1.2.3; rm -rf /", V)).toThrow(/not a release tag/);
    expect(() => rerunVersion("1.2.3-rc1", RELEASE)).toThrow(
      /no tag of tags.pattern .* names version 1\.2\.3-rc1/,
    );
    expect(() => rerunVersion("latest", V)).toThrow(/does not match tags.pattern/);
  });

  it("tells a tag given where a version belongs which version to give", () => {
    expect(() => parseVersion("v1.2.3")).toThrow(
      expect.objectContaining({ hint: "give the version 1.2.3, not its tag v1.2.3" }),
    );
  });
});
