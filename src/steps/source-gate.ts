import type { GitHubClient } from "../adapters/github/client.js";
import { isCommitOnBranch, readSourceChecks } from "../adapters/runs/source-checks.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import {
  type ChecksOverride,
  judgeSourceChecks,
  notGreenChecks,
  releaseBranchesFor,
} from "../core/request/source-gate.js";
import type { Version } from "../core/request/version.js";

const POLL_MS = 30_000;

/** What the gate needs from the world; tests pass a sleep that moves time on. */
export interface SourceGateDeps {
  github: GitHubClient;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  log: (line: string) => void;
  /** This workflow run's page (`<server>/<repo>/actions/runs/<id>`): its own jobs are not waited for. */
  runUrl?: string | undefined;
}

/** A maintainer's request to release although CI is not green. */
export interface OverrideRequest {
  by: string;
  reason: string;
}

/** Refuses a tag whose commit is on none of `source.release-branches`. */
async function checkReleaseBranch(config: Config, version: Version, sha: string, deps: SourceGateDeps) {
  const patterns = config.source.releaseBranches;
  if (!patterns) return;
  const branches = releaseBranchesFor(patterns, version);
  const absent: string[] = [];
  for (const branch of branches) {
    const on = await isCommitOnBranch(deps.github, config.source.repo, branch, sha);
    if (on) {
      deps.log(`Release branch: ${sha.slice(0, 12)} is on ${branch}.`);
      return;
    }
    if (on === undefined) absent.push(branch);
  }
  throw new ReleaseRelayError(
    "E_RELEASE_BRANCH",
    `tag ${version.tag} points at ${sha.slice(0, 12)}, which is not on ${branches.join(" or ")} in ${config.source.repo}` +
      (absent.length ? ` (${absent.join(", ")}: no such branch, or the token cannot see it)` : ""),
    `tag a commit of ${branches.join(" or ")} (delete this tag with \`git push --delete origin ${version.tag}\`), or add its branch to source.release-branches`,
  );
}

/**
 * The source gate, before anything is sent: the tag's commit is on a release branch and its required
 * checks passed (running ones are waited for up to `checks-wait-minutes`). A failing gate stops the
 * release unless a maintainer overrides it; the override is returned so it can be recorded.
 */
export async function passSourceGate(
  config: Config,
  version: Version,
  sha: string,
  override: OverrideRequest | undefined,
  deps: SourceGateDeps,
): Promise<ChecksOverride | undefined> {
  await checkReleaseBranch(config, version, sha, deps);
  const required = config.source.requiredChecks;
  if (!required) return undefined;
  const deadline = deps.now() + config.source.checksWaitMinutes * 60_000;
  for (;;) {
    const verdict = judgeSourceChecks(
      required,
      await readSourceChecks(deps.github, config.source.repo, sha),
      deps.runUrl,
    );
    if (verdict.verdict === "passed") {
      deps.log(`Source CI passed on ${sha.slice(0, 12)}: ${verdict.passed.map((c) => c.name).join(", ")}.`);
      if (override) deps.log("override-reason is not used: nothing to override.");
      return undefined;
    }
    const remaining = deadline - deps.now();
    if (verdict.verdict === "pending" && remaining > 0) {
      deps.log(`Waiting for source CI on ${sha.slice(0, 12)}: ${notGreenChecks(verdict).join(", ")}.`);
      await deps.sleep(Math.min(POLL_MS, remaining));
      continue;
    }
    const notGreen = notGreenChecks(verdict);
    if (override) {
      deps.log(
        `Source CI is not green (${notGreen.join(", ")}); released anyway by ${override.by}: ${override.reason}`,
      );
      return { by: override.by, reason: override.reason, failing: notGreen.slice(0, 50) };
    }
    const waited =
      verdict.verdict === "pending" ? ` after waiting ${config.source.checksWaitMinutes} minutes` : "";
    throw new ReleaseRelayError(
      "E_SOURCE_CHECKS",
      `the tagged commit ${sha.slice(0, 12)} of ${config.source.repo} does not have green CI${waited}: ${notGreen.join(", ")}; nothing was sent`,
      "fix CI and tag a green commit; to release anyway, run the request-release workflow by hand with the tag and an override-reason (recorded in the tracking issue)",
    );
  }
}
