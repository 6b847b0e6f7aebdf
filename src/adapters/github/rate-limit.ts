import { ReleaseRelayError } from "../../core/errors.js";

/** What GitHub answered to a call it refused: status, headers, message. */
export interface GitHubAnswer {
  status: number;
  headers: Record<string, string | number | undefined>;
  message: string;
}

// GitHub asks a client over a secondary limit without retry-after to wait at least a minute (REST
// docs "Rate limits for the REST API": "you should wait for at least one minute before retrying").
const SECONDARY_FALLBACK_MS = 60_000;

/**
 * When GitHub will take calls again after a rate-limited answer, or undefined when the answer is no
 * rate limit. REST docs "Rate limits for the REST API" and "Troubleshooting the REST API": a rate
 * limit answers 403 or 429; `retry-after` (seconds) comes first; otherwise `x-ratelimit-remaining: 0`
 * means the primary limit, until `x-ratelimit-reset` (epoch seconds); otherwise a secondary limit
 * means at least a minute.
 */
export function rateLimitResetAt(answer: GitHubAnswer, now: number): Date | undefined {
  if (answer.status !== 403 && answer.status !== 429) return undefined;
  const header = (name: string) => {
    const v = answer.headers[name];
    return v === undefined || v === "" ? undefined : Number(v);
  };
  const retryAfter = header("retry-after");
  if (retryAfter !== undefined && Number.isFinite(retryAfter)) return new Date(now + retryAfter * 1000);
  const reset = header("x-ratelimit-reset");
  if (
    String(answer.headers["x-ratelimit-remaining"]) === "0" &&
    reset !== undefined &&
    Number.isFinite(reset)
  )
    return new Date(Math.max(now, reset * 1000));
  if (/\bsecondary rate limit\b/i.test(answer.message) || answer.status === 429)
    return new Date(now + SECONDARY_FALLBACK_MS);
  return undefined;
}

/** A wait for a rate limit is worth it only when it ends before the job's deadline. */
export function mayWaitUntil(resetAt: number, deadline: number): boolean {
  return resetAt <= deadline;
}

// The minute shown is the one after the reset (never before it), so a rerun at that time succeeds.
function resetMinute(resetAt: Date): string {
  return new Date(Math.ceil(resetAt.getTime() / 60_000) * 60_000)
    .toISOString()
    .slice(0, 16)
    .replace("T", " ");
}

/** How the tracking issue names a stage stopped by a rate limit. */
export function rateLimitedDetail(resetAt: Date): string {
  return `rate limited until ${resetMinute(resetAt).slice(11)} (UTC), rerun then`;
}

/** GitHub refused calls for longer than the job could wait: a rerun after `resetAt` succeeds. */
export class RateLimitedError extends ReleaseRelayError {
  constructor(
    readonly resetAt: Date,
    /** GitHub's status (403 or 429), kept for callers that branch on it. */
    readonly status: number,
    githubMessage: string,
  ) {
    super(
      "E_RATE_LIMITED",
      `GitHub's rate limit stops this job's calls until ${resetMinute(resetAt)} (UTC), later than the job may wait (GitHub answered ${status} ${githubMessage})`,
      `${rateLimitedDetail(resetAt)}: re-run the failed jobs after that time`,
    );
  }
}
