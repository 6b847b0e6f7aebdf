import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../core/config/schema.js";

/** What a downstream in `mode: dry-run` would have proposed: no PR was opened. */
export interface DryRunDiff {
  downstream: string;
  repo: string;
  diff: string;
}

// The section of the downstream job's summary (renderPrSummary) that holds one dry run's diff.
const SECTION = /^### (\S+) \(dry-run: nothing was opened\)\n\n```diff\n([\s\S]*?)```$/gm;

/**
 * Each dry-run downstream's diff, read where the release recorded it: the job summary of the
 * workflow job that opens downstream PRs, in the world's `runs/RUN/JOB/files/summary.md`. Runs are
 * read oldest first, so a rerun's diff wins; a kept world's earlier runs count too.
 */
export function dryRunDiffs(runsDir: string, config: Config): DryRunDiff[] {
  if (!existsSync(runsDir)) return [];
  const found = new Map<string, DryRunDiff>();
  const runs = readdirSync(runsDir)
    .filter((id) => /^\d+$/.test(id))
    .sort((a, b) => Number(a) - Number(b));
  for (const run of runs)
    for (const job of readdirSync(join(runsDir, run))) {
      const file = join(runsDir, run, job, "files", "summary.md");
      if (!existsSync(file)) continue;
      for (const [, name, diff] of readFileSync(file, "utf8").matchAll(SECTION)) {
        const d = config.downstream.find((x) => x.name === name);
        if (d && d.mode === "dry-run")
          found.set(d.name, { downstream: d.name, repo: d.repo, diff: diff ?? "" });
      }
    }
  return config.downstream.flatMap((d) => found.get(d.name) ?? []);
}
