import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config/parse.js";
import type { DownstreamReport } from "../../src/core/ledger/downstream-report.js";
import type { LedgerEvent } from "../../src/core/ledger/events.js";
import { buildReleaseRequested, parseReleaseRequested } from "../../src/core/request/release-requested.js";
import { parseVersion } from "../../src/core/request/version.js";
import { judgeReport, type ReportFacts } from "../../src/core/trust/report-verdict.js";
import {
  judgeReleaseRequest,
  type ReportedRun,
  type RequestFacts,
  runIdOfUrl,
} from "../../src/core/trust/request-verdict.js";
import { assertSenderAllowed } from "../../src/core/trust/senders.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../examples/valkey/release-relay.yml"), "utf8"),
);
const A = "a".repeat(40);
const B = "b".repeat(40);
const version = parseVersion("8.0.2");
const payload = (extra: Record<string, unknown> = {}) => ({
  ...parseReleaseRequested(
    buildReleaseRequested("valkey", version, A, "valkey-io/valkey", {
      actor: "maintainer",
      event: "workflow_dispatch",
      at: "2025-01-07T10:00:00Z",
      runUrl: "https://github.com/valkey-io/valkey/actions/runs/9",
      checksOverride: { by: "maintainer", reason: "flaky", failing: ["x (failure)"] },
    }),
  ),
  ...extra,
});
const run = (over: Partial<ReportedRun> = {}): ReportedRun => ({
  id: 9,
  repo: "valkey-io/valkey",
  event: "workflow_dispatch",
  actor: "maintainer",
  path: ".github/workflows/release-relay.yml",
  headSha: A,
  status: "completed",
  conclusion: "success",
  createdAt: "2025-01-07T10:00:00Z",
  ...over,
});
const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  tagCommit: A,
  branches: { checked: ["8.0"], holding: "8.0" },
  triggerRun: run(),
  checks: undefined,
  recordedCommit: undefined,
  ...over,
});
const judge = (f: Partial<RequestFacts>, p = payload()) => judgeReleaseRequest(p, version, config, facts(f));

describe("a release request, judged against what GitHub says", () => {
  it("believes the commit, the requester and the override GitHub confirms", () => {
    expect(judge({})).toEqual({
      commit: A,
      by: "maintainer",
      checksOverride: payload().checksOverride,
      unverified: [],
    });
  });

  it("refuses another commit, a missing tag, a commit on no release branch and a second commit for the version", () => {
    expect(() => judge({ tagCommit: B })).toThrow(
      `names commit ${A} for tag 8.0.2, but in valkey-io/valkey the tag points at ${B}`,
    );
    expect(() => judge({ tagCommit: undefined })).toThrow("valkey-io/valkey has no tag 8.0.2");
    expect(() => judge({ branches: { checked: ["8.0"], holding: undefined } })).toThrow(
      "which is on none of 8.0",
    );
    expect(() => judge({ recordedCommit: B })).toThrow(`8.0.2 is already being released from ${B}`);
    expect(judge({ recordedCommit: A }).commit).toBe(A);
  });

  it("drops an override no workflow_dispatch run of the overrider confirms, and then refuses red CI", () => {
    const red = {
      verdict: "failed" as const,
      passed: [],
      failed: [{ name: "x", state: "failed" as const, detail: "failure" }],
      pending: [],
      missing: [],
    };
    for (const triggerRun of [
      undefined,
      run({ event: "push" }),
      run({ actor: "mallory" }),
      run({ repo: "mallory/valkey" }),
    ]) {
      const verdict = judge({ triggerRun });
      expect(verdict.checksOverride).toBeUndefined();
      expect(verdict.unverified.join(" ")).toContain("override of red CI by maintainer dropped");
      expect(() => judge({ triggerRun, checks: red })).toThrow("does not have green CI");
    }
    expect(judge({ checks: red }).checksOverride?.reason).toBe("flaky");
  });

  it("refuses named checks still running or missing; with `all`, only notes running ones", () => {
    const running = {
      verdict: "pending" as const,
      passed: [],
      failed: [],
      pending: [{ name: "x", state: "pending" as const, detail: "in_progress" }],
      missing: [],
    };
    const noOverride = payload({ checksOverride: undefined });
    expect(() => judge({ checks: running }, noOverride)).toThrow("does not have green CI (x (in_progress))");
    const all = { ...config, source: { ...config.source, requiredChecks: "all" as const } };
    expect(judgeReleaseRequest(noOverride, version, all, facts({ checks: running })).unverified).toEqual([
      "checks still running when the request was confirmed: x (in_progress)",
    ]);
    expect(() => judge({ checks: { ...running, pending: [], missing: ["x"] } }, noOverride)).toThrow(
      "does not have green CI",
    );
  });

  it("believes only a run that can have sent the request: the request workflow, just before it, on the tag", () => {
    const dropped = (triggerRun: ReportedRun) => judge({ triggerRun }).by === undefined;
    expect(dropped(run())).toBe(false);
    expect(dropped(run({ path: ".github/workflows/docs-deploy.yml" }))).toBe(true);
    expect(dropped(run({ createdAt: "2023-05-01T10:00:00Z" }))).toBe(true);
    expect(dropped(run({ createdAt: "2025-01-07T11:00:00Z" }))).toBe(true);
    expect(dropped(run({ event: "push", headSha: B }))).toBe(true);
    expect(dropped(run({ event: "push", headSha: A }))).toBe(false);
  });

  it("takes what is failing from GitHub, not from the override's claim", () => {
    const red = {
      verdict: "failed" as const,
      passed: [],
      failed: [{ name: "test-tls", state: "failed" as const, detail: "failure" }],
      pending: [],
      missing: [],
    };
    expect(judge({ checks: red }).checksOverride?.failing).toEqual(["test-tls (failure)"]);
  });

  it("names a run only by an address of the configured server and the source repo", () => {
    const server = "https://github.com";
    expect(
      runIdOfUrl("https://github.com/valkey-io/valkey/actions/runs/42", server, "valkey-io/valkey"),
    ).toBe(42);
    expect(
      runIdOfUrl(
        "https://github.com/valkey-io/valkey/actions/runs/42/attempts/2",
        server,
        "valkey-io/valkey",
      ),
    ).toBe(42);
    expect(
      runIdOfUrl("https://github.com/mallory/valkey/actions/runs/42", server, "valkey-io/valkey"),
    ).toBeUndefined();
    expect(
      runIdOfUrl("https://evil.example/valkey-io/valkey/actions/runs/42", server, "valkey-io/valkey"),
    ).toBeUndefined();
    expect(
      runIdOfUrl("https://github.com/valkey-io/valkey/actions/runs/42x", server, "valkey-io/valkey"),
    ).toBeUndefined();
  });
});

