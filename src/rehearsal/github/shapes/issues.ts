// Issues, their labels and comments.
import type { CommentState, IssueState, LabelState, UserState } from "../state.js";
import type { Schemas, Site } from "./site.js";
import { userShape } from "./users.js";

export function labelShape(site: Site, repo: string, l: LabelState): Schemas["label"] {
  return {
    id: l.id,
    node_id: site.nodeId("Label", l.id),
    url: `${site.api}/repos/${repo}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    description: l.description,
    color: l.color,
    default: false,
  };
}

export function issueShape(
  site: Site,
  repo: string,
  i: IssueState,
  labels: LabelState[],
  user: UserState,
  comments: number,
): Schemas["issue"] {
  const url = `${site.api}/repos/${repo}/issues/${i.number}`;
  return {
    id: i.id,
    node_id: site.nodeId("Issue", i.id),
    url,
    repository_url: `${site.api}/repos/${repo}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${site.web}/${repo}/${i.isPull ? "pull" : "issues"}/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.stateReason,
    title: i.title,
    body: i.body,
    user: userShape(site, user),
    labels: labels.map((l) => labelShape(site, repo, l)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments,
    closed_at: i.closedAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    author_association: "OWNER",
    ...(i.isPull
      ? {
          pull_request: {
            url: `${site.api}/repos/${repo}/pulls/${i.number}`,
            html_url: `${site.web}/${repo}/pull/${i.number}`,
            diff_url: `${site.web}/${repo}/pull/${i.number}.diff`,
            patch_url: `${site.web}/${repo}/pull/${i.number}.patch`,
            merged_at: null,
          },
        }
      : {}),
  };
}

export function commentShape(
  site: Site,
  repo: string,
  c: CommentState,
  user: UserState,
): Schemas["issue-comment"] {
  return {
    id: c.id,
    node_id: site.nodeId("IssueComment", c.id),
    url: `${site.api}/repos/${repo}/issues/comments/${c.id}`,
    html_url: `${site.web}/${repo}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${site.api}/repos/${repo}/issues/${c.issueNumber}`,
    body: c.body,
    user: userShape(site, user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: "OWNER",
  };
}
