import semver from "semver";
import { HttpError, notFound, ok, validationFailed } from "../replies.js";
import { field, page, type Route, read, write } from "../route.js";
import { releaseShape } from "../shapes/releases.js";
import type { ReleaseState, RepoState } from "../state.js";
import type { Request, World } from "../world.js";

/**
 * A release body's limit: GitHub answers 422 "body is too long (maximum is 125000 characters)" (its
 * validation error for releases; issues and PRs take 65536).
 * https://docs.github.com/en/rest/releases/releases#create-a-release
 */
export const MAX_RELEASE_BODY = 125_000;

function releaseBody(req: Request): string | undefined {
  const body = field(req.body, "body", "Release");
  if (body !== undefined && body.length > MAX_RELEASE_BODY)
    throw validationFailed({
      resource: "Release",
      field: "body",
      code: "custom",
      message: `body is too long (maximum is ${MAX_RELEASE_BODY} characters)`,
    });
  return body;
}

function flag(req: Request, name: "draft" | "prerelease"): boolean | undefined {
  const value = req.body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw validationFailed({ resource: "Release", field: name, code: "invalid" });
  return value;
}

/**
 * make_latest: "true", "false" or "legacy"; "Drafts and prereleases cannot be set as latest. Defaults
 * to true for newly published releases. legacy specifies that the latest release should be determined
 * based on the release creation date and higher semantic version."
 * https://docs.github.com/en/rest/releases/releases#update-a-release
 */
function makeLatest(req: Request): "true" | "false" | "legacy" {
  const value = req.body.make_latest ?? "true";
  if (value !== "true" && value !== "false" && value !== "legacy")
    throw validationFailed({ resource: "Release", field: "make_latest", code: "invalid" });
  return value;
}

/** The legacy rule: the newest published non-prerelease, by creation date, then the higher version. */
function legacyLatest(r: RepoState): ReleaseState | undefined {
  const candidates = r.releases.filter((x) => !x.draft && !x.prerelease);
  return candidates.sort((a, b) => {
    if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
    const [va, vb] = [semver.coerce(a.tagName), semver.coerce(b.tagName)];
    return va && vb ? semver.rcompare(va, vb) : 0;
  })[0];
}

/** Publishing (created published, or a draft published): "latest" moves as make_latest says. */
function onPublished(r: RepoState, release: ReleaseState, latest: "true" | "false" | "legacy", at: string) {
  release.publishedAt = at;
  // With immutable releases on, publishing locks the release's assets (and its tag) for good:
  // https://docs.github.com/en/code-security/supply-chain-security/understanding-your-software-supply-chain/immutable-releases
  if (r.immutableReleases) release.immutable = true;
  if (release.prerelease || latest === "false") return;
  r.latestReleaseId = latest === "true" ? release.id : legacyLatest(r)?.id;
}

function latestOf(r: RepoState): ReleaseState | undefined {
  const marked = r.releases.find((x) => x.id === r.latestReleaseId && !x.draft && !x.prerelease);
  return marked ?? legacyLatest(r);
}

const shape = (w: World, r: RepoState, release: ReleaseState) =>
  releaseShape(
    w.site,
    w.fullName(r),
    release,
    w.user(release.author),
    (a) => w.user(a.uploader),
    r.releaseAssetDigests !== false,
  );

/** Releases: create, list, update, and get by tag or the latest. */
export const releaseRoutes: Route[] = [
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/releases",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const tagName = field(req.body, "tag_name", "Release", true);
      const target = field(req.body, "target_commitish", "Release") ?? r.defaultBranch;
      const body = releaseBody(req);
      const latest = makeLatest(req);
      if (r.releases.some((x) => x.tagName === tagName)) {
        throw validationFailed({ resource: "Release", code: "already_exists", field: "tag_name" });
      }
      const git = w.git(r);
      if (!(await git.readRef(`refs/tags/${tagName}`))) {
        const sha = await git.resolveCommit(target);
        if (!sha) throw validationFailed({ resource: "Release", code: "invalid", field: "target_commitish" });
        await git.casRef(`refs/tags/${tagName}`, sha, "");
      }
      const release: ReleaseState = {
        id: w.nextId(),
        tagName,
        targetCommitish: target,
        name: field(req.body, "name", "Release") ?? null,
        body: body ?? null,
        draft: flag(req, "draft") === true,
        prerelease: flag(req, "prerelease") === true,
        author: req.login,
        createdAt: w.now(),
      };
      r.releases.push(release);
      if (!release.draft) onPublished(r, release, latest, release.createdAt);
      return ok(shape(w, r, release), 201);
    },
  },
  {
    // "Information about published releases are available to everyone. Only users with push access
    // will receive listings for draft releases." Newest first.
    // https://docs.github.com/en/rest/releases/releases#list-releases
    method: "GET",
    template: "/repos/{owner}/{repo}/releases",
    need: read("contents"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const visible = r.releases.filter((x) => !x.draft || req.canPush).reverse();
      return ok(page(visible, req.query).map((x) => shape(w, r, x)));
    },
  },
  {
    // "View the latest published full release for the repository. The latest release is the most
    // recent non-prerelease, non-draft release" — or the one make_latest marked.
    // https://docs.github.com/en/rest/releases/releases#get-the-latest-release
    method: "GET",
    template: "/repos/{owner}/{repo}/releases/latest",
    need: read("contents"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const latest = latestOf(r);
      if (!latest) throw notFound();
      return ok(shape(w, r, latest));
    },
  },
  {
    // Drafts are not served by tag: "Get a published release with the specified tag."
    // https://docs.github.com/en/rest/releases/releases#get-a-release-by-tag-name
    method: "GET",
    template: "/repos/{owner}/{repo}/releases/tags/{tag}",
    need: read("contents"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const release = r.releases.find((x) => x.tagName === req.params.tag && !x.draft);
      if (!release) throw notFound();
      return ok(shape(w, r, release));
    },
  },
  {
    // "Users with push access to the repository can edit a release." draft false publishes it,
    // true makes it a draft again.
    // https://docs.github.com/en/rest/releases/releases#update-a-release
    method: "PATCH",
    template: "/repos/{owner}/{repo}/releases/{release_id}",
    need: write("contents"),
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const release = r.releases.find((x) => String(x.id) === req.params.release_id);
      if (!release) throw notFound();
      if (req.body.tag_name !== undefined || req.body.target_commitish !== undefined)
        throw new HttpError(422, "The local GitHub does not move a release to another tag");
      const body = releaseBody(req);
      const name = field(req.body, "name", "Release");
      const [draft, prerelease] = [flag(req, "draft"), flag(req, "prerelease")];
      const latest = makeLatest(req);
      const wasDraft = release.draft;
      if (name !== undefined) release.name = name;
      if (body !== undefined) release.body = body;
      if (prerelease !== undefined) release.prerelease = prerelease;
      if (draft !== undefined) release.draft = draft;
      if (wasDraft && !release.draft) onPublished(r, release, latest, w.now());
      else if (
        !release.draft &&
        req.body.make_latest !== undefined &&
        latest !== "false" &&
        !release.prerelease
      )
        r.latestReleaseId = latest === "true" ? release.id : legacyLatest(r)?.id;
      // A release made a draft again is no longer the latest: the legacy rule picks another.
      if (release.draft && r.latestReleaseId === release.id) r.latestReleaseId = undefined;
      return ok(shape(w, r, release));
    },
  },
];
