import { z } from "zod";
import { githubLoginSchema } from "../config/github-login.js";
import type { Version } from "./version.js";

/** One check on the tag's commit: a check run (by name) or a commit status (by context). */
export interface SourceCheck {
  name: string;
  state: "passed" | "failed" | "pending";
  /** GitHub's words for it (`success`, `timed_out`, `in_progress`, ...), shown to the maintainer. */
  detail: string;
  url?: string | undefined;
  /** A check run's details_url: for a GitHub Actions job, the job's page under its run. */
  detailsUrl?: string | undefined;
}

/** What the source CI gate found on the tag's commit. */
export interface SourceChecksVerdict {
  verdict: "passed" | "failed" | "pending";
  passed: SourceCheck[];
  failed: SourceCheck[];
  pending: SourceCheck[];
  /** Required checks that have not reported at all. */
  missing: string[];
}

/** A maintainer's recorded decision to release although the source CI gate did not pass. */
export const checksOverrideSchema = z.strictObject({
  by: githubLoginSchema,
  reason: z.string().trim().min(1).max(500),
  /** The checks that were not green when the override was used: `name (state)`. */
  failing: z.array(z.string().max(200)).max(50),
});

export type ChecksOverride = z.infer<typeof checksOverrideSchema>;

// Conclusions GitHub counts as "not failing" for required status checks (branch protection).
const CHECK_RUN_PASSED = new Set(["success", "neutral", "skipped"]);

/** How a check run counts for the gate. */
export function checkRunState(status: string, conclusion: string | null): SourceCheck["state"] {
  if (status !== "completed") return "pending";
  return conclusion && CHECK_RUN_PASSED.has(conclusion) ? "passed" : "failed";
}

/** How a commit status counts for the gate. */
export function commitStatusState(state: string): SourceCheck["state"] {
  return state === "success" ? "passed" : state === "pending" ? "pending" : "failed";
}

/**
 * Whether a check is a job of the workflow run at `runUrl` (`https://github.com/o/r/actions/runs/N`):
 * GitHub makes every job a check run on its commit whose details_url (and html_url) is
 * `<runUrl>/job/<id>`, so the job that waits for "all checks" would otherwise wait for itself
 * (lewagon/wait-on-check-action#10; poseidon/wait-for-status-checks#303).
 */
export function isCheckOfRun(check: SourceCheck, runUrl: string | undefined): boolean {
  if (!runUrl) return false;
  const prefix = `${runUrl.replace(/\/+$/, "")}/job/`;
  return [check.detailsUrl, check.url].some((u) => u?.startsWith(prefix));
}

/**
 * Judges the checks on the tag's commit against `source.required-checks`: `all` (every check there
 * is, and at least one) or a list of names. Observed checks come newest first; the newest of a name wins.
 * The jobs of the judging run itself (`ownRunUrl`) are not its CI: a check whose newest run is one
 * of them is left out (a rerun's own job also hides the same job's failure in an earlier run).
 */
export function judgeSourceChecks(
  required: "all" | readonly string[],
  observed: readonly SourceCheck[],
  ownRunUrl?: string,
): SourceChecksVerdict {
  const latest = new Map<string, SourceCheck>();
  for (const check of observed) if (!latest.has(check.name)) latest.set(check.name, check);
  for (const [name, check] of latest) if (isCheckOfRun(check, ownRunUrl)) latest.delete(name);
  const considered =
    required === "all"
      ? [...latest.values()]
      : required.flatMap((name) => {
          const check = latest.get(name);
          return check ? [check] : [];
        });
  const missing =
    required === "all"
      ? latest.size === 0
        ? ["any check"]
        : []
      : required.filter((name) => !latest.has(name));
  const of = (state: SourceCheck["state"]) => considered.filter((c) => c.state === state);
  const failed = of("failed");
  const pending = of("pending");
  return {
    // A failed check will not turn green by waiting; pending and missing ones may.
    verdict: failed.length > 0 ? "failed" : pending.length > 0 || missing.length > 0 ? "pending" : "passed",
    passed: of("passed"),
    failed,
    pending,
    missing,
  };
}

/** The checks that are not green, as `name (state)` for messages and the ledger. */
export function notGreenChecks(v: SourceChecksVerdict): string[] {
  return [
    ...v.failed.map((c) => `${c.name} (${c.detail})`),
    ...v.pending.map((c) => `${c.name} (${c.detail})`),
    ...v.missing.map((name) => `${name} (not reported)`),
  ];
}

/** The branches a release of `version` may be tagged on: `source.release-branches` with {line}/{major}/{minor} filled. */
export function releaseBranchesFor(patterns: readonly string[], version: Version): string[] {
  const values: Record<string, string> = {
    line: version.line,
    major: String(version.major),
    minor: String(version.minor),
  };
  const branches = patterns.map((p) =>
    p.replace(/\{(line|major|minor)\}/g, (_, k: string) => values[k] ?? ""),
  );
  return [...new Set(branches)];
}
