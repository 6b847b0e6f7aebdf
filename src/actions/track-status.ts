import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github.js";
import { LedgerStore } from "../adapters/ledger-store.js";
import { readQualifyLogs } from "../adapters/qualify-logs.js";
import { readRunApprovals } from "../adapters/run-approvals.js";
import { readRunContext } from "../adapters/run-context.js";
import { readTagCommit } from "../adapters/tag-commit.js";
import { type IssueView, TrackingIssues } from "../adapters/tracking-issue.js";
import { approvalEvents, type RunApprovals } from "../core/approvals.js";
import type { Config } from "../core/config.js";
import {
  type DashboardContext,
  dashboardContext,
  downstreamExpectations,
  readLedgerMarker,
  renderDashboard,
} from "../core/dashboard.js";
import { environmentNameSchema, ledgerKey } from "../core/environment.js";
import { ReleaseRelayError } from "../core/errors.js";
import { type LedgerEvent, ledgerEventSchema, STAGES } from "../core/ledger.js";
import { releasePlanSchema, targetArtifacts, versionPlaceholders } from "../core/plan.js";
import { type QualifyLog, qualificationEvents, qualifyFailureDetail } from "../core/qualification.js";
import { deriveState, type ReleaseState, stagesToRerun } from "../core/release-state.js";
import { reportToEvent } from "../core/report-back.js";
import {
  artifactEvents,
  pullRequestEvents,
  stageEvent,
  stageEventsFromJobResults,
} from "../core/stage-output-events.js";
import { renderTemplate } from "../core/template.js";
import { commentsDue, reviewPingsDue, wantedIssueState } from "../core/tracking.js";
import { parseVersion, versionInputSchema } from "../core/version.js";
import { sweepOpenReleases } from "./review-sweep.js";

const INPUTS = [
  "config-path",
  "environment",
  "version",
  "token",
  "event",
  "stage",
  "status",
  "detail",
  "report",
  "plan",
  "rerun",
  "prs",
  "hashes-file",
  "job-results",
  "qualify-logs",
  "approvals-of-run",
  "approvals-token",
  "sweep",
] as const;

const inputsSchema = z
  .object({
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    version: versionInputSchema.optional(),
    token: z.string().min(1),
    event: z.string().optional(),
    stage: z.enum(STAGES).optional(),
    status: z.enum(["started", "succeeded", "failed", "skipped"]).optional(),
    detail: z.string().max(2000).optional(),
    report: z.string().optional(),
    plan: z.string().optional(),
    prs: z.string().optional(),
    "hashes-file": z.string().optional(),
    "job-results": z.string().optional(),
    "qualify-logs": z.string().optional(),
    "approvals-of-run": z
      .string()
      .regex(/^\d{1,20}$/, { error: "expected a workflow run id (github.run_id)" })
      .optional(),
    "approvals-token": z.string().min(1).optional(),
    sweep: z.literal("open-releases", { error: 'expected "open-releases"' }).optional(),
    rerun: z
      .string()
      .transform((s) =>
        s === "failed" || s === "all"
          ? s
          : s
              .split(",")
              .map((x) => x.trim())
              .filter(Boolean),
      )
      .pipe(z.union([z.literal("failed"), z.literal("all"), z.array(z.enum(STAGES)).min(1)]))
      .optional(),
  })
  // A job's outcome (job-results, prs, hashes-file) may be recorded together; anything else alone.
  .refine(
    (i) =>
      [
        i.event,
        i.stage,
        i.report,
        i.plan,
        i.rerun,
        i.sweep,
        i.prs ?? i["hashes-file"] ?? i["job-results"] ?? i["qualify-logs"] ?? i["approvals-of-run"],
      ].filter((x) => x !== undefined).length <= 1,
    {
      error:
        "give one of `event`, `stage` + `status`, `report`, `plan`, `rerun`, `sweep`, or `job-results` / `prs` / `hashes-file` / `qualify-logs` / `approvals-of-run`",
    },
  )
  .refine((i) => (i.stage === undefined) === (i.status === undefined), {
    error: "`stage` and `status` go together",
  })
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    // A report names its release ("<project>@<version>"); the payload is validated in full later.
    // A sweep looks at every open release; each is then tracked under its own version.
    version: i.version ?? (i.sweep ? "" : versionOfReport(i.report as string)),
    sweep: i.sweep,
    token: i.token,
    event: i.event,
    stage: i.stage,
    status: i.status,
    detail: i.detail,
    report: i.report,
    plan: i.plan,
    rerun: i.rerun,
    prs: i.prs,
    hashesFile: i["hashes-file"],
    jobResults: i["job-results"],
    qualifyLogsDir: i["qualify-logs"],
    approvalsOfRun: i["approvals-of-run"],
    approvalsToken: i["approvals-token"],
  }));

