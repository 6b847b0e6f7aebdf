import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ArtifactHash, hashesFileSchema } from "../../../src/core/artifacts/checksums.js";
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

// The Docker Hub description as the last real commit that touched it left it, for the releases
// whose own commit did not (8.0.2's page still listed 8.0.0: release-relay brings it up to date).
const DESCRIPTION = "dockerhub-description.md";
const descriptionFrom: Record<string, string> = { "7.2.5": "7.2.6+8.0.0-rc1/before", "8.0.2": "8.0.0/after" };

/** The source archive of `version` as the container commit `commit` recorded it in versions.json. */
function sourceArchive(commit: string, version: string) {
  const entry = JSON.parse(readFileSync(join(dir, commit, "after/versions.json"), "utf8"))[
    parseVersion(version).line
  ];
  return hashesFileSchema.parse([
    {
      name: `valkey-${version}.tar.gz`,
      kind: "source-archive",
      size: 1,
      sha256: entry.sha256,
      url: entry.url,
    },
  ]);
}

/** The repo's files just before `commit`. */
function filesBefore(commit: string) {
  return (path: string) => {
    const from = path === DESCRIPTION ? (descriptionFrom[commit] ?? `${commit}/before`) : `${commit}/before`;
    const p = join(dir, from, path);
    return existsSync(p) ? readFileSync(p, "utf8") : undefined;
  };
}

/** The example's container edits for one release, applied to `files`. */
function applyRelease(version: string, files: (path: string) => string | undefined, hashes: ArtifactHash[]) {
  const v = parseVersion(version);
  return applyEdits(
    edits,
    files,
    editValues(config, { version: v, date: "2024-01-01", hashes, floatingTags: [] }),
    v.isPrerelease,
    () => undefined,
  );
}

function releaseInto(commit: string, version: string, only?: string) {
  const changed = applyRelease(version, filesBefore(commit), sourceArchive(commit, version));
  return changed.filter((f) => !only || f.path.startsWith(only));
}

const afterOf = (commit: string, path: string) => readFileSync(join(dir, commit, "after", path), "utf8");
const LINK = "https://github.com/valkey-io/valkey-container/blob/master";

/** The real file with some of its lines as release-relay writes them instead (each named by a test). */
function realWith(text: string, lines: Record<string, string>): string {
  return text
    .split("\n")
    .map((l) => lines[l] ?? l)
    .join("\n");
}

const singleReleases = readdirSync(dir).filter((d) => /^\d+\.\d+\.\d+(-rc\d+)?$/.test(d));

