import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { misplacedArtifacts } from "../../../src/core/artifacts/placement.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { planRelease } from "../../../src/core/request/plan.js";
import { parseTag } from "../../../src/core/request/version.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/cachet/release-relay.yml"), "utf8"),
);
const plan = planRelease({
  config,
  version: parseTag("1.2.1", config.tags.pattern),
  commit: "a".repeat(40),
  requestedAt: "2026-11-30T10:00:00Z",
  serverUrl: "https://github.com",
});

describe("a built file is published only from its own target's artifact", () => {
  it("takes each file from build-<its target>", () => {
    expect(
      misplacedArtifacts(
        [
          { name: "cachet-1.2.1-linux-x86_64.tar.gz", artifact: `build-linux-x86_64-${"a".repeat(40)}` },
          { name: "cachet-1.2.1-linux-arm64.tar.gz", artifact: `build-linux-arm64-${"a".repeat(40)}` },
        ],
        plan,
      ),
    ).toEqual([]);
  });

  it("refuses a file another upload of the run brought, and two targets swapped", () => {
    expect(
      misplacedArtifacts([{ name: "cachet-1.2.1-linux-x86_64.tar.gz", artifact: "build-evil" }], plan),
    ).toEqual([
      `cachet-1.2.1-linux-x86_64.tar.gz came in artifact build-evil, not build-linux-x86_64-${"a".repeat(40)}`,
    ]);
    // A build of another commit (a rerun sent to an older run by a forged ledger) is not this release's.
    expect(
      misplacedArtifacts(
        [{ name: "cachet-1.2.1-linux-x86_64.tar.gz", artifact: `build-linux-x86_64-${"b".repeat(40)}` }],
        plan,
      ),
    ).toHaveLength(1);
    expect(
      misplacedArtifacts(
        [
          { name: "cachet-1.2.1-linux-x86_64.tar.gz", artifact: `build-linux-arm64-${"a".repeat(40)}` },
          { name: "cachet-1.2.1-linux-arm64.tar.gz", artifact: `build-linux-x86_64-${"a".repeat(40)}` },
        ],
        plan,
      ),
    ).toHaveLength(2);
  });
});
