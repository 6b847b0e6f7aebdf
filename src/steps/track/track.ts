// The track stage for one release: records what it is asked to (an event, the request, a stage's
// outcome, a job's outcome, a verified report, a rerun's claim with the plan) in one ledger commit,
// then makes the tracking issue show the ledger.
import type { GitHubClient } from "../../adapters/github/client.js";
import type { ClientFor } from "../../adapters/github/installation-clients.js";
import { type IssueView, TrackingIssues } from "../../adapters/ledger/tracking-issue.js";
import { ledgerKey } from "../../core/config/environment.js";
import type { Config } from "../../core/config/schema.js";
import {
  type DashboardContext,
  dashboardContext,
  downstreamExpectations,
} from "../../core/dashboard/context.js";
import { GITHUB_COM } from "../../core/dashboard/safe-links.js";
import { renderTemplate } from "../../core/downstream/template.js";
import type { LedgerEvent, Stage } from "../../core/ledger/events.js";
import { type JobOutcome, jobOutcomeEvents } from "../../core/ledger/job-outcome-events.js";
import { deriveState, type ReleaseState, stagesToRerun } from "../../core/ledger/release-state.js";
import type { RunDecision } from "../../core/ledger/stage-claims.js";
import { type StepRecord, stepRecord } from "../../core/ledger/step-record.js";
import { eventsOfTrackRequest, type RunInfo, type TrackRequest } from "../../core/ledger/track-request.js";
import { versionPlaceholders } from "../../core/request/plan.js";
import { parseVersion } from "../../core/request/version.js";
import {
  type GitHubReleaseDeps,
  type GitHubReleaseOutcome,
  syncGitHubRelease,
} from "../github-release/sync-github-release.js";
import type { RunLookup } from "./claim-stages.js";
import { LedgerWriter } from "./ledger-write.js";
import { prepareRerun } from "./rerun.js";
import {
  openTrackingIssue,
  syncTrackingIssue,
  type TrackingIssueInput,
  trackingIssueEvent,
} from "./tracking-issue-sync.js";
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
  /** A client that may write the source repo's releases: the step then keeps its GitHub Release. */
  githubRelease?: Pick<GitHubReleaseDeps, "github" | "filesDir"> | undefined;
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
  /** What the GitHub Release step did, when it ran. */
  githubRelease?: GitHubReleaseOutcome | undefined;
}

/**
 * Records what the step is asked to (with a rerun's claim, the tracking issue it opens and the
 * comments that fall due) in one ledger write, makes sure exactly one tracking issue exists, posts
 * the comments people are owed (each once), and renders the issue from the ledger until the body
 * shows its head.
 */
export async function trackRelease(input: TrackInput, config: Config, deps: TrackDeps): Promise<TrackResult> {
  const version = parseVersion(input.version);
  const ledger = new LedgerWriter(
    deps.github,
    config.tracking.repo,
    ledgerKey(config, version.version),
    deps.sleep,
  );
  const { store } = ledger;
  const issues = new TrackingIssues(deps.github, config.tracking.repo);
  const now = () => deps.now().toISOString();
  const title = renderTemplate(config.tracking.title, versionPlaceholders(config, version), "tracking.title");
  const expected = downstreamExpectations(config);
  const ping = config.tracking.reviewPing;
  const sync: TrackingIssueInput = {
    config,
    version: version.version,
    title,
    expected,
    appSlug: input.appSlug,
    ctx: (head: string): DashboardContext =>
      dashboardContext(config, version.version, head, deps.run.serverUrl),
    now,
    comments: {
      expected,
      notify: config.tracking.notify,
      reviewPing: ping && { afterHours: ping.afterHours, notify: ping.notify ?? config.tracking.notify },
      version: version.version,
    },
  };

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
  // A rerun's claim, with the plan and the claiming job's own outcome (recorded for a stage it takes).
  const rerun =
    input.rerun !== undefined
      ? await prepareRerun(
          store,
          config,
          version,
          input.rerun,
          deps.run,
          deps.runLookup ?? { github: deps.github, repo: config.tracking.repo, workflowPath: undefined },
          now(),
        )
      : undefined;
  const events = report
    ? report.events
    : rerun
      ? eventsOfTrackRequest({ plan: input.plan }, deps.run, now())
      : eventsOfTrackRequest(input, deps.run, now());
  const claimedOutcome = rerun ? eventsOfTrackRequest({ ...input, plan: undefined }, deps.run, now()) : [];
  // All of it is validated before the first write.
  const batch = [...events, ...jobOutcomeEvents(input, config, version, deps.run, now())];
  // The first step of a release that read the ledger anyway opens the tracking issue before its
  // write, so that the issue is recorded in that write rather than in one more.
  const before = rerun?.before ?? report?.before;
  const opened =
    before && !deriveState(before.events).trackingIssue && (rerun || batch.length > 0)
      ? await openTrackingIssue(issues, sync, deriveState(before.events), before.head)
      : undefined;
  const at = now();
  const write = await ledger.write((current) => {
    const record = stepRecord(current, {
      progress: {
        runJobs: input.runJobs,
        batch,
        starting: input.starting,
        awaiting: input.awaiting,
        run: deps.run,
        at,
      },
      claim: rerun?.claim,
      claimedOutcome,
      trackingIssue: opened && trackingIssueEvent(opened, config.tracking.repo, at),
      comments: sync.comments,
      at,
    });
    return { events: record.events, decided: record };
  });
  const decision = write.decided?.decision;

  // The GitHub Release follows the ledger as this step's write left it. When it is published or
  // yanked, that is recorded in one more append, which the tracking issue shows in its one update.
  const release = deps.githubRelease
    ? await syncGitHubRelease(config, version, deriveState(write.snapshot.events), {
        ...deps.githubRelease,
        serverUrl: deps.run.serverUrl ?? GITHUB_COM,
        now,
      })
    : undefined;
  const recorded = release?.event
    ? await ledger.write<StepRecord>(() => ({ events: [release.event as LedgerEvent] }))
    : undefined;
  const shown = recorded
    ? {
        ...write,
        appended: write.appended || recorded.appended,
        snapshot: recorded.snapshot,
        written: new Set([...write.written, ...recorded.written]),
      }
    : write;
  const { issue, state, snapshot } = await syncTrackingIssue(ledger, issues, sync, shown, opened);
  // A refused report fails the step once the refusal is on the tracking issue.
  if (report?.refusal) throw report.refusal;
  return {
    issue,
    state,
    head: snapshot.head,
    appended: write.appended,
    stagesToRun: decision?.stages ?? stagesToRerun(state, "failed"),
    held: decision?.held ?? [],
    requestSha: state.request?.commit,
    githubRelease: release,
  };
}
