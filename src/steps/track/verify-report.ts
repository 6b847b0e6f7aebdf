// A downstream report is a hint: what the ledger records is what GitHub says about the release's own
// PR and the run the report names, read here with the automation side's token.
import { z } from "zod";
import type { GitHubClient } from "../../adapters/github/client.js";
import type { ClientFor } from "../../adapters/github/installation-clients.js";
import type { LedgerSnapshot, LedgerStore } from "../../adapters/ledger/ledger-store.js";
import { readPull, readPullsOfBranch, readWorkflowRun } from "../../adapters/runs/reported-facts.js";
import type { Config } from "../../core/config/schema.js";
import { releaseBranch } from "../../core/downstream/release-branch.js";
import { ReleaseRelayError } from "../../core/errors.js";
import { parseJsonInput } from "../../core/inputs/json-input.js";
import { downstreamReportSchema, reportToEvent } from "../../core/ledger/downstream-report.js";
import type { LedgerEvent } from "../../core/ledger/events.js";
import { deriveState, type ReleaseState } from "../../core/ledger/release-state.js";
import { pullRequestEventId } from "../../core/ledger/stage-output-events.js";
import { judgeReport, MAX_RUN_ID, releasePullOf } from "../../core/trust/report-verdict.js";
import { runIdOfUrl } from "../../core/trust/request-verdict.js";
import { assertSenderAllowed, mayRecordRefusal } from "../../core/trust/senders.js";

/**
 * Verifies a downstream report (JSON text) from `sender` against GitHub and returns the event
 * GitHub confirms (and the release's PR, when the ledger did not record it yet); throws E_SENDER or
 * E_REPORT_FORGED for one it does not.
 */
export async function verifyReport(
  reportText: string,
  config: Config,
  version: string,
  state: ReleaseState,
  deps: {
    github: GitHubClient;
    clientFor?: ClientFor | undefined;
    serverUrl: string;
    sender: string;
    now: string;
    /** The App that opens release PRs ("<slug>[bot]"): a PR it opened may be found before it is recorded. */
    appLogin?: string | undefined;
  },
): Promise<LedgerEvent[]> {
  assertSenderAllowed(config, "downstream-report", deps.sender);
  // Only JSON here: the payload is validated, with every problem named, by reportToEvent.
  const raw = parseJsonInput(
    reportText,
    z.unknown(),
    "downstream report",
    "pass toJSON(github.event.client_payload)",
    "E_PAYLOAD",
  );
  const claimed = reportToEvent(raw, config, version, deps.now);
  const report = downstreamReportSchema.parse(raw);
  const downstream = "downstream" in claimed ? claimed.downstream : "";
  const recordedState = state.downstream.find((d) => d.name === downstream);
  const runId = Number(report.runId);
  const named = runIdOfUrl(report.url, deps.serverUrl, report.repo);
  // The reporting repo is read with its owner's installation token.
  const github = () => deps.clientFor?.(report.repo) ?? deps.github;
  // A PR the ledger does not know yet (its run died before recording it) is found on GitHub: the
  // one the App opened from the release branch in the repo itself; it is recorded with the report.
  const found =
    !recordedState?.pr &&
    !recordedState?.dispatched &&
    deps.appLogin &&
    downstream &&
    report.kind !== "page-published"
      ? releasePullOf(
          await readPullsOfBranch(github(), report.repo, releaseBranch(version, downstream)),
          report.repo,
          deps.appLogin,
        )
      : undefined;
  const recorded = recordedState?.pr ?? found;
  const judged = judgeReport(
    report,
    claimed,
    { pull: recorded, dispatchedAt: recordedState?.dispatched?.at },
    {
      senderRun: runId <= MAX_RUN_ID ? await readWorkflowRun(github(), report.repo, runId) : undefined,
      pull: recorded ? await readPull(github(), report.repo, recorded.number) : undefined,
      namedRun: named === undefined ? undefined : await readWorkflowRun(github(), report.repo, named),
    },
  );
  if (!found) return [judged];
  const pull: LedgerEvent = {
    id: pullRequestEventId(downstream, found.number, found.headSha),
    at: deps.now,
    type: "pull-request",
    downstream,
    repo: report.repo,
    number: found.number,
    url: found.url,
    headSha: found.headSha,
    action: "opened",
  };
  return [pull, judged];
}

/**
 * The events a report adds to the ledger: what GitHub confirms, or (for a report GitHub contradicts,
 * or from a sender the config does not name) one `refused` line, returned with the refusal so the
 * caller shows it on the tracking issue before failing. A release with no ledger gets no line: a
 * refused report never starts a ledger of its own. The ledger read to judge it is returned with them.
 */
export async function reportEvents(
  report: string,
  config: Config,
  version: string,
  store: LedgerStore,
  deps: {
    github: GitHubClient;
    clientFor?: ClientFor | undefined;
    /** The App that opens release PRs ("<slug>[bot]"). */
    appLogin?: string | undefined;
    run: {
      runId: string;
      runUrl?: string | undefined;
      serverUrl?: string | undefined;
      sender?: string | undefined;
    };
  },
  at: string,
): Promise<{ events: LedgerEvent[]; before: LedgerSnapshot; refusal?: ReleaseRelayError }> {
  const sender = deps.run.sender ?? "(nobody)";
  const before = await store.read();
  try {
    const events = await verifyReport(report, config, version, deriveState(before.events), {
      github: deps.github,
      clientFor: deps.clientFor,
      serverUrl: deps.run.serverUrl ?? "https://github.com",
      sender,
      now: at,
      appLogin: deps.appLogin,
    });
    return { events, before };
  } catch (error) {
    const refused =
      error instanceof ReleaseRelayError && ["E_SENDER", "E_REPORT_FORGED"].includes(error.code);
    if (!refused || before.events.length === 0) throw error;
    if (!mayRecordRefusal(before.events)) return { events: [], before, refusal: error };
    const line: LedgerEvent = {
      id: `refused:${deps.run.runId}`,
      at,
      type: "refused",
      what: "downstream-report",
      sender: sender.slice(0, 100),
      reason: error.message.slice(0, 1000),
      ...(deps.run.runUrl ? { runUrl: deps.run.runUrl } : {}),
    };
    return { events: [line], before, refusal: error };
  }
}
