import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { HttpError, noContent, notFound, ok, validationFailed } from "../replies.js";
import { type Route, read, write } from "../route.js";
import { releaseAssetShape } from "../shapes/releases.js";
import type { ReleaseAssetState, ReleaseState, RepoState } from "../state.js";
import type { World } from "../world.js";

/** Where an asset's bytes are kept: beside the repo's git directory, outside the saved state. */
const bytesPath = (w: World, r: RepoState, id: number) =>
  join(`${w.gitDir(w.fullName(r)).replace(/\.git$/, "")}.assets`, String(id));

function assetOf(r: RepoState, id: string): { release: ReleaseState; asset: ReleaseAssetState } {
  for (const release of r.releases)
    for (const asset of release.assets ?? []) if (String(asset.id) === id) return { release, asset };
  throw notFound();
}

/**
 * "Cannot upload assets to an immutable release": once a release of a repo with immutable releases is
 * published, its assets can be neither added nor deleted (github/docs#45718, measured on GitHub;
 * https://docs.github.com/en/code-security/supply-chain-security/understanding-your-software-supply-chain/immutable-releases).
 */
function refuseIfImmutable(release: ReleaseState, what: string): void {
  if (release.immutable) throw new HttpError(422, `Cannot ${what} an immutable release`);
}

/**
 * "GitHub renames asset filenames that have special characters, non-alphanumeric characters, and
 * leading or trailing periods" (REST "Upload a release asset"): here, every other character becomes
 * a period, and leading or trailing periods are dropped.
 */
export const renamedAsset = (name: string): string =>
  name.replace(/[^A-Za-z0-9._-]/g, ".").replace(/^\.+|\.+$/g, "") || "default";

const shape = (w: World, r: RepoState, release: ReleaseState, a: ReleaseAssetState) =>
  releaseAssetShape(w.site, w.fullName(r), release, a, w.user(a.uploader), r.releaseAssetDigests !== false);

/** Release assets: upload (to the release's upload_url), get (metadata or bytes) and delete. */
export const releaseAssetRoutes: Route[] = [
  {
    // The upload_url of a release (uploads.github.com on GitHub): the raw bytes are the body and the
    // name is a query parameter. A name the release already has: 422 already_exists on
    // ReleaseAsset.name (octokit/octokit.js#721, cli/cli#5008).
    // https://docs.github.com/en/rest/releases/assets#upload-a-release-asset
    method: "POST",
    template: "/repos/{owner}/{repo}/releases/{release_id}/assets",
    need: write("contents"),
    mutating: true,
    rawBody: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const release = r.releases.find((x) => String(x.id) === req.params.release_id);
      if (!release) throw notFound();
      const given = req.query.get("name");
      if (!given) throw validationFailed({ resource: "ReleaseAsset", code: "missing_field", field: "name" });
      refuseIfImmutable(release, "upload assets to");
      const name = renamedAsset(given);
      release.assets ??= [];
      if (release.assets.some((a) => a.name === name))
        throw validationFailed({ resource: "ReleaseAsset", code: "already_exists", field: "name" });
      const bytes = req.raw ?? Buffer.alloc(0);
      const asset: ReleaseAssetState = {
        id: w.nextId(),
        name,
        label: req.query.get("label") || null,
        contentType: req.contentType ?? "application/octet-stream",
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        state: "uploaded",
        uploader: req.login,
        createdAt: w.now(),
      };
      const path = bytesPath(w, r, asset.id);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      release.assets.push(asset);
      return ok(shape(w, r, release, asset), 201);
    },
  },
  {
    // The asset's metadata, or with "Accept: application/octet-stream" its bytes (GitHub redirects to
    // where they are stored; here they are the answer). Drafts' assets only to those who may push.
    // https://docs.github.com/en/rest/releases/assets#get-a-release-asset
    method: "GET",
    template: "/repos/{owner}/{repo}/releases/assets/{asset_id}",
    need: read("contents"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const { release, asset } = assetOf(r, req.params.asset_id as string);
      if (release.draft && !req.canPush) throw notFound();
      if (req.accept?.includes("application/octet-stream"))
        return {
          status: 200,
          raw: readFileSync(bytesPath(w, r, asset.id)),
          headers: { "content-type": "application/octet-stream" },
        };
      return ok(shape(w, r, release, asset));
    },
  },
  {
    // https://docs.github.com/en/rest/releases/assets#delete-a-release-asset
    method: "DELETE",
    template: "/repos/{owner}/{repo}/releases/assets/{asset_id}",
    need: write("contents"),
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const { release, asset } = assetOf(r, req.params.asset_id as string);
      refuseIfImmutable(release, "delete assets of");
      release.assets = (release.assets ?? []).filter((a) => a !== asset);
      rmSync(bytesPath(w, r, asset.id), { force: true });
      return noContent();
    },
  },
];

/** A test's stand-in for an upload cut off half way ("This may leave an empty asset"). */
export function recordUnfinishedAsset(w: World, r: RepoState, release: ReleaseState, name: string): void {
  release.assets ??= [];
  release.assets.push({
    id: w.nextId(),
    name,
    label: null,
    contentType: "application/octet-stream",
    size: 0,
    sha256: createHash("sha256").digest("hex"),
    state: "open",
    uploader: r.owner,
    createdAt: w.now(),
  });
}
