import { ReleaseRelayError } from "../../core/errors.js";

/**
 * Turns an Octokit RequestError into an actionable error: what we tried, GitHub's status and
 * message, and the fix. Only the status and GitHub's message are kept: never request headers.
 */
export function githubError(error: unknown, action: string, permissionHint: string): ReleaseRelayError {
  // Already explained (a rate limit not waited out says when to rerun).
  if (error instanceof ReleaseRelayError) return error;
  const e = error as { status?: number; response?: { data?: { message?: string } }; message?: string };
  const status = e.status ?? 0;
  const message = e.response?.data?.message ?? e.message ?? String(error);
  const hint =
    status === 401
      ? "the token is invalid or expired; create a new one and update the secret"
      : status === 403 || status === 404
        ? `${permissionHint} (GitHub answers 404 for a repository a token cannot see)`
        : "retry the job; if it persists, check https://www.githubstatus.com";
  return new ReleaseRelayError("E_GITHUB", `could not ${action}: GitHub answered ${status} ${message}`, hint);
}
