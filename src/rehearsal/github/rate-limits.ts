// GitHub's rate limits as a client sees them: the counters on every answer, a token's primary limit
// running out (`limitRate`), and the answers GitHub gives when a limit is hit.
import type { Reply } from "./replies.js";

/** Calls a token may make an hour, as GitHub reports on every answer. */
const HOURLY = 5000;

/**
 * GitHub's rate-limit answers (REST docs "Rate limits for the REST API" and "Troubleshooting the
 * REST API"): 403 or 429; a primary limit with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`
 * (epoch seconds); a secondary one with `retry-after` (seconds) or, without it, a client must wait
 * at least a minute.
 */
export function rateLimitReply(
  status: 403 | 429,
  kind: "primary" | "secondary",
  reset: number,
  retryAfter?: number,
): Reply {
  const body = {
    message:
      kind === "primary"
        ? "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID."
        : "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
    status: String(status),
  };
  const headers: Record<string, string> =
    kind === "primary"
      ? { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }
      : retryAfter !== undefined
        ? { "retry-after": String(retryAfter) }
        : {};
  return { status, headers, body };
}

/**
 * GraphQL's primary limit, its own points apart from REST's (GraphQL docs "Rate limits and query
 * limits for the GraphQL API": "The REST API also has a separate primary rate limit"; 5,000 points an
 * hour for an installation): exceeded, GitHub answers HTTP 200 with a RATE_LIMITED error and
 * `x-ratelimit-remaining: 0`, which Octokit's throttling waits out like REST's.
 */
export function graphqlRateLimitReply(reset: number): Reply {
  return {
    status: 200,
    headers: {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(reset),
      "x-ratelimit-resource": "graphql",
    },
    body: { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation." }] },
  };
}

export class RateLimits {
  private remaining = new Map<string, number>();
  /** Tokens whose primary rate limit runs out (`limit`): calls allowed and when the window resets. */
  private quotas = new Map<string, { limit: number; used: number; resetAt: number; status: 403 | 429 }>();

  /** `now`: the emulator's time in ms. */
  constructor(private readonly now: () => number) {}

  /**
   * Gives a token a primary rate limit: `limit` more calls, then every call answers `status` (403 or
   * 429) with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` until `resetAt` (REST docs "Rate
   * limits for the REST API": "If you exceed your primary rate limit, you will receive a 403 or 429
   * response, and the x-ratelimit-remaining header will be 0").
   */
  limit(token: string, limit: number, resetAt: Date, status: 403 | 429): void {
    this.quotas.set(token, { limit, used: 0, resetAt: resetAt.getTime(), status });
  }

  /**
   * The primary limit's answer once a limited token's calls are used up, until its reset. GraphQL
   * calls count in their own bucket (`limit("graphql <token>", ...)`).
   */
  overQuota(token: string, resource: "core" | "graphql" = "core"): Reply | undefined {
    const key = resource === "graphql" ? `graphql ${token}` : token;
    const q = this.quotas.get(key);
    if (!q) return undefined;
    if (this.now() >= q.resetAt) {
      this.quotas.delete(key);
      return undefined;
    }
    if (q.used < q.limit) {
      q.used++;
      return undefined;
    }
    const reset = Math.ceil(q.resetAt / 1000);
    return resource === "graphql" ? graphqlRateLimitReply(reset) : rateLimitReply(q.status, "primary", reset);
  }

  /** Counts one answer to a token; its rate-limit headers (a limited token's own count over the hourly one). */
  count(token: string | undefined, resource: "core" | "graphql" = "core"): Record<string, string> {
    if (token && resource === "graphql") token = `graphql ${token}`;
    const used = token ? HOURLY - (this.remaining.get(token) ?? HOURLY) + 1 : 0;
    if (token) this.remaining.set(token, Math.max(0, HOURLY - used));
    const q = token ? this.quotas.get(token) : undefined;
    return {
      "x-ratelimit-limit": String(HOURLY),
      "x-ratelimit-remaining": String(Math.max(0, HOURLY - used)),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-used": String(used),
      "x-ratelimit-resource": resource,
      ...(q
        ? {
            "x-ratelimit-limit": String(q.limit),
            "x-ratelimit-remaining": String(Math.max(0, q.limit - q.used)),
            "x-ratelimit-used": String(q.used),
            "x-ratelimit-reset": String(Math.ceil(q.resetAt / 1000)),
          }
        : {}),
    };
  }
}
