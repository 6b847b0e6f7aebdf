import { describe, expect, it } from "vitest";
import {
  type ArtifactFacts,
  archiveFormat,
  artifactRefusals,
  checkArtifactContents,
} from "../../../src/core/artifacts/artifact-contents.js";

const sha = (c: string) => c.repeat(64);
const built = (target: string, change: Partial<ArtifactFacts> = {}): ArtifactFacts => ({
  name: `cachet-1.0.0-${target}.tar.gz`,
  target,
  size: 4096,
  sha256: sha(target.endsWith("arm64") ? "b" : "a"),
  archiveFiles: 1,
  ...change,
});

describe("what a built artifact must hold", () => {
  it("accepts archives with files, of different bytes per target", () => {
    expect(artifactRefusals([built("linux-x86_64"), built("linux-arm64")])).toEqual([]);
    expect(() => checkArtifactContents([built("linux-x86_64"), built("linux-arm64")])).not.toThrow();
  });

  it("refuses an empty file", () => {
    expect(artifactRefusals([built("linux-x86_64", { size: 0, archiveFiles: undefined })])).toEqual([
      {
        problem: "cachet-1.0.0-linux-x86_64.tar.gz is empty (0 bytes)",
        fix: expect.stringContaining("build.command"),
      },
    ]);
  });

  it("refuses a tar.gz holding only a directory, and a zip with no files, even when alike", () => {
    const refusals = artifactRefusals([
      built("linux-x86_64", { size: 104, archiveFiles: 0 }),
      built("windows-x86_64", { name: "cachet.zip", size: 104, archiveFiles: 0 }),
    ]);
    expect(refusals.map((r) => r.problem)).toEqual([
      "cachet-1.0.0-linux-x86_64.tar.gz is an archive with no files in it (104 bytes: directories and headers only)",
      "cachet.zip is an archive with no files in it (104 bytes: directories and headers only)",
    ]);
    expect(refusals[0]?.fix).toContain("empty staging directory");
  });

  it("does not count what it could not read as an archive (a binary, another format)", () => {
    expect(artifactRefusals([built("linux-x86_64", { archiveFiles: undefined })])).toEqual([]);
  });

  it("refuses two targets with the same bytes, naming both and how to mark them", () => {
    const [refusal, ...rest] = artifactRefusals([
      built("linux-x86_64", { size: 104, archiveFiles: 1 }),
      built("linux-arm64", { sha256: sha("a") }),
    ]);
    expect(rest).toEqual([]);
    expect(refusal?.problem).toBe(
      `cachet-1.0.0-linux-x86_64.tar.gz (linux-x86_64), cachet-1.0.0-linux-arm64.tar.gz (linux-arm64) are byte-identical (sha256 ${sha("a")}): different targets built the same file`,
    );
    expect(refusal?.fix).toContain(
      "set architecture-independent: true on targets linux-x86_64, linux-arm64 in build.targets",
    );
  });

  it("accepts the same bytes when every target sharing them is architecture-independent", () => {
    const docs = (target: string) =>
      built(target, { name: `docs-${target}.tar.gz`, sha256: sha("d"), architectureIndependent: true });
    expect(artifactRefusals([docs("linux-x86_64"), docs("linux-arm64")])).toEqual([]);
    const [refusal] = artifactRefusals([docs("linux-x86_64"), built("linux-arm64", { sha256: sha("d") })]);
    expect(refusal?.fix).toContain("on target linux-arm64 in build.targets");
  });

  it("leaves files without a target out of the identical check (hashed without a plan, the source archive)", () => {
    const source = built("x", { name: "cachet-1.0.0.tar.gz", target: undefined, sha256: sha("a") });
    expect(artifactRefusals([source, built("linux-x86_64")])).toEqual([]);
  });

  it("throws every problem at once, as E_INPUT with the fixes", () => {
    expect(() =>
      checkArtifactContents([
        built("linux-x86_64", { archiveFiles: 0 }),
        built("linux-arm64", { archiveFiles: 0 }),
        built("linux-riscv64", { sha256: sha("c") }),
        built("linux-ppc64le", { sha256: sha("c") }),
      ]),
    ).toThrow(
      expect.objectContaining({
        code: "E_INPUT",
        message: expect.stringMatching(
          /^built artifacts refused before anything is written or signed: .*linux-x86_64.tar.gz is an archive with no files.*; .*linux-arm64.tar.gz is an archive with no files.*; .*byte-identical/,
        ),
      }),
    );
  });

  it("knows archives by their names", () => {
    expect(["a.tar.gz", "a.TGZ", "a.tar", "a.zip", "a.tar.xz", "a.deb", "a"].map(archiveFormat)).toEqual([
      "tar.gz",
      "tar.gz",
      "tar",
      "zip",
      undefined,
      undefined,
      undefined,
    ]);
  });
});
