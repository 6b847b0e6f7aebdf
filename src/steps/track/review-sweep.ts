import { TrackingIssues } from "../../adapters/ledger/tracking-issue.js";
import type { Config } from "../../core/config/schema.js";
import { versionFromTrackingTitle } from "../../core/ledger/tracking.js";
import { type TrackDeps, type TrackInput, type TrackResult, trackRelease } from "./track.js";

/**
 * The scheduled look at every release still open (its tracking issue open): each is rendered again
 * and owes its reminders, such as the review ping of a PR nobody merged. Nothing else is recorded.
 */
export async function sweepOpenReleases(
  config: Config,
  base: Omit<TrackInput, "version">,
  deps: TrackDeps,
): Promise<{ version: string; result: TrackResult }[]> {
  // Only the App's own tracking issues: anyone may open an issue with a release's title.
  const titles = await new TrackingIssues(deps.github, config.tracking.repo).openTitles(
    config.tracking.labels[0],
    base.appSlug ? `${base.appSlug}[bot]` : undefined,
  );
  const versions = [
    ...new Set(titles.flatMap((t) => versionFromTrackingTitle(config.tracking.title, t) ?? [])),
  ];
  const done: { version: string; result: TrackResult }[] = [];
  const failed: unknown[] = [];
  // One release that cannot be tracked does not keep the others from their reminders.
  for (const version of versions)
    try {
      done.push({ version, result: await trackRelease({ ...base, version }, config, deps) });
    } catch (error) {
      failed.push(error);
    }
  if (failed.length > 0) throw failed[0];
  return done;
}