describe("senders", () => {
  it("takes each event only from the accounts the config names, whatever the case", () => {
    expect(() => assertSenderAllowed(config, "release-requested", "Valkey-Release-Bot")).not.toThrow();
    expect(() => assertSenderAllowed(config, "downstream-report", "valkey-release-bot")).toThrow(
      "downstream-report was sent by valkey-release-bot, who is not in senders.downstream-report",
    );
    expect(() => assertSenderAllowed({ ...config, senders: undefined }, "release-requested", "x")).toThrow(
      "release-relay.yml names no senders.release-requested",
    );
  });
});

describe("a downstream report, judged against what GitHub says", () => {
  const report = (over: Partial<DownstreamReport>): DownstreamReport => ({
    schemaVersion: 1,
    releaseId: "valkey@8.0.2",
    repo: "valkey-io/valkey-hashes",
    kind: "merged",
    runId: "5",
    ...over,
  });
  const claimed = { id: "c", at: "2025-01-07T12:00:00Z" };
  const pr = {
    number: 3,
    state: "closed" as const,
    merged: true,
    headSha: A,
    headRepo: "valkey-io/valkey-hashes",
    mergedAt: "2025-01-07T11:00:00Z",
  };
  const reportFacts = (over: Partial<ReportFacts> = {}): ReportFacts => ({
    senderRun: run({ id: 5, repo: "valkey-io/valkey-hashes" }),
    pull: pr,
    namedRun: undefined,
    ...over,
  });
  const merged = {
    ...claimed,
    type: "pull-request-closed",
    downstream: "hashes",
    merged: true,
  } as LedgerEvent;

  it("records GitHub's state of the recorded PR, never the report's", () => {
    expect(
      judgeReport(report({ kind: "closed" }), merged, { pull: { number: 3 } }, reportFacts()),
    ).toMatchObject({
      type: "pull-request-closed",
      merged: true,
      id: "report:hashes:merged",
    });
    expect(() =>
      judgeReport(
        report({}),
        merged,
        { pull: { number: 3 } },
        reportFacts({ pull: { ...pr, state: "open", merged: false } }),
      ),
    ).toThrow("GitHub says PR #3 is still open");
  });

  it("refuses a fork's PR, an unknown sender run, and a report with no recorded PR", () => {
    expect(() =>
      judgeReport(
        report({}),
        merged,
        { pull: { number: 3 } },
        reportFacts({ pull: { ...pr, headRepo: "mallory/valkey-hashes" } }),
      ),
    ).toThrow("a fork");
    expect(() =>
      judgeReport(report({}), merged, { pull: { number: 3 } }, reportFacts({ senderRun: undefined })),
    ).toThrow("GitHub does not know");
    expect(() =>
      judgeReport(report({ runId: "99999999999999999999" }), merged, { pull: { number: 3 } }, reportFacts()),
    ).toThrow("GitHub does not know");
    expect(() => judgeReport(report({}), merged, {}, reportFacts())).toThrow(
      "records no pull request of this release",
    );
  });

  it("refuses a report sent by a run of another repo than the downstream it names", () => {
    expect(() =>
      judgeReport(
        report({}),
        merged,
        { pull: { number: 3 } },
        reportFacts({ senderRun: run({ id: 5, repo: "someone/valkey-hashes" }) }),
      ),
    ).toThrow("merged report from valkey-io/valkey-hashes was sent by a run of someone/valkey-hashes");
  });

  it("takes CI from the run on the PR's head only", () => {
    const ci = {
      ...claimed,
      type: "downstream-ci",
      downstream: "hashes",
      state: "success",
      runId: "5",
    } as LedgerEvent;
    const testRun = run({ id: 300, repo: "valkey-io/valkey-hashes", conclusion: "failure" });
    expect(
      judgeReport(
        report({ kind: "ci", state: "success" }),
        ci,
        { pull: { number: 3 } },
        reportFacts({ namedRun: testRun }),
      ),
    ).toMatchObject({ state: "failure" });
    expect(() =>
      judgeReport(
        report({ kind: "ci", state: "success" }),
        ci,
        { pull: { number: 3 } },
        reportFacts({ namedRun: { ...testRun, headSha: B } }),
      ),
    ).toThrow("run 300 tested bbbbbbbbbbbb, but PR #3's head is aaaaaaaaaaaa");
  });

  it("takes a dispatch downstream's image build from a run started after the release was sent there", () => {
    const image = {
      ...claimed,
      type: "image-build",
      downstream: "images",
      status: "succeeded",
      tags: [],
    } as LedgerEvent;
    const own = run({
      id: 5,
      repo: "valkey-io/valkey-hashes",
      status: "in_progress",
      conclusion: null,
      createdAt: "2025-01-07T11:00:00Z",
    });
    const built = report({ kind: "image-build", state: "success" });
    expect(
      judgeReport(
        built,
        image,
        { dispatchedAt: "2025-01-07T10:30:00Z" },
        reportFacts({ senderRun: own, pull: undefined }),
      ),
    ).toMatchObject({ status: "succeeded" });
    expect(() =>
      judgeReport(
        built,
        image,
        { dispatchedAt: "2025-01-07T11:30:00Z" },
        reportFacts({ senderRun: own, pull: undefined }),
      ),
    ).toThrow("before the release was sent there");
    const failed = { ...own, status: "completed", conclusion: "failure" };
    expect(
      judgeReport(
        built,
        image,
        { dispatchedAt: "2025-01-07T10:30:00Z" },
        reportFacts({ senderRun: failed, pull: undefined }),
      ),
    ).toMatchObject({ status: "failed" });
  });

  it("takes a PR downstream's image build only from a finished run started after the merge, ranked by that run", () => {
    const image = {
      ...claimed,
      type: "image-build",
      downstream: "hashes",
      status: "succeeded",
      tags: [],
    } as LedgerEvent;
    const built = report({ kind: "image-build", state: "success", runId: "5" });
    const after = run({
      id: 700,
      repo: "valkey-io/valkey-hashes",
      createdAt: "2025-01-07T11:30:00Z",
      conclusion: "failure",
    });
    expect(
      judgeReport(built, image, { pull: { number: 3 } }, reportFacts({ namedRun: after })),
    ).toMatchObject({
      status: "failed",
      runId: "700",
      id: "report:hashes:image-build:700:done",
    });
    const before = { ...after, createdAt: "2025-01-07T10:30:00Z" };
    expect(() =>
      judgeReport(built, image, { pull: { number: 3 } }, reportFacts({ namedRun: before })),
    ).toThrow("before PR #3 was merged");
  });
});
