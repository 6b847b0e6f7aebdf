import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck/light.js";

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
}

/** Creates the REST client with retry + throttling; the token never appears in logs or errors. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.retries ?? 4;
  // No GitHub lives on loopback: an API there is the local emulator, which needs no pacing and
  // whose injected faults are worth retrying at once rather than after GitHub's back-off.
  const pace =
    options.pace ??
    (/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(options.baseUrl ?? "")
      ? "local"
      : "github");
  const retryAfterBaseValue = options.retryAfterBaseValue ?? (pace === "local" ? 20 : 1000);
  return new RelayOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? "https://api.github.com").replace(/\/$/, ""),
    userAgent: options.userAgent ?? "release-relay",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { retries, retryAfterBaseValue },
    throttle: {
      retryAfterBaseValue,
      ...(pace === "local"
        ? {
            write: new Bottleneck.Group({ maxConcurrent: 16, minTime: 0 }),
            notifications: new Bottleneck.Group({ maxConcurrent: 16, minTime: 0 }),
            global: new Bottleneck.Group({ maxConcurrent: 16 }),
          }
        : {}),
      onRateLimit: (_after: number, _options: object, _octokit: unknown, retryCount: number) =>
        retryCount < retries,
      onSecondaryRateLimit: (_after: number, _options: object, _octokit: unknown, retryCount: number) =>
        retryCount < retries,
    },
  });
}
