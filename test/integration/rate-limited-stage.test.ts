// A stage stopped by a rate limit that lifts after its job's deadline: it fails at once (no sleeping
// into the job's timeout) and the tracking issue says until when, and to rerun then.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/adapters/github/client.js";
import { parseConfig } from "../../src/core/config/parse.js";
import { renderDashboard } from "../../src/core/dashboard/markdown.js";
import { deriveState } from "../../src/core/ledger/release-state.js";
import { pullRequestEvents } from "../../src/core/ledger/stage-output-events.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { generateThenOpen } from "../support/generate-then-open.js";
import { bareDashboardContext } from "../support/release-events.js";
import { hasTool } from "../support/tools.js";
import { SHA_802, seedValkeyDownstreams } from "../support/valkey-downstreams.js";

const examplePath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
let emulator: GitHubEmulator;
let hashesFile: string;

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await seedValkeyDownstreams(emulator);
  emulator.addToken("t", {
    login: "release-bot[bot]",
    repos: { "*": ["contents:write", "pull_requests:write", "issues:write"] },
  });
  hashesFile = join(mkdtempSync(join(tmpdir(), "hashes-")), "hashes.json");
  writeFileSync(
    hashesFile,
    JSON.stringify([
      {
        name: "valkey-8.0.2.tar.gz",
        kind: "source-archive",
        size: 3_500_000,
        sha256: SHA_802,
        url: "https://github.com/valkey-io/valkey/archive/refs/tags/8.0.2.tar.gz",
      },
    ]),
  );
});
afterAll(async () => {
  await emulator.stop();
});

describe.runIf(hasTool("jq", "jq"))("open-downstream-prs under a secondary rate limit", () => {
  it("fails the downstream at once when the limit outlasts the job, and the tracking issue says when to rerun", async () => {
    const config = parseConfig(readFileSync(examplePath, "utf8"));
    // Without retry-after, a secondary limit asks for at least a minute; this job has ten seconds left.
    emulator.failNext("POST /repos/{owner}/{repo}/pulls", "secondary-rate-limit-no-retry-after");
    const github = createGitHubClient({
      token: "t",
      baseUrl: emulator.url,
      pace: "local",
      deadline: new Date(Date.now() + 10_000),
    });
    const mark = emulator.log.mark();
    const results = await generateThenOpen(
      emulator.url,
      {
        configPath: examplePath,
        environment: undefined,
        version: "8.0.2",
        hashesFile,
        token: "t",
        releasedVersions: [],
        trackingIssueUrl: "https://github.com/valkey-io/valkey-release-automation/issues/1",
        releaseDate: "2025-01-07",
        recordedPrs: undefined,
      },
      config,
      { github, configDir: dirname(examplePath), today: "2025-01-07" },
    );
    const hashes = results.find((r) => r.downstream === "hashes");
    expect(hashes?.outcome).toBe("failed");
    expect(hashes?.error).toMatch(/^E_RATE_LIMITED: .* rate limited until \d\d:\d\d \(UTC\), rerun then/);
    // The refused create was not retried: nothing was waited for.
    const creates = emulator.log
      .calls({ since: mark })
      .filter((c) => c.route === "POST /repos/{owner}/{repo}/pulls" && c.path.includes("valkey-hashes"));
    expect(creates.map((c) => c.status)).toEqual([403]);
    // A downstream that does not need it went on.
    expect(results.find((r) => r.downstream === "container")?.outcome).toBe("opened");

    const events = pullRequestEvents(JSON.stringify(results), config, "7-1", "2025-01-07T10:00:00Z");
    const issue = renderDashboard(deriveState(events), bareDashboardContext("8.0.2"));
    const line = issue.split("\n").find((l) => l.includes("downstream hashes"));
    expect(line).toMatch(/rate limited until \d\d:\d\d \(UTC\), rerun then/);
  });
});
