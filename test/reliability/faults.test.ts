// Rehearsals of the example with 10 % of GitHub API calls and S3 requests failing (5xx, secondary
// rate limit, S3 SlowDown, connection reset before or after S3 acted, latency): each must complete
// and leave exactly the world a clean release leaves, with no secret anywhere.
import { describe, expect, it } from "vitest";
import {
  expectNoSecrets,
  expectReleased,
  newWorld,
  rehearsalSuite,
  runRehearse,
} from "../support/rehearsal-checks.js";
import { readSummary } from "../support/rehearsal-world.js";
import { eachLimited, FULL, PARALLEL } from "./scale.js";

const ready = rehearsalSuite();
// The quick sample is one seed (its faults reach both stores); the full suite tries twenty.
const SEEDS = FULL ? Array.from({ length: 20 }, (_, i) => i + 1) : [14];

describe.skipIf(!ready)("reliability: injected faults", { timeout: 3_600_000 }, () => {
  it(`completes with 10 % faults over ${SEEDS.length} seed(s) and leaves a clean release's world`, async () => {
    const injected = await eachLimited(SEEDS, PARALLEL, async (seed) => {
      const dir = newWorld();
      const run = await runRehearse(["--faults", "0.1", "--seed", String(seed), "--keep", dir]);
      expect(run.code, `seed ${seed}: ${run.why}`).toBe(0);
      expectReleased(dir, "1.2.1");
      expectNoSecrets(dir);
      const { faultsInjected } = readSummary(dir);
      expect(faultsInjected.github, `seed ${seed}`).toBeGreaterThan(0);
      return faultsInjected;
    });
    // The faults really reached both stores.
    expect(injected.reduce((n, f) => n + f.s3, 0)).toBeGreaterThan(0);
  });
});
