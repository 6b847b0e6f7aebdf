// `release-relay yank VERSION --keep DIR`: the yank of a kept rehearsal's release, done as in a real
// automation repo — its yank workflow dispatched and run by the local runner against the world's
// GitHub and S3 — so the world ends as a real yank leaves it, ledger and tracking issue included.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ReleaseRelayError } from "../core/errors.js";
import { readKeptRelease } from "./kept-world.js";
import { rehearse } from "./rehearse.js";
import type { RunnerNotice } from "./runner/runner-host.js";

/** What the yank of a kept world did (or would do), in the yank action's own words. */
export interface KeptYankResult {
  text: string;
  failed: boolean;
}

/** Yanks the release of the kept world in `dir` through its yank workflow; `version` must be the world's. */
export async function yankKeptWorld(
  dir: string,
  request: { version: string; reason: string; dryRun: boolean },
  onNotice?: (notice: RunnerNotice | { kind: "phase"; text: string }) => void,
): Promise<KeptYankResult> {
  const world = readKeptRelease(dir);
  if (request.version !== world.version)
    throw new ReleaseRelayError(
      "E_INPUT",
      `${dir} holds the rehearsal of ${world.version}, not ${request.version}`,
      `yank the world's release: release-relay yank ${world.version} --keep ${dir} --reason TEXT`,
    );
  const outcome = await rehearse({
    // Not read: a kept world goes on with the config it was kept with.
    exampleDir: dir,
    dir,
    resume: true,
    yank: { reason: request.reason, dryRun: request.dryRun },
    ...(onNotice ? { onNotice } : {}),
  });
  const run = outcome.runs.find((r) => /(^|\/)yank\.yml$/.test(r.file));
  if (!run)
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `the yank workflow of ${dir} did not run`,
      `see each run's log in ${join(dir, "actions", "runs")}`,
    );
  // Each job's summary is the yank action's text: the preview's, then (unless a dry run) the yank's.
  // The workflow's jobs have no name: each one's files are under its id.
  const summaries = run.jobs
    .filter((job) => job.result !== "skipped")
    .map((job) => {
      const file = join(dir, "actions", "runs", String(run.id), job.id, "files", "summary.md");
      // The action writes its text as one code block (core.summary.addCodeBlock), unescaped; what
      // the job's later steps add (the tracking issue's body) follows it.
      const text = existsSync(file)
        ? readFileSync(file, "utf8")
            .trim()
            .replace(/^<pre><code>([\s\S]*?)<\/code><\/pre>/, "$1")
        : "";
      return (
        text ||
        `${job.id}: ${job.result}, see ${join(dir, "actions", "runs", String(run.id), job.id, "job.log")}`
      );
    });
  return {
    text: summaries.join("\n\n"),
    failed: request.dryRun ? run.conclusion !== "success" : outcome.summary.yanked !== true,
  };
}
