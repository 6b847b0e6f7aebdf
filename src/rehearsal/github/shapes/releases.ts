// Releases.
import type { ReleaseAssetState, ReleaseState, UserState } from "../state.js";
import type { Schemas, Site } from "./site.js";
import { userShape } from "./users.js";

export function releaseShape(
  site: Site,
  repo: string,
  r: ReleaseState,
  author: UserState,
  assetUploader: (a: ReleaseAssetState) => UserState,
  digests: boolean,
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
    assets: (r.assets ?? []).map((a) => releaseAssetShape(site, repo, r, a, assetUploader(a), digests)),
    immutable: r.immutable === true,
  };
}

/**
 * A release asset. digest: "sha256:<hex>" since GitHub computes it on upload
 * (https://github.blog/changelog/2025-06-03-releases-now-expose-digests-for-release-assets/); null
 * where the server predates it (`digests` false).
 */
export function releaseAssetShape(
  site: Site,
  repo: string,
  release: ReleaseState,
  a: ReleaseAssetState,
  uploader: UserState,
  digests: boolean,
): Schemas["release-asset"] {
  return {
    url: `${site.api}/repos/${repo}/releases/assets/${a.id}`,
    browser_download_url: `${site.web}/${repo}/releases/download/${release.tagName}/${a.name}`,
    id: a.id,
    node_id: site.nodeId("ReleaseAsset", a.id),
    name: a.name,
    label: a.label,
    state: a.state,
    content_type: a.contentType,
    size: a.size,
    digest: digests && a.state === "uploaded" ? `sha256:${a.sha256}` : null,
    download_count: 0,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    uploader: userShape(site, uploader),
  };
}
