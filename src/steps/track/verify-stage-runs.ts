// The ledger is written through the contents API, which any token with write access to the
// automation repo can use: a run id it names is believed only when GitHub reports it as a run of
// this repo's own release workflow, since a rerun downloads that run's artifacts and publishes them.
import type { GitHubClient } from "../../adapters/github/client.js";
import { readWorkflowRun } from "../../adapters/runs/reported-facts.js";
import { ReleaseRelayError } from "../../core/errors.js";

/** `owner/repo/.github/workflows/release.yml@refs/heads/main` → `.github/workflows/release.yml`. */
export function workflowPathOf(workflowRef: string | undefined, repo: string): string | undefined {
  const prefix = `${repo}/`.toLowerCase();
  if (!workflowRef?.toLowerCase().startsWith(prefix)) return undefined;
  return workflowRef.slice(prefix.length).split("@")[0];
}

/**
 * Refuses a stage whose recorded run GitHub does not report as a run of `workflowPath` in `repo`
 * (when the path is unknown, as a run of `repo` at all). Each run is looked up once.
 */
export async function verifyStageRuns(
  github: GitHubClient,
  repo: string,
  workflowPath: string | undefined,
  stageRuns: Readonly<Record<string, string>>,
): Promise<void> {
  const checked = new Map<string, string | undefined>();
  for (const [stage, runId] of Object.entries(stageRuns)) {
    if (!checked.has(runId)) {
      const run = /^\d{1,15}$/.test(runId) ? await readWorkflowRun(github, repo, Number(runId)) : undefined;
      const problem = !run
        ? `GitHub knows no run ${runId} in ${repo}`
        : run.repo.toLowerCase() !== repo.toLowerCase()
          ? `run ${runId} belongs to ${run.repo}`
          : workflowPath && run.path !== workflowPath
            ? `run ${runId} is a run of ${run.path}, not ${workflowPath}`
            : undefined;
      checked.set(runId, problem);
    }
    const problem = checked.get(runId);
    if (problem)
      throw new ReleaseRelayError(
        "E_LEDGER",
        `the ledger says stage ${stage} ran in run ${runId}, but ${problem}; its artifacts are not taken`,
        "someone wrote to the ledger branch by hand or with another token: rerun with stages: all, and restrict who may push to release-relay-ledger/* (a ruleset that only the App bypasses)",
      );
  }
}
