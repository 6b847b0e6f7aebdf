import { ReleaseRelayError } from "../errors.js";
import type { DownstreamReport } from "../ledger/downstream-report.js";
import type { LedgerEvent } from "../ledger/events.js";
import type { ReportedRun } from "./request-verdict.js";

/** A pull request as GitHub reports it. */
export interface ReportedPull {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
  /** The repository the head branch lives in: another one for a fork's PR. */
  headRepo: string;
  /** When it was merged (ISO 8601); null while not merged. */
  mergedAt: string | null;
}

/** What GitHub says about a downstream report, each read by the automation side. */
export interface ReportFacts {
  /** The run that sent the report (its runId) in the reporting repo; undefined: GitHub knows none. */
  senderRun: ReportedRun | undefined;
  /** The PR the ledger recorded for this downstream, as GitHub has it now. */
  pull: ReportedPull | undefined;
  /** The run the report's url names (the CI or image build it is about). */
  namedRun: ReportedRun | undefined;
}

/** The largest run id a report may name: ids are JavaScript-safe integers on GitHub. */
export const MAX_RUN_ID = Number.MAX_SAFE_INTEGER;

const refuse = (message: string, hint: string) => new ReleaseRelayError("E_REPORT_FORGED", message, hint);

/**
 * Turns a downstream report into what GitHub confirms: the event records GitHub's state of the PR the
 * ledger recorded (same repo, same number, head in that repo) and of the run the report names, never
 * the payload's. A report GitHub contradicts, or that names nothing GitHub knows, is refused.
 */
export function judgeReport(
  report: DownstreamReport,
  claimed: LedgerEvent,
  recorded: { pull?: { number: number; headSha?: string } | undefined; dispatchedAt?: string | undefined },
  facts: ReportFacts,
): LedgerEvent {
  const recordedPull = recorded.pull;
  const what = `${report.kind} report from ${report.repo}`;
  if (Number(report.runId) > MAX_RUN_ID || !facts.senderRun)
    throw refuse(
      `${what} names run ${report.runId}, which GitHub does not know in ${report.repo}`,
      "reports come from the report-status workflow of the downstream repo; this one did not",
    );
  if (facts.senderRun.repo.toLowerCase() !== report.repo.toLowerCase())
    throw refuse(
      `${what} was sent by a run of ${facts.senderRun.repo}`,
      "only the downstream's own runs report",
    );
  if (report.kind === "page-published") return claimed;
  if (report.kind === "image-build" && !recordedPull && recorded.dispatchedAt)
    return dispatchedImageBuild(report, claimed, recorded.dispatchedAt, facts);
  if (!recordedPull || !facts.pull)
    throw refuse(
      `${what}: the ledger records no pull request of this release there`,
      "only the release's own PR is reported on; a PR with a release-named branch from anyone else changes nothing",
    );
  const pull = facts.pull;
  if (pull.headRepo.toLowerCase() !== report.repo.toLowerCase())
    throw refuse(
      `${what}: PR #${pull.number}'s branch lives in ${pull.headRepo}, a fork`,
      "fork PRs never move a release",
    );
  const base = claimed as Extract<LedgerEvent, { downstream: string }>;
  switch (report.kind) {
    case "merged":
    case "closed": {
      if (pull.state !== "closed")
        throw refuse(
          `${what}: GitHub says PR #${pull.number} is still open`,
          "wait for the PR to be merged or closed",
        );
      return {
        id: `report:${base.downstream}:${pull.merged ? "merged" : "closed"}`,
        at: claimed.at,
        ...(claimed.runUrl ? { runUrl: claimed.runUrl } : {}),
        type: "pull-request-closed",
        downstream: base.downstream,
        merged: pull.merged,
      };
    }
    case "ci": {
      const run = facts.namedRun;
      if (!run || run.repo.toLowerCase() !== report.repo.toLowerCase())
        throw refuse(
          `${what}: its url names no run GitHub knows in ${report.repo}`,
          "report CI with the run's own page",
        );
      if (run.headSha !== pull.headSha)
        throw refuse(
          `${what}: run ${run.id} tested ${run.headSha.slice(0, 12)}, but PR #${pull.number}'s head is ${pull.headSha.slice(0, 12)}`,
          "only CI of the release PR's current head counts",
        );
      const state =
        run.status !== "completed" ? "pending" : run.conclusion === "success" ? "success" : "failure";
      // Ranked by the run GitHub reports, not by the id a report claims for itself.
      return {
        ...(claimed as Extract<LedgerEvent, { type: "downstream-ci" }>),
        id: `report:${base.downstream}:ci:${run.id}:${state === "pending" ? "pending" : "done"}`,
        state,
        runId: String(run.id),
      };
    }
    case "image-build": {
      const run = facts.namedRun;
      if (!run || run.repo.toLowerCase() !== report.repo.toLowerCase() || run.status !== "completed")
        throw refuse(
          `${what}: its url names no finished run GitHub knows in ${report.repo}`,
          "report the image build with its run's page",
        );
      if (!pull.merged)
        throw refuse(
          `${what}: GitHub says PR #${pull.number} is not merged`,
          "an image is built from the merged release PR",
        );
      if (pull.mergedAt && run.createdAt < pull.mergedAt)
        throw refuse(
          `${what}: run ${run.id} started at ${run.createdAt}, before PR #${pull.number} was merged (${pull.mergedAt})`,
          "only a build of the merged release counts",
        );
      return {
        ...(claimed as Extract<LedgerEvent, { type: "image-build" }>),
        id: `report:${base.downstream}:image-build:${run.id}:done`,
        status: run.conclusion === "success" ? "succeeded" : "failed",
        runId: String(run.id),
      };
    }
  }
}

/**
 * A dispatch downstream has no PR: its image build reports from its own run. The run (the one the
 * report links, else the sender) must be one GitHub knows in that repo, started after the release was
 * sent there; a finished run's conclusion is GitHub's, a running one may only report on itself.
 */
function dispatchedImageBuild(
  report: DownstreamReport,
  claimed: LedgerEvent,
  dispatchedAt: string,
  facts: ReportFacts,
): LedgerEvent {
  const what = `image-build report from ${report.repo}`;
  const run = facts.namedRun ?? facts.senderRun;
  if (!run || run.repo.toLowerCase() !== report.repo.toLowerCase())
    throw refuse(
      `${what}: it names no run GitHub knows in ${report.repo}`,
      "report from the image build's own run",
    );
  if (run.createdAt < dispatchedAt)
    throw refuse(
      `${what}: run ${run.id} started at ${run.createdAt}, before the release was sent there (${dispatchedAt})`,
      "only a build the release started counts",
    );
  const event = claimed as Extract<LedgerEvent, { type: "image-build" }>;
  if (run.status !== "completed") {
    if (run.id !== facts.senderRun?.id)
      throw refuse(
        `${what}: run ${run.id} has not finished`,
        "report once the build finished, or from the build's own run",
      );
    return event;
  }
  return { ...event, status: run.conclusion === "success" ? "succeeded" : "failed" };
}

/**
 * The release's own PR among those GitHub lists for its branch, when the ledger has not recorded it
 * yet (the run that opened it died before recording it): opened by the App, from the repo itself.
 * Anyone with write access can open a PR from a release-named branch; only the App's counts.
 */
export function releasePullOf<P extends ReportedPull & { author: string }>(
  pulls: readonly P[],
  repo: string,
  appLogin: string,
): P | undefined {
  return pulls.find(
    (p) =>
      p.author.toLowerCase() === appLogin.toLowerCase() && p.headRepo.toLowerCase() === repo.toLowerCase(),
  );
}
