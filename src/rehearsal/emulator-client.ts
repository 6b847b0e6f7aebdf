import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";

/**
 * The rehearsal's own client of the emulator, to read what the release left: the emulator is on
 * loopback and its rate limits are faults the rehearsal injected, so a retry waits a hundredth of
 * what GitHub asks for.
 */
export function emulatorClient(apiUrl: string, token: string): GitHubClient {
  return createGitHubClient({ token, baseUrl: apiUrl, retryAfterBaseValue: 0.01 });
}
