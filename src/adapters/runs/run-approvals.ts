import { parseRunApprovals, type RunApprovals } from "../../core/ledger/approvals.js";
import type { GitHubClient } from "../github/client.js";

/** The deployment reviews of a workflow run (anyone who can read the repo may list them). */
export async function readRunApprovals(
  github: GitHubClient,
  repo: string,
  runId: string,
): Promise<RunApprovals> {
  const [owner, name] = repo.split("/") as [string, string];
  const { data } = await github.rest.actions.getReviewsForRun({ owner, repo: name, run_id: Number(runId) });
  return parseRunApprovals(data);
}
