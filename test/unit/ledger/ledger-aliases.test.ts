import { describe, expect, it } from "vitest";
import { z } from "zod";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import { LEGACY_EVENT_TYPES, type LedgerEvent, ledgerEventSchema } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { yankStepEvent } from "../../../src/core/yank/yank-plan.js";
import { valkeyExpectations as expected, valkeyReleaseEvents } from "../../support/release-events.js";

// A ledger as it is stored (ledger.json: an array of events), read as the ledger store reads it.
const readLedger = (events: readonly unknown[]): LedgerEvent[] =>
  z.array(ledgerEventSchema).parse(JSON.parse(JSON.stringify(events)));

const ctx = {
  version: "8.0.2",
  ledgerHead: "1".repeat(40),
  expected,
  rerunCommand: "gh workflow run release.yml -f version=8.0.2 -f stages=failed",
  yankCommand: "gh workflow run yank.yml -f version=8.0.2",
};

describe("ledgers written with earlier names", () => {
  const steps = [yankStepEvent("hashes", "revert-proposed", "2025-01-08T09:01:00Z", "9-1")];
  const yank = { id: "yank", at: "2025-01-08T09:00:00Z", reason: "arm64 crashes", by: "alice" };

  it("reads a yank recorded as `rollback` as the yank it was, and derives the same release", () => {
    const old = readLedger([
      ...valkeyReleaseEvents(),
      { ...yank, id: "rollback", type: "rollback" },
      ...steps,
    ]);
    const now = readLedger([...valkeyReleaseEvents(), { ...yank, type: "yank" }, ...steps]);
    expect(old.find((e) => e.id === "rollback")?.type).toBe("yank");
    const state = deriveState(old);
    expect(state.yanked).toEqual({ at: yank.at, reason: yank.reason, by: yank.by });
    expect({ ...state, comments: [...state.comments] }).toEqual({
      ...deriveState(now),
      comments: [...deriveState(now).comments],
    });
    expect(renderDashboard(state, ctx)).toBe(renderDashboard(deriveState(now), ctx));
  });

  it("writes only today's names", () => {
    for (const [old, current] of Object.entries(LEGACY_EVENT_TYPES)) {
      expect(ledgerEventSchema.parse({ ...yank, type: old }).type).toBe(current);
    }
  });

  it("still refuses an event type no ledger ever had", () => {
    expect(ledgerEventSchema.safeParse({ ...yank, type: "rolled-back" }).success).toBe(false);
  });
});
