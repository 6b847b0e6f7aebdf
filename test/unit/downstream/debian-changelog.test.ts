import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { applyEdits } from "../../../src/core/downstream/edits.js";
import {
  debianVersion,
  prependChangelogEntry,
} from "../../../src/core/downstream/updaters/debian-changelog.js";

// A packaging repo's changelog as dch writes it.
const EXISTING = `valkey (8.0.1-1) unstable; urgency=medium

  * New upstream release 8.0.1.

 -- Valkey Packaging <packaging@valkey.example>  Wed, 02 Oct 2024 00:00:00 +0000

valkey (8.0.0-1) unstable; urgency=medium

  * New upstream release 8.0.0.

 -- Valkey Packaging <packaging@valkey.example>  Mon, 16 Sep 2024 00:00:00 +0000
`;
const entry = (upstreamVersion: string, date = "2024-12-11") => ({
  upstreamVersion,
  revision: "1",
  distribution: "unstable",
  urgency: "medium",
  maintainer: "Valkey Packaging <packaging@valkey.example>",
  changes: [`New upstream release ${upstreamVersion}.`, "Release notes: https://valkey.example/notes"],
  date,
});

describe("debian-changelog", () => {
  it("puts the release's entry on top, in the format dch writes, and leaves history as it was", () => {
    const after = prependChangelogEntry(EXISTING, entry("8.0.2"), "debian/changelog");
    expect(after).toBe(`valkey (8.0.2-1) unstable; urgency=medium

  * New upstream release 8.0.2.
  * Release notes: https://valkey.example/notes

 -- Valkey Packaging <packaging@valkey.example>  Wed, 11 Dec 2024 00:00:00 +0000

${EXISTING}`);
    // Idempotent: the version is recorded once, whatever day a rerun runs.
    expect(prependChangelogEntry(after, entry("8.0.2", "2024-12-12"), "debian/changelog")).toBe(after);
  });

  it("writes a release candidate with ~ so that it sorts before its release", () => {
    expect(debianVersion("8.1.0-rc1", "1")).toBe("8.1.0~rc1-1");
    expect(prependChangelogEntry(EXISTING, entry("8.1.0-rc1"), "c").split("\n")[0]).toBe(
      "valkey (8.1.0~rc1-1) unstable; urgency=medium",
    );
  });

  it("refuses an older version, a file that is not a changelog, and a change of several lines", () => {
    expect(() => prependChangelogEntry(EXISTING, entry("7.2.8"), "debian/changelog")).toThrow(
      /debian\/changelog's newest entry is 8\.0\.1-1; 7\.2\.8-1 is older/,
    );
    expect(() => prependChangelogEntry("# Changelog\n", entry("8.0.2"), "CHANGELOG.md")).toThrow(
      /does not start with a Debian changelog entry/,
    );
    expect(() =>
      prependChangelogEntry(EXISTING, { ...entry("8.0.2"), changes: ["a\n -- injected"] }, "c"),
    ).toThrow(/change spans several lines/);
  });

  it("is configured in release-relay.yml and applied with the release's values", () => {
    const config = parseConfig(`
project: valkey
source: { repo: valkey-io/valkey }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-24.04 }], artifact: "v-{version}.tgz" }
upload: { bucket: downloads }
tracking: { repo: valkey-io/release }
downstream:
  - name: debian
    repo: valkey-io/valkey-debian
    edits:
      - { kind: debian-changelog, maintainer: "Valkey Packaging <packaging@valkey.example>" }
`);
    const [edit] = config.downstream[0]?.edits ?? [];
    expect(edit).toMatchObject({ file: "debian/changelog", revision: "1", distribution: "unstable" });
    const [changed] = applyEdits(
      config.downstream[0]?.edits ?? [],
      (p) => (p === "debian/changelog" ? EXISTING : undefined),
      { version: "8.0.2", date: "2024-12-11" },
      false,
      () => undefined,
    );
    expect(changed?.after.split("\n").slice(0, 3)).toEqual([
      "valkey (8.0.2-1) unstable; urgency=medium",
      "",
      "  * New upstream release 8.0.2.",
    ]);
    expect(() =>
      parseConfig(
        `${'project: v\nsource: { repo: a/b }\nbuild: { command: make, targets: [{ os: linux, arch: x86_64, runner: r }], artifact: "v-{version}" }\nupload: { bucket: downloads }\ntracking: { repo: a/c }\n'}downstream: [{ name: debian, repo: a/d, edits: [{ kind: debian-changelog, maintainer: nobody }] }]\n`,
      ),
    ).toThrow(/expected `Full Name <email>`/);
  });
});
