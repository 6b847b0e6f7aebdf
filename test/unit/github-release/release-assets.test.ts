import { describe, expect, it } from "vitest";
import {
  ASSET_SIZE_LIMIT,
  assetsChangeable,
  judgeComparedBytes,
  planAssets,
} from "../../../src/core/github-release/release-assets.js";

const file = (name: string, c = "a", size = 10) => ({ name, size, sha256: c.repeat(64) });
const asset = (id: number, name: string, digest: string | null, state = "uploaded", size = 10) => ({
  id,
  name,
  size,
  state,
  digest,
});

describe("planAssets", () => {
  it("keeps the same bytes, uploads what is missing, replaces an unfinished upload, compares without a digest", () => {
    const actions = planAssets(
      "1.0.0 of acme/x",
      [file("a.tar.gz"), file("b.tar.gz"), file("c.tar.gz"), file("d.tar.gz")],
      [
        asset(1, "a.tar.gz", `sha256:${"A".repeat(64)}`),
        asset(3, "c.tar.gz", null, "open", 0),
        asset(4, "d.tar.gz", null),
        asset(9, "someone-elses.txt", null),
      ],
    );
    expect(actions.map((a) => [a.kind, a.file.name, "assetId" in a ? a.assetId : undefined])).toEqual([
      ["keep", "a.tar.gz", 1],
      ["upload", "b.tar.gz", undefined],
      ["replace", "c.tar.gz", 3],
      ["compare-bytes", "d.tar.gz", 4],
    ]);
  });

  it("refuses other bytes under the same name, by digest or by size", () => {
    expect(() => planAssets("r", [file("a")], [asset(1, "a", `sha256:${"b".repeat(64)}`)])).toThrow(
      expect.objectContaining({ code: "E_IMMUTABLE" }),
    );
    expect(() =>
      planAssets("r", [file("a")], [asset(1, "a", `sha256:${"a".repeat(64)}`, "uploaded", 11)]),
    ).toThrow(/other bytes/);
    expect(() => planAssets("r", [file("a")], [asset(1, "a", `sha512:${"a".repeat(64)}`)])).toThrow(
      /other bytes/,
    );
  });

  it("refuses a name GitHub would rename and a file GitHub would not take, before anything is uploaded", () => {
    for (const name of ["a b.tar.gz", ".hidden", "trailing.", "ü.tar.gz", "a/b"])
      expect(() => planAssets("r", [file(name)], [])).toThrow(expect.objectContaining({ code: "E_INPUT" }));
    expect(() => planAssets("r", [file("big.iso", "a", ASSET_SIZE_LIMIT)], [])).toThrow(/under 2 GB/);
    expect(planAssets("r", [file("big.iso", "a", ASSET_SIZE_LIMIT - 1)], [])[0]?.kind).toBe("upload");
  });

  it("judges bytes read back, and knows when assets can still change", () => {
    expect(() => judgeComparedBytes("r", file("a"), "a".repeat(64))).not.toThrow();
    expect(() => judgeComparedBytes("r", file("a"), "b".repeat(64))).toThrow(/other bytes/);
    expect(assetsChangeable({ draft: true, immutable: true })).toBe(true);
    expect(assetsChangeable({ draft: false, immutable: false })).toBe(true);
    expect(assetsChangeable({ draft: false, immutable: true })).toBe(false);
  });
});
