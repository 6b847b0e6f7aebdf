// The ledger under 16 concurrent reporters of 5 events each, through createCommitOnBranch and through
// the Git Data API (the REST fallback): every event lands once, and the tracking issue shows them all.
// Each path has its own emulator, so the two run side by side: both spend most of their time in the
// writers' real jittered back-off, not on the CPU.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readConfigFile } from "../../src/adapters/config-file.js";
import { createGitHubClient } from "../../src/adapters/github/client.js";
import { useRestCommits } from "../../src/adapters/github/graphql/commits.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { readLedgerMarker } from "../../src/core/dashboard/ledger-marker.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { trackRelease } from "../../src/steps/track/track.js";
import { lostSwaps } from "../support/lost-swaps.js";
import { racedArtifact } from "../support/release-events.js";
import { trackSettings } from "../support/track-settings.js";

const configPath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");

describe.concurrent("the ledger with 16 reporters at once", () => {
  it.each(["createCommitOnBranch", "the Git Data API"])(
    "records 80 events from 16 concurrent reporters through %s; the final body shows all of them",
    async (api) => {
      const config = await readConfigFile(configPath);
      const AUTOMATION = config.tracking.repo;
      const emulator = new GitHubEmulator();
      await emulator.start();
      try {
        await emulator.createRepo(AUTOMATION);
        emulator.addToken("t", {
          login: "release-bot[bot]",
          repos: { [AUTOMATION]: ["contents:write", "issues:write"] },
        });
        const github = createGitHubClient({
          token: "t",
          baseUrl: emulator.url,
          retryAfterBaseValue: 1,
          pace: "local",
        });
        if (api === "the Git Data API") useRestCommits(github);
        const reporters = Array.from({ length: 16 }, (_, r) => async () => {
          for (let i = 0; i < 5; i++) {
            const event = racedArtifact(r, i);
            // Real jittered back-off: 16 writers racing on one branch.
            await trackRelease(trackSettings(configPath, "8.0.2", { event: JSON.stringify(event) }), config, {
              github,
              run: { runId: `run-${r}`, runUrl: undefined },
              now: () => new Date("2025-01-07T12:00:00Z"),
            });
          }
        });
        const mark = emulator.log.mark();
        await Promise.all(reporters.map((f) => f()));
        // Writers really raced: they lost the ledger branch to each other and retried.
        const lost = lostSwaps(emulator, AUTOMATION, mark);
        expect(lost.length).toBeGreaterThan(0);
        // ... on the path asked for: createCommitOnBranch refused as stale, or a ref update refused.
        expect(lost.some((c) => c.route === "POST /graphql createCommitOnBranch")).toBe(
          api === "createCommitOnBranch",
        );
        const store = new LedgerStore(github, AUTOMATION, "8.0.2");
        const { events, head } = await store.read();
        expect(events.filter((e) => e.type === "artifact")).toHaveLength(80);
        const issues = emulator.state.repos[AUTOMATION.toLowerCase()]?.issues ?? [];
        const open = issues.filter((i) => i.state === "open");
        expect(open).toHaveLength(1);
        expect(open[0]?.body).toContain("Artifacts (80)");
        expect(readLedgerMarker(open[0]?.body)).toBe(head);
      } finally {
        await emulator.stop();
      }
    },
    300_000,
  );
});
