import type { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";

/**
 * The ref writes to `repo` GitHub refused since `mark` because another writer moved the ref first
 * (422 "not a fast forward", or "already exists" for the first commit; through GraphQL, a
 * createCommitOnBranch answered STALE_DATA): proof that writers raced and the loser retried on the
 * new head, not that they happened to take turns.
 */
export function lostSwaps(emulator: GitHubEmulator, repo: string, mark: number) {
  return emulator.log
    .calls({ since: mark })
    .filter(
      (c) =>
        (c.route === "POST /graphql createCommitOnBranch" &&
          c.error === "STALE_DATA" &&
          c.repo?.toLowerCase() === repo.toLowerCase()) ||
        (c.status === 422 &&
          (c.route === "PATCH /repos/{owner}/{repo}/git/refs/{ref}" ||
            c.route === "POST /repos/{owner}/{repo}/git/refs") &&
          c.path.toLowerCase().startsWith(`/repos/${repo.toLowerCase()}/`)),
    );
}