function versionOfReport(report: string): string {
  const releaseId = /"releaseId"\s*:\s*"[^"@]*@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)"/.exec(report)?.[1];
  if (!releaseId)
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      "downstream-status payload has no valid releaseId",
      "send it with the report-status workflow",
    );
  return releaseId;
}

export type TrackStatusSettings = z.output<typeof inputsSchema>;

/** Who is running, for event ids and links. */
export interface RunInfo {
  /** Unique per attempt: `<run id>-<attempt>`. */
  runId: string;
  runUrl: string | undefined;
  /** The workflow run id alone, recorded so a rerun can take a stage's artifacts from it. */
  workflowRunId?: string | undefined;
  actor?: string | undefined;
}

/** The events this step's own inputs ask it to record, validated before anything is written. */
export function eventsFromSettings(
  settings: TrackStatusSettings,
  config: Config,
  run: RunInfo,
  now: string,
): LedgerEvent[] {
  const link = run.runUrl ? { runUrl: run.runUrl } : {};
  if (settings.event !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(settings.event);
    } catch {
      throw new ReleaseRelayError("E_INPUT", "input event is not JSON", "pass a ledger event as JSON");
    }
    const parsed = ledgerEventSchema.safeParse({ at: now, ...link, ...(raw as object) });
    if (!parsed.success)
      throw new ReleaseRelayError(
        "E_INPUT",
        `input event is not a ledger event: ${parsed.error.issues[0]?.message}`,
        "see src/core/ledger.ts for the event types",
      );
    return [parsed.data];
  }
  if (settings.plan !== undefined) {
    const plan = releasePlanSchema.safeParse(JSON.parse(settings.plan));
    if (!plan.success)
      throw new ReleaseRelayError(
        "E_INPUT",
        "input plan is not a release plan",
        "pass the plan output of build-matrix unchanged",
      );
    const request: LedgerEvent = {
      id: `request:${plan.data.commit}`,
      at: now,
      type: "request",
      tag: plan.data.tag,
      commit: plan.data.commit,
      requestedAt: plan.data.buildTime,
      ...(plan.data.checksOverride ? { checksOverride: plan.data.checksOverride } : {}),
      ...link,
    };
    // Without a qualify command the stage is settled here, once: the release does not wait for it.
    const noQualify: LedgerEvent = {
      id: "stage:qualify:skipped:not-configured",
      at: now,
      type: "stage",
      stage: "qualify",
      status: "skipped",
      detail: "no qualify command in release-relay.yml",
    };
    return plan.data.qualify ? [request] : [request, noQualify];
  }
  if (settings.stage && settings.status)
    return [stageEvent(settings.stage, settings.status, run, now, settings.detail)];
  if (settings.report !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(settings.report);
    } catch {
      throw new ReleaseRelayError(
        "E_PAYLOAD",
        "downstream-status payload is not JSON",
        "pass toJSON(github.event.client_payload)",
      );
    }
    return [reportToEvent(raw, config, settings.version, now)];
  }
  return [];
}

/** What track-status did. */
export interface TrackResult {
  issue: IssueView;
  state: ReleaseState;
  head: string;
  appended: boolean;
  /** For a rerun: the stages it must run; otherwise the stages not done yet. */
  stagesToRun: ReturnType<typeof stagesToRerun>;
  /** The commit the release is for: the ledger's request, or for a rerun without one, the tag's commit. */
  requestSha: string | undefined;
}

/**
 * Records one event in the ledger, makes sure exactly one tracking issue exists, posts the comments
 * people are owed (each once), and renders the issue from the ledger until the body shows its head.
 */
