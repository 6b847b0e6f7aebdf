import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import type { ReleaseRequested } from "../request/release-requested.js";
import { notGreenChecks, type SourceChecksVerdict } from "../request/source-gate.js";
import { findVersionConflicts, type Version } from "../request/version.js";
import { REQUEST_WORKFLOW_PATH } from "../setup/installed-files.js";

/** A workflow run as GitHub reports it (the Actions API), never as a payload describes it. */
export interface ReportedRun {
  id: number;
  repo: string;
  event: string;
  actor: string;
  path: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  /** When it started (ISO 8601). */
  createdAt: string;
}

/** What GitHub says about a release request: each read by the automation side with its own token. */
export interface RequestFacts {
  /** The commit the tag points at in the source repo (annotated tags peeled); undefined: no such tag. */
  tagCommit: string | undefined;
  /** The release branches looked at, and the first whose history holds the tag's commit. */
  branches: { checked: readonly string[]; holding: string | undefined };
  /** The run the request says sent it, as GitHub reports it; undefined: none named, or none known. */
  triggerRun: ReportedRun | undefined;
  /** The source CI on the tag's commit when required-checks is set. */
  checks: SourceChecksVerdict | undefined;
  /** The commit the ledger already holds this version's request for. */
  recordedCommit: string | undefined;
}

/** A request whose every claim was either confirmed by GitHub or dropped (and said so). */
export interface VerifiedRequest {
  commit: string;
  /** Who asked, as GitHub reports the sending run; undefined when no run confirms it. */
  by: string | undefined;
  checksOverride: ReleaseRequested["checksOverride"];
  /** Claims that were dropped because GitHub did not confirm them, for the tracking issue. */
  unverified: string[];
}

/** The run id of `url` when it names a run of `repo` on `serverUrl`; anything else names no run. */
export function runIdOfUrl(url: string | undefined, serverUrl: string, repo: string): number | undefined {
  if (!url) return undefined;
  const prefix = `${serverUrl.replace(/\/+$/, "")}/${repo}/actions/runs/`.toLowerCase();
  if (!url.toLowerCase().startsWith(prefix)) return undefined;
  const id = /^(\d{1,15})(?:\/attempts\/\d{1,5})?$/.exec(url.slice(prefix.length))?.[1];
  return id === undefined ? undefined : Number(id);
}

const short = (sha: string) => sha.slice(0, 12);

/**
 * The commit a release of `version` is built from: the one GitHub says the tag points at, on a
 * release branch, and the one the ledger already holds for the version if it holds one. `claimed` is
 * the commit a request names. Refused outright when GitHub disagrees (E_REQUEST_FORGED) or the
 * version was requested from another commit (E_VERSION_CONFLICT).
 */
export function judgeTaggedCommit(
  claimed: string | undefined,
  version: Version,
  config: Config,
  facts: Pick<RequestFacts, "tagCommit" | "branches" | "recordedCommit">,
): string {
  const repo = config.source.repo;
  if (facts.tagCommit === undefined)
    throw new ReleaseRelayError(
      "E_REQUEST_FORGED",
      `release-requested names tag ${version.tag} at ${claimed ? short(claimed) : "no commit"}, but ${repo} has no tag ${version.tag}; nothing was built`,
      `push the tag to ${repo} and let its request-release workflow send the request; a request for a tag GitHub does not have is not believed`,
    );
  if (facts.tagCommit !== claimed)
    throw new ReleaseRelayError(
      "E_REQUEST_FORGED",
      `release-requested names commit ${claimed} for tag ${version.tag}, but in ${repo} the tag points at ${facts.tagCommit}; nothing was built`,
      "only the commit GitHub says the tag points at is ever built: if the tag moved, request it again from the main repo; if nobody sent this, revoke the dispatch token",
    );
  if (!facts.branches.holding)
    throw new ReleaseRelayError(
      "E_REQUEST_FORGED",
      `tag ${version.tag} points at ${short(facts.tagCommit)}, which is on none of ${facts.branches.checked.join(", ")} in ${repo} (a commit that exists only in a fork or on another branch); nothing was built`,
      `tag a commit of ${facts.branches.checked.join(" or ")}, or add its branch to source.release-branches`,
    );
  const conflict = findVersionConflicts(
    version,
    facts.tagCommit,
    facts.recordedCommit ? [{ version: version.version, commit: facts.recordedCommit }] : [],
  )[0];
  if (conflict)
    throw new ReleaseRelayError(
      "E_VERSION_CONFLICT",
      `${version.version} is already being released from ${facts.recordedCommit}; it was requested again from ${facts.tagCommit} (the tag moved or was cut again). Nothing was built`,
      `a version is released from one commit only: yank ${version.version} (release-relay yank ${version.version} --reason …) and release a new version from the new commit`,
    );

  return facts.tagCommit;
}

