// The tracking issue of a release: exactly one, the comments people are owed (each once, claimed in
// the step's ledger write), and a body rendered from the ledger until it shows the ledger's head,
// written only when it changed.
import type { IssueView, TrackingIssues } from "../../adapters/ledger/tracking-issue.js";
import type { Config } from "../../core/config/schema.js";
import type { DashboardContext, downstreamExpectations } from "../../core/dashboard/context.js";
import { renderDashboard } from "../../core/dashboard/markdown.js";
import type { LedgerEvent } from "../../core/ledger/events.js";
import { deriveState, type ReleaseState } from "../../core/ledger/release-state.js";
import {
  type CommentRules,
  commentClaim,
  dueComments,
  type StepRecord,
} from "../../core/ledger/step-record.js";
import type { DueComment } from "../../core/ledger/tracking.js";
import { wantedIssueState } from "../../core/ledger/tracking.js";
import type { LedgerWrite, LedgerWriter } from "./ledger-write.js";

export interface TrackingIssueInput {
  config: Config;
  version: string;
  title: string;
  expected: ReturnType<typeof downstreamExpectations>;
  /** The App whose token this is: an issue found by title is taken over only when it opened it. */
  appSlug: string | undefined;
  ctx: (head: string) => DashboardContext;
  now: () => string;
  comments: CommentRules;
}

/**
 * The release's tracking issue before the ledger records one. Anyone who may open issues can open
 * one with the right title and label: an issue found by its title is taken over only when this App
 * opened it (a writer that died before recording it, or won a race); otherwise this writer opens its
 * own. The first one recorded is canonical.
 */
export async function openTrackingIssue(
  issues: TrackingIssues,
  input: TrackingIssueInput,
  state: ReleaseState,
  head: string,
): Promise<IssueView> {
  const app = input.appSlug ? `${input.appSlug}[bot]` : undefined;
  const [ours] = app
    ? (await issues.findByTitle(input.title, input.config.tracking.labels[0])).filter((i) => i.author === app)
    : [];
  return (
    ours ??
    (await issues.create(input.title, input.config.tracking.labels, renderDashboard(state, input.ctx(head))))
  );
}

/** The ledger's record of a tracking issue. */
export function trackingIssueEvent(issue: IssueView, repo: string, at: string): LedgerEvent {
  return {
    id: `tracking-issue:${issue.number}`,
    at,
    type: "tracking-issue",
    repo,
    number: issue.number,
    url: issue.url,
  };
}

const postedHere = (write: LedgerWrite<DueComment[]>): DueComment[] =>
  (write.decided ?? []).filter((d) => write.written.has(`comment:${d.key}`));

export async function syncTrackingIssue(
  ledger: LedgerWriter,
  issues: TrackingIssues,
  input: TrackingIssueInput,
  /** The step's ledger write (its snapshot is what the issue shows first). */
  write: LedgerWrite<StepRecord>,
  /** The issue this step opened before its write, if it opened one. */
  opened: IssueView | undefined,
): Promise<{ issue: IssueView; state: ReleaseState; snapshot: LedgerWrite<unknown>["snapshot"] }> {
  let { snapshot, appended } = write;
  let state = deriveState(snapshot.events);
  const due = postedHere({ ...write, decided: write.decided?.comments });
  let mine = opened;
  if (!state.trackingIssue) {
    // Nothing recorded one yet: open (or take over) the issue, and record it with the comments it
    // owes in one write.
    mine = await openTrackingIssue(issues, input, state, snapshot.head);
    const opening = mine;
    const at = input.now();
    const recorded = await ledger.write((events) => {
      const issue = deriveState(events).trackingIssue
        ? []
        : [trackingIssueEvent(opening, input.config.tracking.repo, at)];
      const comments = dueComments([...events, ...issue], input.comments, at);
      return { events: [...issue, ...comments.map((d) => commentClaim(d, at))], decided: comments };
    });
    ({ snapshot } = recorded);
    appended ||= recorded.appended;
    state = deriveState(snapshot.events);
    due.push(...postedHere(recorded));
  }
  const canonical = state.trackingIssue as NonNullable<ReleaseState["trackingIssue"]>;
  // An issue this writer opened that another was recorded before (it lost the race) is closed in
  // favour of the canonical one, by this writer alone; one that a writer opened and died before
  // recording is taken over by the next writer instead (openTrackingIssue).
  if (mine && mine.number !== canonical.number) await issues.closeAsDuplicate(mine.number, canonical.url);
  // Comments for people: this writer's write claimed them, so only this writer posts them.
  for (const comment of due) await issues.comment(canonical.number, comment.body);

  // What the issue shows: known when this step opened it; after this step's own append its new head
  // is on no rendering yet, so the body is written without reading it; otherwise read and compared,
  // and an identical body is never written again.
  let shown: Pick<IssueView, "body" | "state"> | undefined =
    mine?.number === canonical.number ? mine : appended ? undefined : await issues.get(canonical.number);
  // Render until the body shows the ledger head: a writer that appended after this one's snapshot
  // and rendered before this one's update is rendered over here, so the last writer shows every event.
  for (let round = 0; round < 10; round++) {
    const body = renderDashboard(state, input.ctx(snapshot.head));
    const wanted = wantedIssueState(state, input.expected);
    if (shown?.body === body && shown.state === wanted) break;
    await issues.update(canonical.number, {
      ...(shown?.body !== body ? { body } : {}),
      ...(shown?.state !== wanted ? { state: wanted } : {}),
    });
    shown = { body, state: wanted };
    const head = await ledger.store.head();
    if (head === snapshot.head) break;
    snapshot = await ledger.store.read();
    state = deriveState(snapshot.events);
  }
  const { body, state: issueState } = shown as Pick<IssueView, "body" | "state">;
  return {
    issue: {
      number: canonical.number,
      url: canonical.url,
      body,
      state: issueState,
      author: mine?.author ?? "",
    },
    state,
    snapshot,
  };
}