describe("container repo: release-derived changes reproduced from the real commits", () => {
  it.each(singleReleases)(
    "%s: versions.json, the line's Dockerfiles and the Docker Hub description",
    (release) => {
      const changed = releaseInto(release, release);
      expect(changed.map((f) => f.path).sort()).toEqual(
        [
          `${parseVersion(release).line}/alpine/Dockerfile`,
          `${parseVersion(release).line}/debian/Dockerfile`,
          DESCRIPTION,
          "versions.json",
        ].sort(),
      );
      for (const f of changed.filter((f) => f.path !== DESCRIPTION)) {
        expect(unrelated(f.after), f.path).toBe(unrelated(afterOf(release, f.path)));
      }
    },
  );

  it("8.0.0: dockerhub-description.md byte for byte; 8.0 takes 8, latest, bookworm and alpine from 7.2", () => {
    const page = releaseInto("8.0.0", "8.0.0").find((f) => f.path === DESCRIPTION);
    expect(page?.before).toBe(readFileSync(join(dir, "8.0.0/before", DESCRIPTION), "utf8"));
    expect(page?.after).toBe(afterOf("8.0.0", DESCRIPTION));
  });

  // Before 8.0.0 the page was edited by hand: the 7.2 tags sorted as text, and the release
  // candidate given the floating 8.0 tags (as the website's rc pages were). release-relay writes
  // every line as 8.0.0's commit did and gives a release candidate only its own tags.
  const stable72 = {
    "- [`7`, `7-bookworm`, `7.2`, `7.2-bookworm`, `7.2.6`, `7.2.6-bookworm`, `bookworm`, `latest`](https://github.com/valkey-io/valkey-container/blob/master/7.2/debian/Dockerfile)": `- [\`7.2.6\`, \`7.2\`, \`7\`, \`latest\`, \`7.2.6-bookworm\`, \`7.2-bookworm\`, \`7-bookworm\`, \`bookworm\`](${LINK}/7.2/debian/Dockerfile)`,
    "- [`7-alpine`, `7-alpine3.20`, `7.2-alpine`, `7.2-alpine3.20`, `7.2.6-alpine`, `7.2.6-alpine3.20`, `alpine`, `alpine3.20`](https://github.com/valkey-io/valkey-container/blob/master/7.2/alpine/Dockerfile)": `- [\`7.2.6-alpine\`, \`7.2-alpine\`, \`7-alpine\`, \`alpine\`, \`7.2.6-alpine3.20\`, \`7.2-alpine3.20\`, \`7-alpine3.20\`, \`alpine3.20\`](${LINK}/7.2/alpine/Dockerfile)`,
  };

  it("8.0.0-rc2: the real page, with the release candidate holding only its own tags", () => {
    const page = releaseInto("8.0.0-rc2", "8.0.0-rc2").find((f) => f.path === DESCRIPTION);
    expect(page?.after).toBe(
      realWith(afterOf("8.0.0-rc2", DESCRIPTION), {
        ...stable72,
        "- [`8.0`, `8.0-bookworm`, `8.0.0-rc2`, `8.0.0-rc2-bookworm`](https://github.com/valkey-io/valkey-container/blob/master/8.0/debian/Dockerfile)": `- [\`8.0.0-rc2\`, \`8.0.0-rc2-bookworm\`](${LINK}/8.0/debian/Dockerfile)`,
        "- [`8.0-alpine`, `8.0.0-rc2-alpine3.20`, `8.0.0-rc2-alpine`, `8.0-alpine3.20`](https://github.com/valkey-io/valkey-container/blob/master/8.0/alpine/Dockerfile)": `- [\`8.0.0-rc2-alpine\`, \`8.0.0-rc2-alpine3.20\`](${LINK}/8.0/alpine/Dockerfile)`,
      }),
    );
  });

  it("7.2.6 and 8.0.0-rc1 released in one commit: the page lists both lines, 7.2 keeping latest", () => {
    const commit = "7.2.6+8.0.0-rc1";
    const files = new Map<string, string>();
    const read = (p: string) => files.get(p) ?? filesBefore(commit)(p);
    for (const f of applyRelease("7.2.6", read, sourceArchive(commit, "7.2.6"))) files.set(f.path, f.after);
    // The new line's directory and its versions.json entry (its variants) were set up by hand in
    // that commit; the release fills in its version.
    for (const path of ["8.0/debian/Dockerfile", "8.0/alpine/Dockerfile"])
      files.set(path, afterOf(commit, path));
    const versions = JSON.parse(read("versions.json") as string);
    const { unstable, ...lines } = versions;
    files.set(
      "versions.json",
      `${JSON.stringify({ ...lines, "8.0": { debian: { version: "bookworm" }, alpine: { version: "3.20" } }, unstable }, null, 2)}\n`,
    );
    for (const f of applyRelease("8.0.0-rc1", read, sourceArchive(commit, "8.0.0-rc1")))
      files.set(f.path, f.after);
    expect(JSON.parse(read("versions.json") as string)["8.0"].version).toBe("8.0.0-rc1");
    // Besides the two rules above, the hand-written rc1 lines had a quote for a backtick and
    // pointed at the 7.2 Dockerfiles.
    expect(read(DESCRIPTION)).toBe(
      realWith(afterOf(commit, DESCRIPTION), {
        ...stable72,
        "- [`8.0`, `8.0-bookworm`, `8.0.0-rc1`, `8.0.0-rc1-bookworm'](https://github.com/valkey-io/valkey-container/blob/master/7.2/debian/Dockerfile)": `- [\`8.0.0-rc1\`, \`8.0.0-rc1-bookworm\`](${LINK}/8.0/debian/Dockerfile)`,
        "- [`8.0-alpine`, `8.0.0-rc1-alpine3.20`, `8.0.0-rc1-alpine`, `8.0-alpine3.20`](https://github.com/valkey-io/valkey-container/blob/master/7.2/alpine/Dockerfile)": `- [\`8.0.0-rc1-alpine\`, \`8.0.0-rc1-alpine3.20\`](${LINK}/8.0/alpine/Dockerfile)`,
      }),
    );
  });

  it("8.0.2: a page left at 8.0.0 is brought up to the versions versions.json lists", () => {
    const page = releaseInto("8.0.2", "8.0.2").find((f) => f.path === DESCRIPTION);
    const list = page?.after.split("\n").filter((l) => l.startsWith("- ["));
    expect(list?.[2]).toBe(
      `- [\`8.0.2\`, \`8.0\`, \`8\`, \`latest\`, \`8.0.2-bookworm\`, \`8.0-bookworm\`, \`8-bookworm\`, \`bookworm\`](${LINK}/8.0/debian/Dockerfile)`,
    );
    expect(list?.[4]).toBe(
      `- [\`7.2.7\`, \`7.2\`, \`7\`, \`7.2.7-bookworm\`, \`7.2-bookworm\`, \`7-bookworm\`](${LINK}/7.2/debian/Dockerfile)`,
    );
    expect(list).toHaveLength(6);
  });

  it("7.2.6 (released with 8.0.0-rc1 in one commit): the 7.2 Dockerfiles", () => {
    for (const f of releaseInto("7.2.6+8.0.0-rc1", "7.2.6", "7.2/")) {
      expect(unrelated(f.after), f.path).toBe(unrelated(afterOf("7.2.6+8.0.0-rc1", f.path)));
    }
  });

  it("a second run changes nothing", () => {
    const release = "8.0.2";
    const first = releaseInto(release, release);
    const v = parseVersion(release);
    const after = new Map(first.map((f) => [f.path, f.after]));
    expect(after.has(DESCRIPTION)).toBe(true);
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