export async function runTrackStatus(
  settings: TrackStatusSettings & {
    hashes?: string | undefined;
    qualifyLogs?: QualifyLog[] | undefined;
    approvals?: RunApprovals | undefined;
  },
  config: Config,
  deps: {
    github: GitHubClient;
    run: RunInfo;
    now: () => Date;
    sleep?: ((ms: number) => Promise<void>) | undefined;
  },
): Promise<TrackResult> {
  const version = parseVersion(settings.version);
  const store = new LedgerStore(
    deps.github,
    config.tracking.repo,
    ledgerKey(config, version.version),
    deps.sleep ? { sleep: deps.sleep } : {},
  );
  const issues = new TrackingIssues(deps.github, config.tracking.repo);
  const now = () => deps.now().toISOString();
  const expected = downstreamExpectations(config);
  const title = renderTemplate(config.tracking.title, versionPlaceholders(config, version), "tracking.title");
  const ctx = (head: string): DashboardContext => dashboardContext(config, version.version, head);

  let events = eventsFromSettings(settings, config, deps.run, now());
  let rerun: ReturnType<typeof stagesToRerun> | undefined;
  if (settings.rerun !== undefined) {
    // What a rerun redoes is decided from the ledger as it stands, and recorded with the request.
    const before = (await store.read()).events;
    rerun = stagesToRerun(deriveState(before), settings.rerun);
    // Nothing to redo is not an event: a rerun of a finished release changes nothing; on an empty
    // ledger this is the release's first run, not a rerun.
    events =
      rerun.length === 0 || before.length === 0
        ? []
        : [
            {
              id: `rerun:${deps.run.runId}`,
              at: now(),
              type: "rerun-requested",
              stages: rerun,
              by: deps.run.actor ?? "unknown",
              ...(deps.run.runUrl ? { runUrl: deps.run.runUrl } : {}),
            },
          ];
  }
  const qualification = settings.qualifyLogs
    ? qualificationEvents(
        settings.qualifyLogs,
        targetArtifacts(config, version).map((t) => t.target),
        deps.run,
        now(),
      )
    : [];
  const qualifyDetail = qualifyFailureDetail(qualification);
  // Everything this step records goes into one ledger commit (all validated before the first write).
  const batch = [
    ...events,
    ...(settings.jobResults
      ? stageEventsFromJobResults(
          settings.jobResults,
          deps.run,
          now(),
          qualifyDetail ? { qualify: qualifyDetail } : {},
        )
      : []),
    ...qualification,
    ...(settings.approvals && settings.approvalsOfRun
      ? approvalEvents(settings.approvals, settings.approvalsOfRun, now())
      : []),
    ...(settings.prs ? pullRequestEvents(settings.prs, config, deps.run.runId, now()) : []),
    ...(settings.hashes !== undefined ? artifactEvents(settings.hashes, now()) : []),
  ];
  const appended = batch.length > 0 ? (await store.appendAll(batch)).appended : false;

  // Exactly one tracking issue: the first one the ledger records is canonical.
  let snapshot = await store.read();
  let state = deriveState(snapshot.events);
  let mine: IssueView | undefined;
  if (!state.trackingIssue) {
    const [existing] = await issues.findByTitle(title, config.tracking.labels[0]);
    mine =
      existing ??
      (await issues.create(title, config.tracking.labels, renderDashboard(state, ctx(snapshot.head))));
    await store.append({
      id: `tracking-issue:${mine.number}`,
      at: now(),
      type: "tracking-issue",
      repo: config.tracking.repo,
      number: mine.number,
      url: mine.url,
    });
    snapshot = await store.read();
    state = deriveState(snapshot.events);
  }
  const canonical = state.trackingIssue as NonNullable<ReleaseState["trackingIssue"]>;
  if (mine && mine.number !== canonical.number) await issues.closeAsDuplicate(mine.number, canonical.url);

  // Comments for people, each claimed in the ledger first so that only one writer posts it.
  const ping = config.tracking.reviewPing;
  const reminders = reviewPingsDue(
    state,
    expected,
    now(),
    ping && { afterHours: ping.afterHours, notify: ping.notify ?? config.tracking.notify },
    version.version,
  );
  for (const due of [
    ...commentsDue(state, expected, config.tracking.notify, version.version),
    ...reminders,
  ]) {
    const claim = await store.append({
      id: `comment:${due.key}`,
      at: now(),
      type: "comment-posted",
      purpose: due.purpose,
      key: due.key,
    });
    if (claim.appended) await issues.comment(canonical.number, due.body);
  }

  // Render until the body shows the ledger head: the last writer always renders every event.
  let issue = await issues.get(canonical.number);
  for (let round = 0; round < 10; round++) {
    snapshot = await store.read();
    state = deriveState(snapshot.events);
    const body = renderDashboard(state, ctx(snapshot.head));
    const wantState = wantedIssueState(state, expected);
    if (issue.body !== body || issue.state !== wantState) {
      await issues.update(canonical.number, {
        ...(issue.body !== body ? { body } : {}),
        ...(issue.state !== wantState ? { state: wantState } : {}),
      });
      issue = { ...issue, body, state: wantState };
    }
    if ((await store.head()) === readLedgerMarker(issue.body)) break;
  }
  // A first run that died before recording its request leaves a rerun only the tag: its commit is
  // read from the source repo, so the rerun plans exactly what the pushed tag asked for.
  const requestSha =
    state.request?.commit ??
    (settings.rerun !== undefined
      ? await readTagCommit(deps.github, config.source.repo, settings.version)
      : undefined);
  return {
    issue,
    state,
    head: snapshot.head,
    appended,
    stagesToRun: rerun ?? stagesToRerun(state, "failed"),
    requestSha,
  };
}

