import { describe, expect, it } from "vitest";
import { renderDashboardHtml } from "../../../src/core/dashboard/html.js";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import {
  type ChecksOverride,
  checkRunState,
  commitStatusState,
  judgeSourceChecks,
  notGreenChecks,
  releaseBranchesFor,
  type SourceCheck,
} from "../../../src/core/request/source-gate.js";
import { parseVersion } from "../../../src/core/request/version.js";
import { bareDashboardContext } from "../../support/release-events.js";

const check = (name: string, state: SourceCheck["state"], detail: string = state): SourceCheck => ({
  name,
  state,
  detail,
});

describe("how GitHub's check results count", () => {
  it.each([
    ["completed", "success", "passed"],
    ["completed", "neutral", "passed"],
    ["completed", "skipped", "passed"],
    ["completed", "failure", "failed"],
    ["completed", "cancelled", "failed"],
    ["completed", "timed_out", "failed"],
    ["completed", "action_required", "failed"],
    ["in_progress", null, "pending"],
    ["queued", null, "pending"],
  ])("check run %s/%s is %s", (status, conclusion, state) => {
    expect(checkRunState(status, conclusion)).toBe(state);
  });
  it.each([
    ["success", "passed"],
    ["pending", "pending"],
    ["failure", "failed"],
    ["error", "failed"],
  ])("commit status %s is %s", (state, expected) => {
    expect(commitStatusState(state)).toBe(expected);
  });
});

describe("judgeSourceChecks", () => {
  it("passes when every named check passed, whatever else failed", () => {
    const v = judgeSourceChecks(
      ["build", "test"],
      [check("build", "passed"), check("test", "passed"), check("lint", "failed")],
    );
    expect(v.verdict).toBe("passed");
    expect(v.passed.map((c) => c.name)).toEqual(["build", "test"]);
  });

  it("fails at once on a failed named check, even with others still running", () => {
    const v = judgeSourceChecks(
      ["build", "test"],
      [check("build", "pending"), check("test", "failed", "timed_out")],
    );
    expect(v.verdict).toBe("failed");
    expect(notGreenChecks(v)).toEqual(["test (timed_out)", "build (pending)"]);
  });

  it("waits for a named check that has not reported yet", () => {
    const v = judgeSourceChecks(["build", "test"], [check("build", "passed")]);
    expect(v.verdict).toBe("pending");
    expect(v.missing).toEqual(["test"]);
    expect(notGreenChecks(v)).toEqual(["test (not reported)"]);
  });

  it("takes the newest result of a check reported more than once (a re-run job)", () => {
    expect(judgeSourceChecks(["test"], [check("test", "passed"), check("test", "failed")]).verdict).toBe(
      "passed",
    );
    expect(judgeSourceChecks(["test"], [check("test", "failed"), check("test", "passed")]).verdict).toBe(
      "failed",
    );
  });

  it("`all` needs every check there is to pass, and at least one", () => {
    expect(judgeSourceChecks("all", [check("a", "passed"), check("b", "passed")]).verdict).toBe("passed");
    expect(judgeSourceChecks("all", [check("a", "passed"), check("b", "failed")]).verdict).toBe("failed");
    const none = judgeSourceChecks("all", []);
    expect(none.verdict).toBe("pending");
    expect(notGreenChecks(none)).toEqual(["any check (not reported)"]);
  });
});

describe("releaseBranchesFor", () => {
  it("fills {line}, {major}, {minor} and drops repeats", () => {
    expect(
      releaseBranchesFor(
        ["{line}", "release/{major}.x", "{major}.{minor}", "unstable"],
        parseVersion("8.1.0-rc1"),
      ),
    ).toEqual(["8.1", "release/8.x", "unstable"]);
  });
});

describe("an override in the dashboards", () => {
  const ctx = bareDashboardContext("8.0.4", "c".repeat(40));
  const request = (checksOverride?: ChecksOverride) =>
    deriveState([
      {
        id: "request:x",
        at: "2026-11-23T10:00:00Z",
        type: "request",
        tag: "8.0.4",
        commit: "d".repeat(40),
        requestedAt: "2026-11-23T10:00:00Z",
        ...(checksOverride ? { checksOverride } : {}),
      },
    ]);
  const override = { by: "maintainer", reason: "<b>flaky</b>", failing: ["test (failure)"] };

  it("is shown, escaped, in the issue and the HTML page; absent otherwise", () => {
    expect(renderDashboard(request(override), ctx)).toContain(
      "> ⚠️ **Released with source CI not green** (test (failure)): overridden by maintainer — `<b>flaky</b>`",
    );
    const html = renderDashboardHtml(request(override), ctx, { title: "x" });
    expect(html).toContain('id="checks-override"');
    expect(html).toContain("&lt;b&gt;flaky&lt;/b&gt;");
    expect(renderDashboard(request(), ctx)).not.toContain("source CI");
    expect(renderDashboardHtml(request(), ctx, { title: "x" })).not.toContain("checks-override");
  });
});

describe("the judging run's own jobs (required-checks: all)", () => {
  const runUrl = "https://github.com/valkey-io/valkey/actions/runs/42";
  const own = (state: SourceCheck["state"]): SourceCheck => ({
    ...check("request-release", state),
    url: `${runUrl}/job/9001`,
    detailsUrl: `${runUrl}/job/9001`,
  });

  it("passes when the only check not green is the judging job itself", () => {
    const v = judgeSourceChecks("all", [own("pending"), check("test", "passed")], runUrl);
    expect(v.verdict).toBe("passed");
    expect(v.passed.map((c) => c.name)).toEqual(["test"]);
  });

  it("without the run's address, its own running job keeps the gate pending (as GitHub shows it)", () => {
    expect(judgeSourceChecks("all", [own("pending"), check("test", "passed")]).verdict).toBe("pending");
  });

  it("still waits for another run's job of the same commit, and fails on a failed one", () => {
    const other: SourceCheck = {
      ...check("request-release", "pending"),
      detailsUrl: "https://github.com/valkey-io/valkey/actions/runs/420/job/1",
    };
    expect(judgeSourceChecks("all", [other, check("test", "passed")], runUrl).verdict).toBe("pending");
    expect(judgeSourceChecks("all", [own("pending"), check("test", "failed")], runUrl).verdict).toBe(
      "failed",
    );
  });

  it("an earlier failed run of the same job is hidden by this run's newer one", () => {
    const earlier: SourceCheck = {
      ...check("request-release", "failed", "failure"),
      detailsUrl: "https://github.com/valkey-io/valkey/actions/runs/41/job/1",
    };
    const v = judgeSourceChecks("all", [own("pending"), earlier, check("test", "passed")], runUrl);
    expect(v.verdict).toBe("passed");
  });

  it("own jobs alone are no CI: the commit has not reported any check", () => {
    expect(judgeSourceChecks("all", [own("pending")], runUrl).missing).toEqual(["any check"]);
  });
});
