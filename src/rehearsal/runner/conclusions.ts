import type { StatusCheck } from "./expressions.js";
import type { Result } from "./runner-host.js";

/**
 * A run's conclusion from its jobs' results: `cancelled` is its own conclusion, not a failure (REST
 * "Get a workflow run": conclusion is success, failure, cancelled, …); a failed job makes the run fail.
 */
export function runConclusion(results: readonly { result: Result }[]): "success" | "failure" | "cancelled" {
  if (results.some((r) => r.result === "failure")) return "failure";
  if (results.some((r) => r.result === "cancelled")) return "cancelled";
  return "success";
}

/** What a job's `if:` status functions see of the jobs it needs. */
export function needsStatus(results: readonly ({ result: Result } | undefined)[]): StatusCheck {
  return {
    succeeded: results.every((r) => r?.result === "success"),
    failed: results.some((r) => r?.result === "failure"),
    cancelled: results.some((r) => r?.result === "cancelled"),
  };
}
