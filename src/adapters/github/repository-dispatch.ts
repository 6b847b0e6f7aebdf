import type { GitHubClient } from "./client.js";
import { githubError } from "./errors.js";

/** Sends a `repository_dispatch` (GitHub answers 204; the receiving workflow runs on its own). */
export async function sendRepositoryDispatch(
  github: GitHubClient,
  repo: string,
  eventType: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    await github.rest.repos.createDispatchEvent({
      owner,
      repo: name,
      event_type: eventType,
      client_payload: payload,
    });
  } catch (error) {
    throw githubError(
      error,
      `send ${eventType} to ${repo}`,
      `give the token "Contents: read and write" on ${repo}`,
    );
  }
}
