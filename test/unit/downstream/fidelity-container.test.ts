import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashesFileSchema } from "../../../src/core/artifacts/checksums.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { applyEdits } from "../../../src/core/downstream/edits.js";
import { editValues } from "../../../src/core/downstream/release-values.js";
import { parseVersion } from "../../../src/core/request/version.js";

// Real release commits of the Valkey container repo: every file they changed, before and after.
const dir = join(import.meta.dirname, "../../fixtures/valkey/container");
const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8"),
);
const edits = config.downstream.find((d) => d.name === "container")?.edits ?? [];

// Those commits also carried changes no release asks for (alpine 3.20 → 3.21): they are set aside.
const unrelated = (text: string) =>
  text
    .replace(/alpine:3\.\d+/g, "alpine:X")
    .replace(/os_version=3\.\d+/g, "os_version=X")
    .replace(/"version": "3\.\d+"/g, '"version": "X"');

function releaseInto(release: string, version: string, only?: string) {
  const v = parseVersion(version);
  const afterVersions = JSON.parse(readFileSync(join(dir, release, "after/versions.json"), "utf8"))[v.line];
  const hashes = hashesFileSchema.parse([
    {
      name: `valkey-${version}.tar.gz`,
      kind: "source-archive",
      size: 1,
      sha256: afterVersions.sha256,
      url: afterVersions.url,
    },
  ]);
  const read = (path: string) => {
    const p = join(dir, release, "before", path);
    return existsSync(p) ? readFileSync(p, "utf8") : undefined;
  };
  const changed = applyEdits(
    edits,
    read,
    editValues(config, { version: v, date: "2024-01-01", hashes, floatingTags: [] }),
    v.isPrerelease,
    () => undefined,
  );
  return changed.filter((f) => !only || f.path.startsWith(only));
}

const singleReleases = readdirSync(dir).filter((d) => /^\d+\.\d+\.\d+(-rc\d+)?$/.test(d));

describe("container repo: release-derived changes reproduced from the real commits", () => {
  it.each(singleReleases)("%s: versions.json and the line's Dockerfiles", (release) => {
    const changed = releaseInto(release, release);
    expect(changed.map((f) => f.path).sort()).toEqual(
      [
        `${parseVersion(release).line}/alpine/Dockerfile`,
        `${parseVersion(release).line}/debian/Dockerfile`,
        "versions.json",
      ].sort(),
    );
    for (const f of changed) {
      expect(unrelated(f.after), f.path).toBe(
        unrelated(readFileSync(join(dir, release, "after", f.path), "utf8")),
      );
    }
  });

  it("7.2.6 (released with 8.0.0-rc1 in one commit): the 7.2 Dockerfiles", () => {
    for (const f of releaseInto("7.2.6+8.0.0-rc1", "7.2.6", "7.2/")) {
      expect(unrelated(f.after), f.path).toBe(
        unrelated(readFileSync(join(dir, "7.2.6+8.0.0-rc1", "after", f.path), "utf8")),
      );
    }
  });

  it("a second run changes nothing", () => {
    const release = "8.0.2";
    const first = releaseInto(release, release);
    const v = parseVersion(release);
    const after = new Map(first.map((f) => [f.path, f.after]));
    const sha = JSON.parse(after.get("versions.json") as string)[v.line].sha256;
    const hashes = hashesFileSchema.parse([
      {
        name: "valkey-8.0.2.tar.gz",
        kind: "source-archive",
        size: 1,
        sha256: sha,
        url: "https://github.com/valkey-io/valkey/archive/refs/tags/8.0.2.tar.gz",
      },
    ]);
    const again = applyEdits(
      edits,
      (p) => after.get(p),
      editValues(config, { version: v, date: "2024-01-01", hashes, floatingTags: [] }),
      false,
      () => undefined,
    );
    expect(again).toEqual([]);
  });

  it("refuses a Dockerfile whose format changed instead of half-editing it", () => {
    const v = parseVersion("8.0.3");
    const hashes = hashesFileSchema.parse([
      {
        name: "valkey-8.0.3.tar.gz",
        kind: "source-archive",
        size: 1,
        sha256: "b".repeat(64),
        url: "https://x/8.0.3.tar.gz",
      },
    ]);
    const read = (p: string) =>
      p.endsWith("Dockerfile")
        ? "FROM debian\nARG VALKEY_VERSION=8.0.2\n"
        : readFileSync(join(dir, "8.0.2/after/versions.json"), "utf8");
    expect(() =>
      applyEdits(
        edits,
        read,
        editValues(config, { version: v, date: "2024-01-01", hashes, floatingTags: [] }),
        false,
        () => undefined,
      ),
    ).toThrow("8.0/debian/Dockerfile: /^ENV VALKEY_VERSION .*$/ matched 0 time(s), expected 1");
  });
});