/** Entry point of actions/track-status. */
export async function main(): Promise<void> {
  const settings = readInputs(inputsSchema, INPUTS);
  core.setSecret(settings.token);
  if (settings.approvalsToken) core.setSecret(settings.approvalsToken);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const github = createGitHubClient({ token: settings.token, baseUrl: context.apiUrl });
  const runId = `${process.env.GITHUB_RUN_ID ?? "local"}-${process.env.GITHUB_RUN_ATTEMPT ?? "1"}`;
  // The file is read here, at the edge; its content is validated with the other inputs' events.
  const hashes = settings.hashesFile ? await readFile(settings.hashesFile, "utf8") : undefined;
  const qualifyLogs = settings.qualifyLogsDir ? await readQualifyLogs(settings.qualifyLogsDir) : undefined;
  // This run's deployment reviews: who let it publish (the workflow runs in the repo it reviews).
  const approvals = settings.approvalsOfRun
    ? await readRunApprovals(
        settings.approvalsToken
          ? createGitHubClient({ token: settings.approvalsToken, baseUrl: context.apiUrl })
          : github,
        context.repository,
        settings.approvalsOfRun,
      )
    : undefined;
  const deps = {
    github,
    // The workflow run id is what a rerun downloads this stage's artifacts from.
    run: { runId, runUrl: context.runUrl, workflowRunId: process.env.GITHUB_RUN_ID, actor: context.actor },
    now: () => new Date(),
  };
  if (settings.sweep) {
    const swept = await sweepOpenReleases(config, { ...settings, sweep: undefined }, deps, runTrackStatus);
    core.info(`Open releases looked at: ${swept.map((s) => s.version).join(", ") || "none"}`);
    return;
  }
  const result = await runTrackStatus({ ...settings, hashes, qualifyLogs, approvals }, config, deps);
  core.setOutput("issue-number", String(result.issue.number));
  core.setOutput("issue-url", result.issue.url);
  core.setOutput("ledger-head", result.head);
  core.setOutput("complete", String(result.issue.state === "closed" && !result.state.rollback));
  core.setOutput("stages-to-run", JSON.stringify(result.stagesToRun));
  core.setOutput("request-sha", result.requestSha ?? "");
  core.setOutput("request-at", result.state.request?.requestedAt ?? "");
  // open-downstream-prs skips looking up the release branch of a downstream with no PR recorded, and
  // never sends a dispatch downstream the release twice.
  core.setOutput(
    "recorded-prs",
    JSON.stringify(result.state.downstream.filter((d) => d.pr || d.dispatched).map((d) => d.name)),
  );
  core.setOutput(
    "stage-runs",
    JSON.stringify(
      Object.fromEntries(
        STAGES.flatMap((s) => (result.state.stages[s].runId ? [[s, result.state.stages[s].runId]] : [])),
      ),
    ),
  );
  await core.summary.addRaw(result.issue.body).write();
}
