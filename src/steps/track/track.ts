// The track stage for one release: records what it is asked to (an event, the request, a stage's
// outcome, a job's outcome, a verified report, a rerun's claim) in one ledger commit, then makes the
// tracking issue show the ledger.
import type { GitHubClient } from "../../adapters/github/client.js";
import type { ClientFor } from "../../adapters/github/installation-clients.js";
import { LedgerStore } from "../../adapters/ledger/ledger-store.js";
import { type IssueView, TrackingIssues } from "../../adapters/ledger/tracking-issue.js";
import { ledgerKey } from "../../core/config/environment.js";
import type { Config } from "../../core/config/schema.js";
import {
  type DashboardContext,
  dashboardContext,
  downstreamExpectations,
} from "../../core/dashboard/context.js";
import { renderTemplate } from "../../core/downstream/template.js";
import type { Stage } from "../../core/ledger/events.js";
import { type JobOutcome, jobOutcomeEvents } from "../../core/ledger/job-outcome-events.js";
import { type ReleaseState, stagesToRerun } from "../../core/ledger/release-state.js";
import type { RunDecision } from "../../core/ledger/stage-claims.js";
import { progressToRecord } from "../../core/ledger/stage-progress.js";
import { eventsOfTrackRequest, type RunInfo, type TrackRequest } from "../../core/ledger/track-request.js";
import { versionPlaceholders } from "../../core/request/plan.js";
import { parseVersion } from "../../core/request/version.js";
import type { RunLookup } from "./claim-stages.js";
import { claimRerun } from "./rerun.js";
import { syncTrackingIssue } from "./tracking-issue-sync.js";
import { reportEvents } from "./verify-report.js";

/** What one track call is asked to record, besides the release it is for. */
export interface TrackInput extends TrackRequest, JobOutcome {
  version: string;
  /** A downstream's report (JSON): recorded as GitHub confirms it. */
  report?: string | undefined;
  /** A rerun: the stages to run again are decided and claimed. */
  rerun?: "failed" | "all" | Stage[] | undefined;
  /** The App that opens release PRs and tracking issues. */
  appSlug?: string | undefined;
  /** The stages whose jobs start now. */
  starting?: Stage[] | undefined;
  /** The stages whose job waits next on an environment, and its required reviewers. */
  awaiting?: { environment: string; stages: Stage[]; reviewers: string[] | undefined } | undefined;
}

export interface TrackDeps {
  github: GitHubClient;
  run: RunInfo;
  now: () => Date;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Each downstream repo's client, by its owner's installation token (default: github for all). */
  clientFor?: ClientFor | undefined;
  /** Where the runs that claimed stages are looked up (default: the ledger's repo, with `github`). */
  runLookup?: RunLookup | undefined;
}

/** What the track stage did for one release. */
export interface TrackResult {
  issue: IssueView;
  state: ReleaseState;
  head: string;
  appended: boolean;
  /** For a rerun: the stages it must run; otherwise the stages not done yet. */
  stagesToRun: ReturnType<typeof stagesToRerun>;
  /** Stages another run of the release holds (this run then runs none). */
  held: RunDecision["held"];
  /** The commit the ledger's request is for (a rerun's own commit is build-matrix's to verify). */
  requestSha: string | undefined;
}

/**
 * Records one event in the ledger, makes sure exactly one tracking issue exists, posts the comments
 * people are owed (each once), and renders the issue from the ledger until the body shows its head.
 */
export async function trackRelease(input: TrackInput, config: Config, deps: TrackDeps): Promise<TrackResult> {
  const version = parseVersion(input.version);
  const store = new LedgerStore(
    deps.github,
    config.tracking.repo,
    ledgerKey(config, version.version),
    deps.sleep ? { sleep: deps.sleep } : {},
  );
  const now = () => deps.now().toISOString();
  const title = renderTemplate(config.tracking.title, versionPlaceholders(config, version), "tracking.title");
  const expected = downstreamExpectations(config);

  // A report is a hint: what is recorded is what GitHub confirms, and a report it contradicts (or
  // from a sender the config does not allow) is recorded as refused, changing nothing else.
  const report =
    input.report !== undefined
      ? await reportEvents(
          input.report,
          config,
          version.version,
          store,
          { ...deps, appLogin: input.appSlug ? `${input.appSlug}[bot]` : undefined },
          now(),
        )
      : undefined;
  let events = report ? report.events : eventsOfTrackRequest(input, deps.run, now());
  let rerun: RunDecision | undefined;
  if (input.rerun !== undefined) {
    rerun = await claimRerun(
      store,
      config,
      version,
      input.rerun,
      deps.run,
      deps.runLookup ?? { github: deps.github, repo: config.tracking.repo, workflowPath: undefined },
      now(),
    );
    events = [];
  }
  // Everything this step records goes into one ledger commit (all validated before the first write).
  const batch = [...events, ...jobOutcomeEvents(input, config, version, deps.run, now())];
  // Decided on the ledger as it stands, in the same compare-and-swap as the write.
  const progress = { runJobs: input.runJobs, batch, starting: input.starting, awaiting: input.awaiting };
  const appended =
    batch.length > 0 || input.runJobs || input.starting || input.awaiting
      ? (
          await store.appendDecided((current) =>
            progressToRecord(current, { ...progress, run: deps.run, at: now() }),
          )
        ).appended
      : false;

  const { issue, state, snapshot } = await syncTrackingIssue(
    store,
    new TrackingIssues(deps.github, config.tracking.repo),
    {
      config,
      version: version.version,
      title,
      expected,
      appSlug: input.appSlug,
      ctx: (head: string): DashboardContext =>
        dashboardContext(config, version.version, head, deps.run.serverUrl),
      now,
    },
  );
  // A refused report fails the step once the refusal is on the tracking issue.
  if (report?.refusal) throw report.refusal;
  return {
    issue,
    state,
    head: snapshot.head,
    appended,
    stagesToRun: rerun?.stages ?? stagesToRerun(state, "failed"),
    held: rerun?.held ?? [],
    requestSha: state.request?.commit,
  };
}
