import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashesFileSchema } from "../../../src/core/artifacts/checksums.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { applyEdits } from "../../../src/core/downstream/edits.js";
import { editValues } from "../../../src/core/downstream/release-values.js";
import { floatingTags, parseVersion } from "../../../src/core/request/version.js";

// Real "Update hash" commits of the Valkey hashes repo: the README before and after each release.
const dir = join(import.meta.dirname, "../../fixtures/valkey/hashes");
const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8"),
);
const hashesDownstream = config.downstream.find((d) => d.name === "hashes");
const releases = readdirSync(dir).filter((d) => !d.includes(".dup-"));

/** The README after release-relay adds `version` with the sha256 GitHub's archive had. */
function release(before: string, version: string, sha256: string): string {
  const v = parseVersion(version);
  const hashes = hashesFileSchema.parse([
    {
      name: `valkey-${version}.tar.gz`,
      kind: "source-archive",
      size: 1,
      sha256,
      url: `https://github.com/valkey-io/valkey/archive/refs/tags/${version}.tar.gz`,
    },
  ]);
  const values = editValues(config, {
    version: v,
    date: "2025-01-07",
    hashes,
    floatingTags: floatingTags(v, []),
  });
  const [edited] = applyEdits(
    hashesDownstream?.edits ?? [],
    () => before,
    values,
    v.isPrerelease,
    () => undefined,
  );
  return edited ? edited.after : before;
}

const shaIn = (text: string, version: string) =>
  new RegExp(`^hash valkey-${version.replaceAll(".", "\\.")}\\.tar\\.gz sha256 ([0-9a-f]{64}) `, "m").exec(
    text,
  )?.[1] as string;

describe("hashes repo: release-relay reproduces the real commits byte for byte", () => {
  it.each(releases)("%s", (version) => {
    const before = readFileSync(join(dir, version, "README.before"), "utf8");
    const after = readFileSync(join(dir, version, "README.after"), "utf8");
    const added = after.split("\n").filter((l) => l && !before.split("\n").includes(l));
    const sha = (added[0] ?? "").split(" ")[3] as string;
    if (shaIn(before, version)) {
      // The real commit added a second, different line for a released file: refused (see below).
      expect(() => release(before, version, sha)).toThrow("differently");
      return;
    }
    // Where the real file lost its final newline, release-relay writes it back: the only difference.
    expect(release(before, version, sha)).toBe(after.endsWith("\n") ? after : `${after}\n`);
  });

  it("covers every release in the fixtures", () => {
    expect(releases.length).toBeGreaterThanOrEqual(14);
  });
});

describe("hashes repo: the real defects are refused or repaired, not repeated", () => {
  it("8.0.4: refuses a rerun that would add a second line with a different sha256", () => {
    const first = readFileSync(join(dir, "8.0.4.dup-6bf2782", "README.after"), "utf8");
    const rerunSha = shaIn(
      readFileSync(join(dir, "8.0.4", "README.after"), "utf8")
        .split("\n")
        .slice(-2)
        .join("\n"),
      "8.0.4",
    );
    expect(() => release(first, "8.0.4", rerunSha)).toThrow(
      'already lists "hash valkey-8.0.4.tar.gz" differently',
    );
    // The same rerun with the same bytes changes nothing.
    expect(release(first, "8.0.4", shaIn(first, "8.0.4"))).toBe(first);
  });

  it("8.1.3: the same duplicate is refused", () => {
    const dup = readdirSync(dir).find((d) => d.startsWith("8.1.3.dup-")) as string;
    const first = readFileSync(join(dir, dup, "README.after"), "utf8");
    const lines = readFileSync(join(dir, "8.1.3", "README.after"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("hash valkey-8.1.3.tar.gz"));
    const other = lines.map((l) => l.split(" ")[3]).find((s) => s !== shaIn(first, "8.1.3"));
    if (other) expect(() => release(first, "8.1.3", other)).toThrow("differently");
    else expect(release(first, "8.1.3", shaIn(first, "8.1.3"))).toBe(first);
  });

  it("7.2.8: a file without a final newline gets one before the new line", () => {
    const before = readFileSync(join(dir, "7.2.8", "README.before"), "utf8");
    expect(before.endsWith("\n")).toBe(false);
    const after = release(
      before,
      "7.2.8",
      "2d990b374b783ba05e0081498718ed0640f84bc60b6db24a4bc069f9775f778c",
    );
    expect(after).toBe(
      `${before}\nhash valkey-7.2.8.tar.gz sha256 2d990b374b783ba05e0081498718ed0640f84bc60b6db24a4bc069f9775f778c https://github.com/valkey-io/valkey/archive/refs/tags/7.2.8.tar.gz\n`,
    );
  });

  it("8.1.0-rc2: an all-zero sha256 is never written", () => {
    expect(() => release("x\n", "8.1.0-rc2", "0".repeat(64))).toThrow("all-zero sha256");
  });

  it("handles more releases than the ones handed over: the whole real version list, in order", () => {
    const versions = readFileSync(join(dir, "../released-versions.txt"), "utf8").trim().split("\n");
    let readme = "# Valkey hashes file.\n";
    for (const [i, version] of versions.entries())
      readme = release(readme, version, (i + 1).toString(16).padStart(64, "a"));
    const lines = readme.trim().split("\n").slice(1);
    expect(lines).toHaveLength(versions.length);
    expect(release(readme, versions[3] as string, (4).toString(16).padStart(64, "a"))).toBe(readme);
  });
});
