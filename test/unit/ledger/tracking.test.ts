import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { commentsDue, wantedIssueState } from "../../../src/core/ledger/tracking.js";
import { valkeyExpectations as expected, valkeyReleaseEvents } from "../../support/release-events.js";

describe("comments", () => {
  it("owes the first failure (mentioning the team), each rerun and completion — three for a bumpy release", () => {
    const state = deriveState(valkeyReleaseEvents({ failBuildOnce: true }));
    const due = commentsDue(state, expected, ["@valkey-io/core-team"], "8.0.2");
    expect(due.map((d) => d.purpose)).toEqual(["first-failure", "rerun", "complete"]);
    expect(due[0]?.body).toContain("@valkey-io/core-team release 8.0.2 needs attention: **stage build**");
    const posted = deriveState([
      ...valkeyReleaseEvents({ failBuildOnce: true }),
      ...due.map(
        (d, i): LedgerEvent => ({
          id: `comment:${d.key}`,
          at: `2025-01-07T12:00:0${i}Z`,
          type: "comment-posted",
          purpose: d.purpose,
          key: d.key,
        }),
      ),
    ]);
    expect(commentsDue(posted, expected, [], "8.0.2")).toEqual([]);
  });

  it("closes the issue when complete and keeps it open otherwise", () => {
    expect(wantedIssueState(deriveState(valkeyReleaseEvents()), expected)).toBe("closed");
    expect(wantedIssueState(deriveState(valkeyReleaseEvents().slice(0, 10)), expected)).toBe("open");
  });
});
