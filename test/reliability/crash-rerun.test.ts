// A release killed right after its k-th mutating call (the run dies; what it still sends is lost),
// then rerun by workflow_dispatch: the final world must equal a clean release's, with no duplicate
// PR, comment, branch, ledger event or object. The full suite tries every k of a clean release.
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

/** Crashes after call k, reruns, judges the world; "beyond" when the release has fewer than k calls. */
async function crashAndRerun(k: number): Promise<"recovered" | "beyond"> {
  const dir = newWorld();
  const crashed = await runRehearse(["--crash-after", String(k), "--keep", dir]);
  const crashedHere = crashed.notices.some(
    (n) => n.kind === "phase" && new RegExp(`crash: .* after mutating call ${k} `).test(n.text ?? ""),
  );
  if (!crashedHere) {
    expect(crashed.code, `k=${k}: ${crashed.why}`).toBe(0);
    return "beyond";
  }
  const resumed = await runRehearse(["--resume", "--keep", dir]);
  expect(resumed.code, `k=${k}: the rerun failed: ${resumed.why}`).toBe(0);
  expect(readSummary(dir).completed, `k=${k}`).toBe(true);
  expectReleased(dir, "1.2.1", { afterCrash: true });
  expectNoSecrets(dir);
  return "recovered";
}

describe.skipIf(!ready)("reliability: crash and rerun", { timeout: 7_200_000 }, () => {
  it(
    FULL
      ? "recovers from a crash after every mutating call"
      : "recovers from crashes early, mid-way and late",
    async () => {
      // RELEASE_RELAY_CRASH_POINTS="1,31,40" tries just those.
      const chosen = process.env.RELEASE_RELAY_CRASH_POINTS?.split(",").map(Number);
      if (!FULL || chosen) {
        // Early (the trigger's dispatch), during the uploads and PRs, and while downstream CI reports.
        const points = chosen ?? [2, 20, 36];
        const outcomes = await eachLimited(points, chosen ? 2 : 1, crashAndRerun);
        expect(outcomes).toEqual(points.map(() => "recovered"));
        return;
      }
      const failures: string[] = [];
      let recovered = 0;
      let k = 1;
      let done = false;
      while (!done) {
        const batch = Array.from({ length: PARALLEL }, (_, i) => k + i);
        k += PARALLEL;
        const outcomes = await eachLimited(batch, PARALLEL, async (n) => {
          try {
            const outcome = await crashAndRerun(n);
            process.stdout.write(`crash after call ${n}: ${outcome}\n`);
            return outcome;
          } catch (error) {
            failures.push(`k=${n}: ${(error as Error).message.split("\n")[0]}`);
            process.stdout.write(
              `crash after call ${n}: FAILED ${(error as Error).message.split("\n")[0]}\n`,
            );
            return "recovered" as const;
          }
        });
        recovered += outcomes.filter((o) => o === "recovered").length;
        done = outcomes.includes("beyond");
      }
      process.stdout.write(`crash points tried: ${recovered}, failures: ${failures.length}\n`);
      expect(failures).toEqual([]);
      expect(recovered).toBeGreaterThan(40);
    },
  );
});
