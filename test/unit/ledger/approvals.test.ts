import { describe, expect, it } from "vitest";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import { approvalEvents, parseRunApprovals } from "../../../src/core/ledger/approvals.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { bareDashboardContext } from "../../support/release-events.js";

const review = (state: string, login: string, envs: string[], comment?: string | null) => ({
  environments: envs.map((name) => ({ id: 1, name })),
  state,
  user: { login, id: 2 },
  comment,
});
const ctx = bareDashboardContext("1.0.0");

describe("deployment reviews of a release run", () => {
  it("records each decision per environment once; pending reviews are not decisions", () => {
    const approvals = parseRunApprovals([
      review("approved", "alice", ["release", "prod us"], "looks right"),
      review("pending", "bob", ["release"]),
      review("rejected", "carol", ["release"], null),
    ]);
    const events = approvalEvents(approvals, "42", "2026-11-23T10:00:00Z");
    expect(events.map((e) => e.id)).toEqual([
      "approval:42:release:alice:approved",
      "approval:42:prod-us:alice:approved",
      "approval:42:release:carol:rejected",
    ]);
    const state = deriveState([...events, ...approvalEvents(approvals, "42", "2026-11-23T11:00:00Z")]);
    expect(state.approvals.map((a) => [a.by, a.environment, a.state, a.comment])).toEqual([
      ["alice", "prod us", "approved", "looks right"],
      ["alice", "release", "approved", "looks right"],
      ["carol", "release", "rejected", undefined],
    ]);
    const body = renderDashboard(state, ctx);
    expect(body).toContain(
      "> 🔐 Publishing approved by alice (environment `release`, 2026-11-23T10:00:00Z): “looks right”\n",
    );
    expect(body).toContain(
      "> ⛔ Publishing rejected by carol (environment `release`, 2026-11-23T10:00:00Z)\n",
    );
  });

  it("refuses an answer that is not GitHub's review history, naming what is wrong", () => {
    expect(() => parseRunApprovals({ message: "Not Found" })).toThrow(/not what GitHub documents/);
    expect(() => parseRunApprovals([review("approved", "", ["release"])])).toThrow(/user\.login/);
    expect(() => parseRunApprovals([review("maybe", "alice", ["release"])])).toThrow(/state/);
  });
});
