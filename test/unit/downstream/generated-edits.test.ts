import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import {
  GENERATED_LIMITS,
  type GeneratedEdits,
  generatedDownstreamSchema,
  generatedFor,
  repoPathSchema,
  runsGenerator,
} from "../../../src/core/downstream/generated-edits.js";
import { MAX_SCRIPT_OUTPUT_BYTES, parseScriptOutputs } from "../../../src/core/downstream/script-outputs.js";

const config = parseConfig(`project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
upload: { bucket: acme-downloads }
downstream:
  - { name: images, repo: acme/images, mode: pr, edits: [{ kind: script, run: ./update.sh }] }
  - { name: rc-only, repo: acme/rc, mode: pr, edits: [{ kind: script, run: ./rc.sh, when: prerelease }] }
  - { name: hashes, repo: acme/hashes, mode: pr, edits: [{ kind: append-line, file: README, line: "{version}" }] }
  - { name: off, repo: acme/off, mode: "off", edits: [{ kind: script, run: ./update.sh }] }
tracking: { repo: acme/release }
`);
const [images, rcOnly, hashes, off] = config.downstream as [
  (typeof config.downstream)[number],
  (typeof config.downstream)[number],
  (typeof config.downstream)[number],
  (typeof config.downstream)[number],
];
const DIGEST = "d".repeat(64);
const entry = (files: { path: string; content: string }[], outputs = {}) => ({
  status: "generated",
  repo: "acme/images",
  edits: DIGEST,
  baseSha: "a".repeat(40),
  files: files.map((f) => ({ ...f, executable: false })),
  outputs,
});

describe("generated edits: what a token-less job may hand to the one with the token", () => {
  it("runs the generator only for downstreams with a script that applies to this release", () => {
    expect([images, rcOnly, hashes, off].map((d) => runsGenerator(d, false))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(runsGenerator(rcOnly, true)).toBe(true);
  });

  it("normalises paths inside the repo and refuses every other", () => {
    expect(repoPathSchema.parse("a//b/./c.txt")).toBe("a/b/c.txt");
    for (const [path, why] of [
      ["../x", "leaves the repository"],
      ["a/../../x", "leaves the repository"],
      ["/etc/passwd", "an absolute path"],
      [".git/config", "under .git"],
      ["sub/.GIT/hooks/post-checkout", "under .git"],
      ["dir/", "not a file path"],
      ["./", "not a file path"],
      ["a\nb", "control character"],
      ["a\\b", "backslash"],
    ])
      expect(JSON.stringify(repoPathSchema.safeParse(path).error?.issues), path).toContain(why);
  });

  it("bounds the files and outputs of one downstream", () => {
    const many = Array.from({ length: GENERATED_LIMITS.files + 1 }, (_, i) => ({
      path: `f${i}`,
      content: "",
    }));
    expect(generatedDownstreamSchema.safeParse(entry(many)).success).toBe(false);
    const big = "x".repeat(GENERATED_LIMITS.bytes / 2 + 1);
    expect(
      generatedDownstreamSchema.safeParse(
        entry([
          { path: "a", content: big },
          { path: "b", content: big },
        ]),
      ).success,
    ).toBe(false);
    expect(generatedDownstreamSchema.safeParse(entry([{ path: "a", content: "\0" }])).success).toBe(false);
    expect(generatedDownstreamSchema.safeParse(entry([], { "bad key": "x" })).success).toBe(false);
    expect(generatedDownstreamSchema.safeParse(entry([], { tags: "a\nb" })).success).toBe(false);
    expect(
      generatedDownstreamSchema.safeParse(entry([{ path: "ok.txt", content: "ok" }], { tags: ["1"] }))
        .success,
    ).toBe(true);
  });

  it("reads at most MAX_SCRIPT_OUTPUT_BYTES of outputs, and never a key of Object.prototype", () => {
    expect(() => parseScriptOutputs("a=b\n".repeat(MAX_SCRIPT_OUTPUT_BYTES / 4 + 1), "script")).toThrow(
      /wrote more than 65536 bytes of outputs/,
    );
    expect(parseScriptOutputs("constructor[]=x\ntoString=y\n", "script")).toEqual({
      constructor: ["x"],
      toString: "y",
    });
  });

  it("hands over only this release's change, for this repo and these edits", () => {
    const generated = (over: Record<string, unknown> = {}): GeneratedEdits => ({
      schemaVersion: 1,
      version: "1.2.3",
      downstreams: { images: generatedDownstreamSchema.parse({ ...entry([]), ...over }) },
    });
    expect(generatedFor(generated(), images, "1.2.3", DIGEST).baseSha).toBe("a".repeat(40));
    expect(() => generatedFor(undefined, images, "1.2.3", DIGEST)).toThrow(/its generated edits are missing/);
    expect(() => generatedFor(generated(), images, "1.2.4", DIGEST)).toThrow(/are of 1.2.3, not 1.2.4/);
    expect(() => generatedFor(generated({ repo: "evil/images" }), images, "1.2.3", DIGEST)).toThrow(
      /were made for evil\/images/,
    );
    expect(() => generatedFor(generated(), images, "1.2.3", "e".repeat(64))).toThrow(/made for other edits/);
    const failed: GeneratedEdits = {
      ...generated(),
      downstreams: { images: { status: "failed", repo: "acme/images", edits: DIGEST, error: "exited 3" } },
    };
    expect(() => generatedFor(failed, images, "1.2.3", DIGEST)).toThrow(
      /its generator failed in the generate job: exited 3/,
    );
  });
});
