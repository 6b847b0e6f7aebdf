import { describe, expect, it } from "vitest";
import { mayWaitUntil, rateLimitedDetail, rateLimitResetAt } from "../../src/adapters/github/rate-limit.js";

const now = Date.parse("2026-11-23T13:00:00Z");
const at = (answer: Parameters<typeof rateLimitResetAt>[0]) => rateLimitResetAt(answer, now)?.toISOString();

describe("when GitHub takes calls again after a rate limit (REST docs 'Rate limits for the REST API')", () => {
  it("retry-after comes first, in seconds", () => {
    expect(
      at({ status: 429, headers: { "retry-after": "30", "x-ratelimit-remaining": "0" }, message: "" }),
    ).toBe("2026-11-23T13:00:30.000Z");
  });

  it("the primary limit lifts at x-ratelimit-reset (epoch seconds), for 403 and 429 alike", () => {
    const headers = { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 3900) };
    expect(at({ status: 403, headers, message: "API rate limit exceeded" })).toBe("2026-11-23T14:05:00.000Z");
    expect(at({ status: 429, headers, message: "API rate limit exceeded" })).toBe("2026-11-23T14:05:00.000Z");
  });

  it("a secondary limit without retry-after means at least a minute", () => {
    expect(
      at({ status: 403, headers: {}, message: "You have exceeded a secondary rate limit. Please wait" }),
    ).toBe("2026-11-23T13:01:00.000Z");
  });

  it("a 403 that is no rate limit (a missing permission) is left alone", () => {
    expect(
      at({
        status: 403,
        headers: { "x-ratelimit-remaining": "4999" },
        message: "Resource not accessible by integration",
      }),
    ).toBeUndefined();
    expect(at({ status: 404, headers: { "retry-after": "5" }, message: "Not Found" })).toBeUndefined();
  });

  it("a wait is taken only when it ends by the deadline", () => {
    expect(mayWaitUntil(now + 60_000, now + 60_000)).toBe(true);
    expect(mayWaitUntil(now + 60_001, now + 60_000)).toBe(false);
  });

  it("the tracking issue says until when, in UTC, and to rerun then (the minute after the reset)", () => {
    expect(rateLimitedDetail(new Date("2026-11-23T14:05:00Z"))).toBe(
      "rate limited until 14:05 (UTC), rerun then",
    );
    expect(rateLimitedDetail(new Date("2026-11-23T14:05:01Z"))).toBe(
      "rate limited until 14:06 (UTC), rerun then",
    );
  });
});
