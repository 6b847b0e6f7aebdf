// One downstream's part of a yank: its release PR closed, or its merged change reverted by a PR.
import { DownstreamPullRequests, type WantedFile } from "../../adapters/downstream/pull-request.js";
import type { GitHubClient } from "../../adapters/github/client.js";
import {
  closePullWithComment,
  readLivePull,
  readReleaseChange,
} from "../../adapters/github/release-commit.js";
import type { Config } from "../../core/config/schema.js";
import { describeFileRevert, type FileRevert, planFileRevert } from "../../core/downstream/file-revert.js";
import { describeError } from "../../core/errors.js";
import type { YankOutcome } from "../../core/ledger/release-state.js";
import {
  closeComment,
  type DownstreamYank,
  decidePullRequestYank,
  revertBody,
  revertBranch,
} from "../../core/yank/yank-plan.js";

/** What a yank did (or, in dry-run, would do) to one downstream. */
export interface DownstreamYankResult {
  downstream: string;
  outcome: YankOutcome;
  url?: string;
  detail: string;
}

/** Who yanks what, and whether anything may change. */
export interface YankRequest {
  config: Config;
  version: string;
  reason: string;
  by: string;
  dryRun: boolean;
}

/** Carries out (or only describes, in dry-run) one downstream's part of a yank; never throws. */
export async function yankDownstream(
  github: GitHubClient,
  d: DownstreamYank,
  request: YankRequest,
): Promise<DownstreamYankResult> {
  const result = (outcome: YankOutcome, detail: string, url?: string): DownstreamYankResult => ({
    downstream: d.downstream,
    outcome,
    detail,
    ...(url ? { url } : {}),
  });
  if (d.kind !== "pr") return result(d.kind === "by-hand" ? "by-hand" : "nothing-to-do", d.why);
  try {
    const live = await readLivePull(github, d.repo, d.number);
    const decision = decidePullRequestYank(live);
    if (decision === "nothing")
      return result("nothing-to-do", `PR #${d.number} was closed without merging`, d.url);
    if (decision === "close") {
      if (request.dryRun) return result("pr-closed", `would close PR #${d.number} with a comment`, d.url);
      const { config, version, reason, by } = request;
      await closePullWithComment(github, d.repo, d.number, closeComment(config.project, version, reason, by));
      return result("pr-closed", `PR #${d.number} closed with a comment`, d.url);
    }
    return await revertMerged(github, d, live.headSha, request, result);
  } catch (error) {
    return result("failed", describeError(error));
  }
}

async function revertMerged(
  github: GitHubClient,
  d: Extract<DownstreamYank, { kind: "pr" }>,
  mergedHead: string,
  request: YankRequest,
  result: (outcome: YankOutcome, detail: string, url?: string) => DownstreamYankResult,
): Promise<DownstreamYankResult> {
  const { config, version, reason, by } = request;
  const downstream = config.downstream.find((x) => x.name === d.downstream);
  // The ledger's commit is the release's own; the merged head may add fixes pushed to its branch.
  const change = await readReleaseChange(github, d.repo, d.headSha ?? mergedHead, mergedHead);
  const prs = new DownstreamPullRequests(github, {
    repo: d.repo,
    baseBranch: downstream?.baseBranch,
    branch: revertBranch(version, d.downstream),
    title: `Revert ${config.project} ${version} (yanked)`,
    commitMessage: `Revert ${config.project} ${version}: yanked\n\n${reason}`,
    labels: downstream?.pr.labels ?? [],
    draft: false,
    mode: "pr",
  });
  const current = await prs.readBase(change.files.map((f) => f.path));
  const planned = change.files.map((f) => ({
    path: f.path,
    revert: planFileRevert(f.path, version, f.before, f.after, current.files.get(f.path)),
  }));
  const conflicts = planned.flatMap((p) => (p.revert.kind === "conflict" ? [p.revert.why] : []));
  if (conflicts.length > 0) return result("failed", conflicts.join("; "), d.url);
  const wanted: WantedFile[] = planned.flatMap(({ path, revert }) => wantedFor(path, revert));
  const summary = planned.map((p) => describeFileRevert(p.path, p.revert)).join("; ");
  if (request.dryRun)
    return result(
      wanted.length ? "revert-proposed" : "nothing-to-do",
      `${wanted.length ? "would open a revert PR" : "nothing to revert"} — ${summary}`,
      d.url,
    );
  const body = revertBody(
    config.project,
    version,
    reason,
    by,
    { url: d.url, headSha: d.headSha ?? mergedHead },
    wanted.map((w) => w.path),
  );
  const outcome = await prs.publish(current, wanted, body);
  if (wanted.length === 0)
    return outcome.url
      ? result("revert-merged", "the revert PR was merged", outcome.url)
      : result("nothing-to-do", summary, d.url);
  return result("revert-proposed", `revert PR ${outcome.action} — ${summary}`, outcome.url);
}

function wantedFor(path: string, revert: FileRevert): WantedFile[] {
  if (revert.kind === "write") return [{ path, content: revert.content }];
  if (revert.kind === "delete") return [{ path, content: "", deleted: true }];
  return [];
}
