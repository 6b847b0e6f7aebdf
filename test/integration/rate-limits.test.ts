// GitHub's rate limits as GitHub answers them (REST docs "Rate limits for the REST API" and
// "Troubleshooting the REST API"): 403 or 429; the primary limit with x-ratelimit-remaining 0 and
// x-ratelimit-reset; a secondary one with retry-after, or without it (wait at least a minute). The
// client waits out a limit that lifts before its job's deadline and fails at once on one that does not.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/adapters/github/client.js";
import { RateLimitedError, rateLimitedDetail } from "../../src/adapters/github/rate-limit.js";
import { readSourceChecks } from "../../src/adapters/runs/source-checks.js";
import { renderDashboard } from "../../src/core/dashboard/markdown.js";
import { ReleaseRelayError } from "../../src/core/errors.js";
import { deriveState } from "../../src/core/ledger/release-state.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import type { FaultKind } from "../../src/rehearsal/github/faults.js";
import { bareDashboardContext } from "../support/release-events.js";

const REPO = "acme/widget";
const ROUTE = "GET /repos/{owner}/{repo}";
let emulator: GitHubEmulator;
let sha: string;
let n = 0;

/** A fresh token that may read the repo (each test its own, so limits do not leak between tests). */
function token(): string {
  const t = `ghs_rate_${++n}`;
  emulator.addToken(t, {
    login: "release-bot[bot]",
    repos: { [REPO]: ["contents:read", "checks:read", "statuses:read"] },
  });
  return t;
}

const get = (t: string) =>
  fetch(`${emulator.url}/repos/${REPO}`, { headers: { authorization: `token ${t}` } });

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  sha = await emulator.createRepo(REPO, { private: true });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.faults.clear();
});

describe("the emulator answers rate limits with GitHub's status and headers", () => {
  it.each([
    ["primary-rate-limit", 403],
    ["primary-rate-limit-429", 429],
  ] as [FaultKind, number][])(
    "%s: %i with x-ratelimit-remaining 0 and the reset in epoch seconds",
    async (kind, status) => {
      emulator.failNext(ROUTE, kind);
      const before = Math.floor(Date.now() / 1000);
      const res = await get(token());
      expect(res.status).toBe(status);
      expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(before);
      expect(res.headers.get("retry-after")).toBeNull();
      expect(((await res.json()) as { message: string }).message).toMatch(/^API rate limit exceeded/);
    },
  );

  it.each([
    ["secondary-rate-limit", 403, "1"],
    ["secondary-rate-limit-429", 429, "1"],
    ["secondary-rate-limit-no-retry-after", 403, null],
  ] as [FaultKind, number, string | null][])("%s: %i, retry-after %s", async (kind, status, retryAfter) => {
    emulator.failNext(ROUTE, kind);
    const res = await get(token());
    expect(res.status).toBe(status);
    expect(res.headers.get("retry-after")).toBe(retryAfter);
    expect(res.headers.get("x-ratelimit-remaining")).not.toBe("0");
    expect(((await res.json()) as { message: string }).message).toContain("secondary rate limit");
  });

  it("a token's primary limit counts down, then every call is refused until the reset", async () => {
    const t = token();
    const resetAt = new Date(Date.now() + 3600_000);
    emulator.limitRate(t, 2, resetAt);
    const first = await get(t);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
    expect((await get(t)).headers.get("x-ratelimit-remaining")).toBe("0");
    for (let i = 0; i < 2; i++) {
      const refused = await get(t);
      expect(refused.status).toBe(403);
      expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(refused.headers.get("x-ratelimit-reset")).toBe(String(Math.ceil(resetAt.getTime() / 1000)));
    }
    // Another token has its own limit.
    expect((await get(token())).status).toBe(200);
  });

  it("the limit lifts at its reset", async () => {
    const t = token();
    emulator.limitRate(t, 0, new Date(Date.now() - 2000));
    expect((await get(t)).status).toBe(200);
  });
});

describe("release-relay's client waits a limit out only within its deadline", () => {
  const client = (t: string, deadline?: Date) =>
    createGitHubClient({ token: t, baseUrl: emulator.url, pace: "local", ...(deadline ? { deadline } : {}) });

  it.each([
    "secondary-rate-limit",
    "secondary-rate-limit-429",
    "secondary-rate-limit-no-retry-after",
    "primary-rate-limit",
    "primary-rate-limit-429",
  ] as FaultKind[])("waits out a short %s and then succeeds", async (kind) => {
    emulator.failNext(ROUTE, kind);
    const mark = emulator.log.mark();
    const { data } = await client(token()).rest.repos.get({ owner: "acme", repo: "widget" });
    expect(data.full_name).toBe(REPO);
    expect(emulator.log.calls({ since: mark }).map((c) => c.status)).toEqual([
      kind.endsWith("429") ? 429 : 403,
      200,
    ]);
  });

  it("fails at once, without waiting, when the limit lifts after the deadline, saying until when", async () => {
    const t = token();
    const resetAt = new Date(Date.now() + 3600_000);
    emulator.limitRate(t, 0, resetAt);
    const mark = emulator.log.mark();
    const error = await client(t)
      .rest.repos.get({ owner: "acme", repo: "widget" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    const limited = error as RateLimitedError;
    expect(limited.code).toBe("E_RATE_LIMITED");
    expect(limited.resetAt.getTime()).toBe(Math.ceil(resetAt.getTime() / 1000) * 1000);
    expect(limited.hint).toContain(`${rateLimitedDetail(limited.resetAt)}: re-run the failed jobs`);
    expect(limited.hint).toMatch(/^rate limited until \d\d:\d\d \(UTC\), rerun then/);
    // One call: nothing was retried, so nothing was waited for.
    expect(emulator.log.calls({ since: mark })).toHaveLength(1);
  });

  it("a secondary limit without retry-after means a minute: past a nearer deadline it fails at once", async () => {
    emulator.failNext(ROUTE, "secondary-rate-limit-no-retry-after");
    const mark = emulator.log.mark();
    const before = Date.now();
    const error = await client(token(), new Date(Date.now() + 10_000))
      .rest.repos.get({ owner: "acme", repo: "widget" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).resetAt.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(emulator.log.calls({ since: mark })).toHaveLength(1);
  });

  it("adapters pass the rate limit on instead of calling it a permission problem", async () => {
    const t = token();
    emulator.limitRate(t, 0, new Date(Date.now() + 3600_000), 429);
    const error = await readSourceChecks(client(t), REPO, sha).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseRelayError);
    expect((error as ReleaseRelayError).code).toBe("E_RATE_LIMITED");
    expect((error as ReleaseRelayError).hint).not.toContain("give the trigger's source-token");
  });
});

describe("a stage stopped by a rate limit on the tracking issue", () => {
  it("shows when to rerun", () => {
    const resetAt = new Date("2026-11-23T14:04:09Z");
    const state = deriveState([
      {
        id: "stage:open-downstream-prs:failed:7-1",
        at: "2026-11-23T13:20:00Z",
        type: "stage",
        stage: "open-downstream-prs",
        status: "failed",
        detail: rateLimitedDetail(resetAt),
      },
    ]);
    expect(renderDashboard(state, bareDashboardContext("8.0.2"))).toContain(
      "rate limited until 14:05 (UTC), rerun then",
    );
  });
});
