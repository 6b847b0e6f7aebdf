// The tracking issue of a release: exactly one, the comments people are owed (each once), and a body
// rendered from the ledger until it shows the ledger's head.
import type { LedgerStore } from "../../adapters/ledger/ledger-store.js";
import type { IssueView, TrackingIssues } from "../../adapters/ledger/tracking-issue.js";
import type { Config } from "../../core/config/schema.js";
import type { DashboardContext, downstreamExpectations } from "../../core/dashboard/context.js";
import { readLedgerMarker } from "../../core/dashboard/ledger-marker.js";
import { renderDashboard } from "../../core/dashboard/markdown.js";
import { deriveState, type ReleaseState } from "../../core/ledger/release-state.js";
import { commentsDue, reviewPingsDue, wantedIssueState } from "../../core/ledger/tracking.js";

export interface TrackingIssueInput {
  config: Config;
  version: string;
  title: string;
  expected: ReturnType<typeof downstreamExpectations>;
  /** The App whose token this is: an issue found by title is taken over only when it opened it. */
  appSlug: string | undefined;
  ctx: (head: string) => DashboardContext;
  now: () => string;
}

export async function syncTrackingIssue(
  store: LedgerStore,
  issues: TrackingIssues,
  input: TrackingIssueInput,
): Promise<{ issue: IssueView; state: ReleaseState; snapshot: Awaited<ReturnType<LedgerStore["read"]>> }> {
  // Exactly one tracking issue: the first one the ledger records is canonical.
  let snapshot = await store.read();
  let state = deriveState(snapshot.events);
  let mine: IssueView | undefined;
  if (!state.trackingIssue) {
    // Anyone who may open issues can open one with the right title and label: an issue found by its
    // title is taken over only when this App opened it (a writer that died before recording it, or
    // won a race); otherwise this writer opens its own. The first one recorded is canonical.
    const app = input.appSlug ? `${input.appSlug}[bot]` : undefined;
    const [ours] = app
      ? (await issues.findByTitle(input.title, input.config.tracking.labels[0])).filter(
          (i) => i.author === app,
        )
      : [];
    mine =
      ours ??
      (await issues.create(
        input.title,
        input.config.tracking.labels,
        renderDashboard(state, input.ctx(snapshot.head)),
      ));
    await store.append({
      id: `tracking-issue:${mine.number}`,
      at: input.now(),
      type: "tracking-issue",
      repo: input.config.tracking.repo,
      number: mine.number,
      url: mine.url,
    });
    snapshot = await store.read();
    state = deriveState(snapshot.events);
  }
  const canonical = state.trackingIssue as NonNullable<ReleaseState["trackingIssue"]>;
  if (mine) {
    // This identity's other open issues of the release (one opened by a writer that died before
    // recording it, or that lost the race) are closed in favour of the canonical one; others' are left.
    const strays = (await issues.findByTitle(input.title, input.config.tracking.labels[0])).filter(
      (i) => i.author === mine?.author && i.number !== canonical.number && i.state === "open",
    );
    for (const stray of strays) await issues.closeAsDuplicate(stray.number, canonical.url);
  }

  // Comments for people, each claimed in the ledger first so that only one writer posts it.
  const ping = input.config.tracking.reviewPing;
  const reminders = reviewPingsDue(
    state,
    input.expected,
    input.now(),
    ping && { afterHours: ping.afterHours, notify: ping.notify ?? input.config.tracking.notify },
    input.version,
  );
  for (const due of [
    ...commentsDue(state, input.expected, input.config.tracking.notify, input.version),
    ...reminders,
  ]) {
    const claim = await store.append({
      id: `comment:${due.key}`,
      at: input.now(),
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
    const body = renderDashboard(state, input.ctx(snapshot.head));
    const wantState = wantedIssueState(state, input.expected);
    if (issue.body !== body || issue.state !== wantState) {
      await issues.update(canonical.number, {
        ...(issue.body !== body ? { body } : {}),
        ...(issue.state !== wantState ? { state: wantState } : {}),
      });
      issue = { ...issue, body, state: wantState };
    }
    if ((await store.head()) === readLedgerMarker(issue.body)) break;
  }
  return { issue, state, snapshot };
}
