import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck/light.js";
import { type GitHubAnswer, mayWaitUntil, RateLimitedError, rateLimitResetAt } from "./rate-limit.js";

const RelayOctokit = Octokit.plugin(retry, throttling);

/** The Octokit every adapter uses: REST with retries on 5xx and waits on rate limits. */
export type GitHubClient = InstanceType<typeof RelayOctokit>;

/** How to reach GitHub (or the local emulator) and how patiently. */
export interface GitHubClientOptions {
  /** Empty: no Authorization header, what GitHub serves anyone (public repos' contents). */
  token: string;
  /** `GITHUB_API_URL`: https://api.github.com, a GHES `/api/v3` URL, or the local emulator. */
  baseUrl?: string;
  /** Retries on 5xx and on rate limits before giving up. */
  retries?: number;
  /** Milliseconds multiplied into each retry's back-off (default 1000; 20 against a loopback API). */
  retryAfterBaseValue?: number;
  userAgent?: string;
  /**
   * "github" (default) paces writes as GitHub asks of integrations (one per second, one per three
   * seconds for calls that notify people), to stay clear of secondary rate limits; "local" lifts that
   * pacing for the local emulator. Default: "local" for a loopback baseUrl, else "github".
   */
  pace?: "github" | "local";
  /**
   * No rate-limit wait may end after this (the job's timeout, less a margin): a limit that lifts
   * later fails the call at once with E_RATE_LIMITED and the reset time. Default: four minutes after
   * the client is made, which every template job running release-relay's actions leaves room for
   * (timeout-minutes 5 or more).
   */
  deadline?: Date;
}

/** How long a client made without a deadline may spend waiting on rate limits. */
export const DEFAULT_RATE_LIMIT_BUDGET_MS = 4 * 60_000;

/** GitHub's answer carried by an Octokit RequestError. */
function answerOf(error: unknown): GitHubAnswer | undefined {
  const e = error as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string | number | undefined>; data?: { message?: string } };
  };
  if (typeof e?.status !== "number" || !e.response) return undefined;
  return {
    status: e.status,
    headers: e.response.headers ?? {},
    message: e.response.data?.message ?? e.message ?? "",
  };
}

/**
 * Creates the REST client with retry + throttling; the token never appears in logs or errors. Rate
 * limits are waited out only until the deadline; past it the call fails with a RateLimitedError.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.retries ?? 4;
  const deadline = (options.deadline ?? new Date(Date.now() + DEFAULT_RATE_LIMIT_BUDGET_MS)).getTime();
  // `after` is what GitHub asked for, in seconds; the wait itself is scaled by retryAfterBaseValue.
  const mayWait = (after: number, retryCount: number) =>
    retryCount < retries && mayWaitUntil(Date.now() + after * 1000, deadline);
  // No GitHub lives on loopback: an API there is the local emulator, which needs no pacing and
  // whose injected faults are worth retrying at once rather than after GitHub's back-off.
  const pace =
    options.pace ??
    (/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(options.baseUrl ?? "")
      ? "local"
      : "github");
  const retryAfterBaseValue = options.retryAfterBaseValue ?? (pace === "local" ? 20 : 1000);
  const octokit = new RelayOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? "https://api.github.com").replace(/\/$/, ""),
    userAgent: options.userAgent ?? "release-relay",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    // 429 is a rate limit (REST docs "Rate limits for the REST API"): throttling waits for it as
    // GitHub asks, within the deadline, instead of retry's blind back-off.
    retry: { retries, retryAfterBaseValue, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      retryAfterBaseValue,
      ...(pace === "local"
        ? {
            write: new Bottleneck.Group({ maxConcurrent: 16, minTime: 0 }),
            notifications: new Bottleneck.Group({ maxConcurrent: 16, minTime: 0 }),
            global: new Bottleneck.Group({ maxConcurrent: 16 }),
          }
        : {}),
      onRateLimit: (after: number, _options: object, _octokit: unknown, retryCount: number) =>
        mayWait(after, retryCount),
      onSecondaryRateLimit: (after: number, _options: object, _octokit: unknown, retryCount: number) =>
        mayWait(after, retryCount),
    },
  });
  // Registered after the plugins, so it sees what they gave up on: a rate limit not waited out.
  octokit.hook.error("request", (error) => {
    const answer = answerOf(error);
    const resetAt = answer && rateLimitResetAt(answer, Date.now());
    if (answer && resetAt) throw new RateLimitedError(resetAt, answer.status, answer.message);
    throw error;
  });
  return octokit;
}
