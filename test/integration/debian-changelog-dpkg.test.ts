// debian-changelog entries read back by Debian's own tools: dpkg-parsechangelog parses what the
// updater writes, and dpkg orders the versions it writes as the updater assumes.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { debianVersion, prependChangelogEntry } from "../../src/core/downstream/updaters/debian-changelog.js";
import { hasTool } from "../support/tools.js";

const EXISTING = `valkey (8.0.1-1) unstable; urgency=medium

  * New upstream release 8.0.1.

 -- Valkey Packaging <packaging@valkey.example>  Wed, 02 Oct 2024 00:00:00 +0000

valkey (8.0.0-1) unstable; urgency=medium

  * New upstream release 8.0.0.

 -- Valkey Packaging <packaging@valkey.example>  Mon, 16 Sep 2024 00:00:00 +0000
`;
const entry = (upstreamVersion: string) => ({
  upstreamVersion,
  revision: "1",
  distribution: "unstable",
  urgency: "medium",
  maintainer: "Valkey Packaging <packaging@valkey.example>",
  changes: [`New upstream release ${upstreamVersion}.`],
  date: "2024-12-11",
});

describe("debian-changelog against dpkg", () => {
  it.skipIf(!hasTool("dpkg-parsechangelog", "dpkg-dev"))(
    "is read by dpkg-parsechangelog as written, and dpkg orders the versions as release-relay does",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "changelog-"));
      const file = join(dir, "changelog");
      writeFileSync(file, prependChangelogEntry(EXISTING, entry("8.1.0-rc1"), "changelog"));
      const field = (name: string) =>
        execFileSync("dpkg-parsechangelog", ["-l", file, "--show-field", name]).toString().trim();
      expect(field("Version")).toBe("8.1.0~rc1-1");
      expect(field("Distribution")).toBe("unstable");
      expect(field("Urgency")).toBe("medium");
      expect(field("Maintainer")).toBe("Valkey Packaging <packaging@valkey.example>");
      expect(field("Date")).toBe("Wed, 11 Dec 2024 00:00:00 +0000");
      const all = execFileSync("dpkg-parsechangelog", ["-l", file, "--all", "--format", "rfc822"]).toString();
      expect([...all.matchAll(/^Version: (.+)$/gm)].map((m) => m[1])).toEqual([
        "8.1.0~rc1-1",
        "8.0.1-1",
        "8.0.0-1",
      ]);
      const lt = (a: string, b: string) => spawnSync("dpkg", ["--compare-versions", a, "lt", b]).status === 0;
      expect(lt(debianVersion("8.1.0-rc1", "1"), debianVersion("8.1.0", "1"))).toBe(true);
      expect(lt(debianVersion("8.0.1", "1"), debianVersion("8.1.0-rc1", "1"))).toBe(true);
    },
  );
});
