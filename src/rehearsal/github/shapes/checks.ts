// Commit statuses and check runs.
import type { CheckRunState, StatusState, UserState } from "../state.js";
import type { Schemas, Site } from "./site.js";
import { userShape } from "./users.js";

export function statusShape(site: Site, repo: string, s: StatusState, creator: UserState): Schemas["status"] {
  return {
    url: `${site.api}/repos/${repo}/statuses/${s.sha}`,
    avatar_url: null,
    id: s.id,
    node_id: site.nodeId("StatusContext", s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    creator: userShape(site, creator),
  };
}

export function checkRunShape(
  site: Site,
  repo: string,
  c: CheckRunState,
  app: UserState,
): Schemas["check-run"] {
  return {
    id: c.id,
    node_id: site.nodeId("CheckRun", c.id),
    head_sha: c.headSha,
    name: c.name,
    url: `${site.api}/repos/${repo}/check-runs/${c.id}`,
    html_url: `${site.web}/${repo}/runs/${c.id}`,
    details_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion as Schemas["check-run"]["conclusion"],
    started_at: c.startedAt,
    completed_at: c.completedAt,
    external_id: c.externalId,
    check_suite: { id: c.id },
    output: {
      title: c.title,
      summary: c.summary,
      text: null,
      annotations_count: 0,
      annotations_url: `${site.api}/repos/${repo}/check-runs/${c.id}/annotations`,
    },
    app: {
      id: app.id,
      slug: app.login.replace(/\[bot\]$/, ""),
      node_id: site.nodeId("App", app.id),
      owner: userShape(site, app),
      name: app.login.replace(/\[bot\]$/, ""),
      description: null,
      external_url: site.web,
      html_url: `${site.web}/apps/${app.login.replace(/\[bot\]$/, "")}`,
      created_at: "2020-01-01T00:00:00Z",
      updated_at: "2020-01-01T00:00:00Z",
      permissions: {},
      events: [],
    },
    pull_requests: [],
  };
}
