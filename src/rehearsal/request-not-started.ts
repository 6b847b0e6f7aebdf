import { spawnSync } from "node:child_process";
import { REQUEST_WORKFLOW_PATH } from "../core/setup/installed-files.js";
import { tagFilterFinding } from "../core/setup/request-workflow-tags.js";
import type { RunRecord } from "./runner/runner-host.js";

/**
 * Why a pushed tag requested no release, when it did not: no run of the request workflow in the
 * source repo. Said in the words of what to change (the workflow's tag filter, or its absence), so
 * a release that never started does not read as a failure with nothing failed.
 */
export function requestNotStarted(input: {
  runs: readonly RunRecord[];
  sourceRepo: string;
  /** The source repo's bare git directory in the world. */
  gitDir: string;
  tag: string;
  sha: string;
  tagPattern: string;
}): string | undefined {
  const { sourceRepo, tag } = input;
  const started = input.runs.some(
    (r) => r.repo.toLowerCase() === sourceRepo.toLowerCase() && r.file.endsWith(REQUEST_WORKFLOW_PATH),
  );
  if (started) return undefined;
  const head = `the tag push ${tag} started no request-release run in ${sourceRepo}`;
  const shown = spawnSync(
    "git",
    ["--git-dir", input.gitDir, "show", `${input.sha}:${REQUEST_WORKFLOW_PATH}`],
    {
      encoding: "utf8",
    },
  );
  if (shown.status !== 0)
    return `${head}: the tagged commit has no ${REQUEST_WORKFLOW_PATH}; install it with \`release-relay init\``;
  const filter = tagFilterFinding(sourceRepo, input.tagPattern, shown.stdout);
  return filter.ok
    ? `${head}: its ${REQUEST_WORKFLOW_PATH} did not start on that tag (see its on: triggers)`
    : `${head}: its ${REQUEST_WORKFLOW_PATH} does not start on that tag (its filter does not match tags.pattern: ${filter.problem}); run \`release-relay upgrade\` (or edit the filter)`;
}
