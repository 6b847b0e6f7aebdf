import * as core from "@actions/core";
import { permissionForRoute } from "../adapters/github/route-permission.js";
import { describeError, ReleaseRelayError } from "../core/errors.js";

/**
 * A GitHub refusal that no adapter explained (403, or 404 for what a token cannot see) names the
 * call and the permission it needs.
 */
function explainRefusal(error: unknown): unknown {
  const e = error as { status?: number; request?: { method?: string; url?: string }; message?: string };
  if (error instanceof ReleaseRelayError || !e.request?.url || (e.status !== 403 && e.status !== 404))
    return error;
  const needs = permissionForRoute(e.request.method ?? "GET", e.request.url);
  if (!needs) return error;
  const path = new URL(e.request.url).pathname;
  return new ReleaseRelayError(
    "E_GITHUB",
    `GitHub answered ${e.status} to ${e.request.method} ${path}: ${e.message ?? ""}`.trim(),
    `give the token ${needs} (GitHub answers 404 for a repository a token cannot see)`,
  );
}

/** The one place an action's errors are caught: the step fails with the code, the problem and the fix. */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    core.setFailed(describeError(explainRefusal(error)));
  }
}
