// A release killed right after its k-th mutating call (the run dies; what it still sends is lost),
// then rerun by workflow_dispatch: the final world must equal a clean release's, with no duplicate
// PR, comment, branch, ledger event or object. The full suite tries every k of a clean release.
import { afterAll, describe, expect, it } from "vitest";
import {
  expectNoSecrets,
  expectReleased,
  newWorld,
  removeWorlds,
  runRehearse,
} from "../support/rehearsal-checks.js";
import { readSummary } from "../support/rehearsal-world.js";
import { rehearsalTools } from "../support/tools.js";
import { eachLimited, FULL, PARALLEL } from "./scale.js";

// Kept worlds are large: removing a full suite's takes a while.
afterAll(removeWorlds, 600_000);
const ready = rehearsalTools();

/** Crashes after call k, reruns, judges the world; "beyond" when the release has fewer than k calls. */
async function crashAndRerun(k: number): Promise<"recovered" | "beyond"> {
  const dir = newWorld();
  const crashed = await runRehearse(["--crash-after", String(k), "--keep", dir]);
  const crashedHere = crashed.notices.some(
    (n) => n.kind === "phase" && new RegExp(`crash: .* after mutating call ${k} `).test(n.text ?? ""),
  );
  if (!crashedHere) {
    expect(crashed.code, `k=${k}: ${crashed.stderr}`).toBe(0);
    return "beyond";
  }
  const resumed = await runRehearse(["--resume", "--keep", dir]);
  expect(resumed.code, `k=${k}: the rerun failed: ${resumed.stderr}`).toBe(0);
  expect(readSummary(dir).completed, `k=${k}`).toBe(true);
  expectReleased(dir, "1.2.1");
  expectNoSecrets(dir);
  return "recovered";
}

describe.skipIf(!ready)("reliability: crash and rerun", { timeout: 7_200_000 }, () => {
  it(
    FULL
      ? "recovers from a crash after every mutating call"
      : "recovers from crashes early, mid-way and late",
    async () => {
      if (!FULL) {
        // Early (the trigger's dispatch), during the uploads and PRs, and while downstream CI reports.
        const outcomes = await eachLimited([2, 40, 70], 1, crashAndRerun);
        expect(outcomes).toEqual(["recovered", "recovered", "recovered"]);
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
            return await crashAndRerun(n);
          } catch (error) {
            failures.push(`k=${n}: ${(error as Error).message.split("\n")[0]}`);
            return "recovered" as const;
          }
        });
        recovered += outcomes.filter((o) => o === "recovered").length;
        done = outcomes.includes("beyond");
      }
      process.stdout.write(`crash points tried: ${recovered}, failures: ${failures.length}\n`);
      expect(failures).toEqual([]);
      expect(recovered).toBeGreaterThan(50);
    },
  );
});
