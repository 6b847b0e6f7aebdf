// Releases.
import type { ReleaseState, UserState } from "../state.js";
import type { Schemas, Site } from "./site.js";
import { userShape } from "./users.js";

export function releaseShape(
  site: Site,
  repo: string,
  r: ReleaseState,
  author: UserState,
): Schemas["release"] {
  const url = `${site.api}/repos/${repo}/releases/${r.id}`;
  return {
    id: r.id,
    node_id: site.nodeId("Release", r.id),
    url,
    html_url: `${site.web}/${repo}/releases/tag/${r.tagName}`,
    assets_url: `${url}/assets`,
    upload_url: `${site.api}/repos/${repo}/releases/${r.id}/assets{?name,label}`,
    tarball_url: `${site.api}/repos/${repo}/tarball/${r.tagName}`,
    zipball_url: `${site.api}/repos/${repo}/zipball/${r.tagName}`,
    tag_name: r.tagName,
    target_commitish: r.targetCommitish,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    created_at: r.createdAt,
    published_at: r.draft ? null : (r.publishedAt ?? r.createdAt),
    author: userShape(site, author),
    assets: [],
  };
}
