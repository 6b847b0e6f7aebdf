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

// RELEASE_RELAY_CRASH_POINTS="1,31,40" tries just those.
const chosen = process.env.RELEASE_RELAY_CRASH_POINTS?.split(",").map(Number);

/**
 * The full suite's crash points: as many as a clean release makes mutating calls (measured here,
 * by a clean rehearsal while the file is collected), plus a margin for the calls the rehearsal's
 * maintainer makes, in one test per batch: a 20-minute test starves vitest's own messages.
 */
async function fullCrashPoints(): Promise<number[][]> {
  const dir = newWorld();
  const clean = await runRehearse(["--keep", dir]);
  if (clean.code !== 0) throw new Error(`the clean release failed: ${clean.why}`);
  const calls = readSummary(dir).apiCalls.mutating;
  const points = Array.from({ length: calls + 2 * PARALLEL }, (_, i) => i + 1);
  return Array.from({ length: Math.ceil(points.length / PARALLEL) }, (_, b) =>
    points.slice(b * PARALLEL, (b + 1) * PARALLEL),
  );
}

const batches = ready && FULL && !chosen ? await fullCrashPoints() : [];
const lastCall = batches.length > 0 ? (batches.at(-1)?.at(-1) ?? 0) - 2 * PARALLEL : 0;

describe.skipIf(!ready)("reliability: crash and rerun", { timeout: 7_200_000 }, () => {
  if (FULL && !chosen) {
    for (const batch of batches)
      it(`recovers from a crash after mutating call ${batch.join(", ")} (a clean release makes ${lastCall} or so)`, async () => {
        const outcomes = await eachLimited(batch, PARALLEL, crashAndRerun);
        // Only past the clean release's own calls may a release end before the crash point.
        outcomes.forEach((o, i) => {
          if (o === "beyond")
            expect(batch[i], "a release ended before this crash point").toBeGreaterThan(lastCall - 2);
        });
      });
    return;
  }
  it("recovers from crashes mid-way and late, the second in the rerun of the first", async () => {
    if (chosen) {
      const outcomes = await eachLimited(chosen, 2, crashAndRerun);
      expect(outcomes).toEqual(chosen.map(() => "recovered"));
      return;
    }
    // One world crashed twice: during the PRs, then the rerun itself, after its 16th write (late in
    // the release). Recovery must hold when the run that recovers dies too; the full suite tries
    // every call of a clean release on its own.
    const dir = newWorld();
    const crashedAt = (run: { notices: { kind: string; text?: string }[] }, k: number) =>
      run.notices.some(
        (n) => n.kind === "phase" && new RegExp(`crash: .* after mutating call ${k} `).test(n.text ?? ""),
      );
    const first = await runRehearse(["--crash-after", "20", "--keep", dir]);
    expect(crashedAt(first, 20), first.why).toBe(true);
    expect(first.code).toBe(1);
    const second = await runRehearse(["--resume", "--keep", dir, "--crash-after", "16"]);
    expect(crashedAt(second, 16), second.why).toBe(true);
    const last = await runRehearse(["--resume", "--keep", dir]);
    expect(last.code, `the last rerun failed: ${last.why}`).toBe(0);
    expect(readSummary(dir).completed).toBe(true);
    expectReleased(dir, "1.2.1", { afterCrash: true });
    expectNoSecrets(dir);
  });
});
