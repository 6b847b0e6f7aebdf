// The trust boundary of a release: a release-requested payload is a claim; what is built comes from
// what GitHub says about the source repo, read here with the automation side's own token.
import type { GitHubClient } from "../adapters/github/client.js";
import { githubError } from "../adapters/github/errors.js";
import { readTagCommit } from "../adapters/github/tag-commit.js";
import { LedgerStore } from "../adapters/ledger/ledger-store.js";
import { readWorkflowRun } from "../adapters/runs/reported-facts.js";
import { isCommitOnBranch, readSourceChecks } from "../adapters/runs/source-checks.js";
import { ledgerKey } from "../core/config/environment.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import type { LedgerEvent } from "../core/ledger/events.js";
import { deriveState } from "../core/ledger/release-state.js";
import type { ReleaseRequested } from "../core/request/release-requested.js";
import { judgeSourceChecks, releaseBranchesFor } from "../core/request/source-gate.js";
import type { Version } from "../core/request/version.js";
import {
  judgeReleaseRequest,
  judgeTaggedCommit,
  type RequestFacts,
  runIdOfUrl,
  type VerifiedRequest,
} from "../core/trust/request-verdict.js";
import { assertSenderAllowed, mayRecordRefusal } from "../core/trust/senders.js";

export interface VerifyRequestDeps {
  /** Reads the source repo and the ledger (the automation side's App token). */
  github: GitHubClient;
  serverUrl: string;
  log: (line: string) => void;
}

/** What the ledger already holds for this version: the commit and time it was first requested at. */
export async function recordedRequest(
  github: GitHubClient,
  config: Config,
  version: Version,
): Promise<{ commit: string; requestedAt: string } | undefined> {
  const store = new LedgerStore(github, config.tracking.repo, ledgerKey(config, version.version));
  return deriveState((await store.read()).events).request;
}

/** The commit GitHub says the tag points at, and the release branch holding it. */
async function tagFacts(github: GitHubClient, config: Config, version: Version) {
  const repo = config.source.repo;
  let tagCommit: string | undefined;
  try {
    tagCommit = await readTagCommit(github, repo, version.tag);
  } catch (error) {
    throw githubError(
      error,
      `read tag ${version.tag} of ${repo}`,
      `give the App "Contents: read" on ${repo}`,
    );
  }
  let checked = config.source.releaseBranches
    ? releaseBranchesFor(config.source.releaseBranches, version)
    : [];
  if (checked.length === 0) {
    // Without release branches the default branch is the one a release may come from: a commit
    // reachable only from a fork or a stray branch is never built.
    const [owner, name] = repo.split("/") as [string, string];
    checked = [(await github.rest.repos.get({ owner, repo: name })).data.default_branch];
  }
  let holding: string | undefined;
  if (tagCommit)
    for (const branch of checked)
      if (await isCommitOnBranch(github, repo, branch, tagCommit)) {
        holding = branch;
        break;
      }
  return { tagCommit, branches: { checked, holding } };
}

/**
 * Verifies a release request before anything is planned: its tag and commit are GitHub's, the commit
 * is on a release branch, the version was not requested from another commit, its sender is allowed,
 * and claims GitHub does not confirm (who asked, a CI override) are dropped.
 */
export async function verifyReleaseRequest(
  payload: ReleaseRequested,
  version: Version,
  config: Config,
  sender: string,
  deps: VerifyRequestDeps,
): Promise<VerifiedRequest> {
  const { tagCommit, branches } = await tagFacts(deps.github, config, version);
  const runId = runIdOfUrl(payload.trigger.runUrl, deps.serverUrl, config.source.repo);
  const facts: RequestFacts = {
    tagCommit,
    branches,
    triggerRun:
      runId === undefined ? undefined : await readWorkflowRun(deps.github, config.source.repo, runId),
    checks:
      tagCommit && config.source.requiredChecks
        ? judgeSourceChecks(
            config.source.requiredChecks,
            await readSourceChecks(deps.github, config.source.repo, tagCommit),
          )
        : undefined,
    recordedCommit: (await recordedRequest(deps.github, config, version))?.commit,
  };
  const verified = judgeReleaseRequest(payload, version, config, facts);
  // After the payload's claims, so that a forged request is named as such whoever sent it.
  assertSenderAllowed(config, "release-requested", sender);
  deps.log(
    `Request verified against GitHub: tag ${version.tag} of ${config.source.repo} points at ${verified.commit} on ${branches.holding}` +
      (verified.by ? `, sent by ${verified.by}'s run` : ""),
  );
  for (const note of verified.unverified) deps.log(`Not confirmed by GitHub, dropped: ${note}`);
  return verified;
}

/**
 * A rerun's commit: the one the ledger recorded, as long as the tag still points at it; a release
 * that never recorded its request takes the tag's commit as GitHub has it.
 */
export async function verifyRerunCommit(
  version: Version,
  config: Config,
  deps: VerifyRequestDeps,
): Promise<{ commit: string; requestedAt: string | undefined }> {
  const recorded = await recordedRequest(deps.github, config, version);
  const { tagCommit, branches } = await tagFacts(deps.github, config, version);
  // A rerun claims no commit: the tag's, as GitHub has it, must be the one the ledger recorded.
  const commit = judgeTaggedCommit(tagCommit ?? recorded?.commit, version, config, {
    tagCommit,
    branches,
    recordedCommit: recorded?.commit,
  });
  return { commit, requestedAt: recorded?.requestedAt };
}

const REFUSALS = new Set(["E_SENDER", "E_REQUEST_FORGED", "E_VERSION_CONFLICT", "E_SOURCE_CHECKS"]);

/**
 * The ledger line for a refused request, when the release it names exists (its ledger has events):
 * the refusal shows on that release's tracking issue and changes nothing else. A request for a
 * release that does not exist gets none, so a forged request never starts a ledger or an issue.
 */
export async function refusedRequestEvent(
  error: unknown,
  version: Version,
  config: Config,
  deps: { github: GitHubClient; sender: string; runId: string; runUrl: string | undefined; at: string },
): Promise<LedgerEvent | undefined> {
  if (!(error instanceof ReleaseRelayError) || !REFUSALS.has(error.code)) return undefined;
  const store = new LedgerStore(deps.github, config.tracking.repo, ledgerKey(config, version.version));
  const { events } = await store.read();
  if (events.length === 0 || !mayRecordRefusal(events)) return undefined;
  return {
    id: `refused:${deps.runId}`,
    at: deps.at,
    type: "refused",
    what: "release-requested",
    sender: deps.sender.slice(0, 100),
    reason: error.message.slice(0, 1000),
    ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
  };
}
