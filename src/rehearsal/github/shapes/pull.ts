// A pull request, with its head and base.
import type { IssueState, LabelState, PullState, UserState } from "../state.js";
import { labelShape } from "./issues.js";
import type { Schemas, Site } from "./site.js";
import { userShape } from "./users.js";

export function pullShape(
  site: Site,
  repo: Schemas["repository"],
  p: PullState,
  issue: IssueState,
  labels: LabelState[],
  user: UserState,
  head: { sha: string; repo: Schemas["repository"] },
  baseSha: string,
  counts: { comments: number; commits: number; changedFiles: number; additions: number; deletions: number },
  mergedBy: UserState | null,
): Schemas["pull-request"] {
  const full = repo.full_name;
  const url = `${site.api}/repos/${full}/pulls/${p.number}`;
  const html = `${site.web}/${full}/pull/${p.number}`;
  const issueUrl = `${site.api}/repos/${full}/issues/${p.number}`;
  const owner = repo.owner;
  return {
    id: p.id,
    node_id: site.nodeId("PullRequest", p.id),
    url,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${site.api}/repos/${full}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${site.api}/repos/${full}/statuses/${head.sha}`,
    number: p.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: userShape(site, user),
    body: issue.body,
    labels: labels.map((l) => labelShape(site, full, l)),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${owner.login}:${p.headRef}`,
      ref: p.headRef,
      sha: head.sha,
      user: owner,
      repo: head.repo,
    },
    base: { label: `${owner.login}:${p.baseRef}`, ref: p.baseRef, sha: baseSha, user: owner, repo },
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${site.api}/repos/${full}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${site.api}/repos/${full}/statuses/${head.sha}` },
    },
    author_association: "OWNER",
    auto_merge: null,
    draft: p.draft,
    merged: p.merged,
    mergeable: issue.state === "open" ? true : null,
    rebaseable: issue.state === "open" ? true : null,
    mergeable_state: issue.state === "open" ? "clean" : "unknown",
    merged_by: mergedBy ? userShape(site, mergedBy) : null,
    comments: counts.comments,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: counts.commits,
    additions: counts.additions,
    deletions: counts.deletions,
    changed_files: counts.changedFiles,
  };
}