/**
 * Judges a `release-requested` payload against what GitHub says. The commit, the tag and the branch
 * are refused outright when GitHub disagrees (E_REQUEST_FORGED); who asked and a CI override are
 * believed only when a workflow_dispatch run of the source repo confirms them, and dropped otherwise.
 */
export function judgeReleaseRequest(
  payload: ReleaseRequested,
  version: Version,
  config: Config,
  facts: RequestFacts,
): VerifiedRequest {
  const repo = config.source.repo;
  const commit = judgeTaggedCommit(payload.sha, version, config, facts);
  const unverified: string[] = [];
  const confirmed = confirmingRun(payload, config, facts);
  if (!confirmed)
    unverified.push(
      `requested by ${payload.trigger.actor} (${payload.trigger.event}): no run of ${repo} confirms it`,
    );
  // What is failing is GitHub's to say, not the request's.
  let checksOverride =
    payload.checksOverride && facts.checks
      ? { ...payload.checksOverride, failing: notGreenChecks(facts.checks).slice(0, 50) }
      : payload.checksOverride;
  if (checksOverride) {
    const byHand =
      confirmed?.event === "workflow_dispatch" &&
      confirmed.actor.toLowerCase() === checksOverride.by.toLowerCase();
    if (!byHand) {
      unverified.push(
        `override of red CI by ${checksOverride.by} dropped: no workflow_dispatch run of ${repo} by ${checksOverride.by} confirms it`,
      );
      checksOverride = undefined;
    }
  }
  // A failed or missing check refuses, and so does a named one still running; with `all`, the
  // trigger's own job is one of them (GitHub lists every job as a check run), so running ones are
  // only noted.
  const named = config.source.requiredChecks !== "all";
  const red =
    facts.checks &&
    (facts.checks.verdict === "failed" ||
      facts.checks.missing.length > 0 ||
      (named && facts.checks.verdict === "pending"));
  if (facts.checks?.verdict === "pending" && !red)
    unverified.push(
      `checks still running when the request was confirmed: ${notGreenChecks(facts.checks).join(", ")}`,
    );
  if (facts.checks && red && !checksOverride)
    throw new ReleaseRelayError(
      "E_SOURCE_CHECKS",
      `the tagged commit ${short(commit)} of ${repo} does not have green CI (${notGreenChecks(facts.checks).join(", ")}), and no override confirmed by GitHub came with the request; nothing was built`,
      "fix CI and tag a green commit; to release anyway, run the request-release workflow by hand with the tag and an override-reason",
    );
  return { commit, by: confirmed?.actor, checksOverride, unverified };
}

/**
 * The run GitHub reports for the request's runUrl, when it can have sent this request: a run of the
 * source repo's request-release workflow, started no longer before the request than the trigger may
 * wait for CI (and not after it), and for a tag push or a published release, on the tag's commit.
 * Any other run (an old workflow_dispatch of another workflow, say) confirms nothing.
 */
function confirmingRun(
  payload: ReleaseRequested,
  config: Config,
  facts: RequestFacts,
): ReportedRun | undefined {
  const run = facts.triggerRun;
  if (!run || run.repo.toLowerCase() !== config.source.repo.toLowerCase()) return undefined;
  if (run.path !== REQUEST_WORKFLOW_PATH) return undefined;
  const requested = Date.parse(payload.trigger.at);
  const started = Date.parse(run.createdAt);
  const slackMs = 5 * 60_000;
  if (
    !(
      started <= requested + slackMs && requested - started <= (config.source.checksWaitMinutes + 60) * 60_000
    )
  )
    return undefined;
  if ((run.event === "push" || run.event === "release") && run.headSha !== facts.tagCommit) return undefined;
  return run;
}
