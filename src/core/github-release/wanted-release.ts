// What the GitHub Release of a version should be now, and the smallest change that gets it there:
// a draft from the request on, published once the release is complete (unless the config keeps it a
// draft), a prerelease for a release candidate, never "latest" for an older maintenance line, and
// back to a draft, marked yanked, once the release is yanked.
import semver from "semver";
import type { ExistingAsset } from "./release-assets.js";

export type GitHubReleaseMode = "off" | "draft" | "publish";

/** The release as GitHub lists it (drafts included, as they are to those with push access). */
export interface ExistingRelease {
  id: number;
  tagName: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  htmlUrl: string;
  /** Published in a repo with immutable releases: no asset can be added or removed any more. */
  immutable: boolean;
  /** Where its assets are uploaded (GitHub's upload_url, an RFC 6570 template). */
  uploadUrl: string;
  assets: ExistingAsset[];
}

export interface WantedRelease {
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  /**
   * "true" only for the highest stable version published: 8.0.9 after 8.1.0 must not take "latest"
   * (https://docs.github.com/en/rest/releases/releases#update-a-release, make_latest).
   */
  makeLatest: "true" | "false";
}

export interface WantedInput {
  project: string;
  version: string;
  isPrerelease: boolean;
  mode: Exclude<GitHubReleaseMode, "off">;
  complete: boolean;
  yanked: boolean;
  body: string;
  /** The versions of the other published, stable releases of the repo. */
  publishedVersions: readonly string[];
}

/** The name a release of `version` has; a yanked one says so first. */
export const releaseName = (project: string, version: string, yanked: boolean): string =>
  `${yanked ? "[YANKED] " : ""}${project} ${version}`;

export function wantedRelease(input: WantedInput): WantedRelease {
  const publish = input.mode === "publish" && input.complete && !input.yanked;
  const highest =
    !input.isPrerelease &&
    input.publishedVersions
      .filter((v) => semver.valid(v) && semver.prerelease(v) === null)
      .every((v) => semver.lte(v, input.version));
  return {
    name: releaseName(input.project, input.version, input.yanked),
    body: input.body,
    draft: !publish,
    prerelease: input.isPrerelease,
    makeLatest: publish && highest ? "true" : "false",
  };
}

/** The fields of an update (PATCH) that change the release, or undefined when it is as wanted. */
export type ReleaseUpdate = Partial<Omit<WantedRelease, "makeLatest">> & {
  makeLatest?: WantedRelease["makeLatest"];
};

export function releaseUpdate(current: ExistingRelease, wanted: WantedRelease): ReleaseUpdate | undefined {
  const update: ReleaseUpdate = {};
  if (current.name !== wanted.name) update.name = wanted.name;
  if ((current.body ?? "") !== wanted.body) update.body = wanted.body;
  if (current.draft !== wanted.draft) update.draft = wanted.draft;
  if (current.prerelease !== wanted.prerelease) update.prerelease = wanted.prerelease;
  // Latest is decided when the release is published: GitHub would otherwise make it latest by default.
  if (update.draft === false) update.makeLatest = wanted.makeLatest;
  return Object.keys(update).length > 0 ? update : undefined;
}

/** The GitHub Release's state as the ledger records it. */
export const releaseStage = (r: { draft: boolean }, yanked: boolean): "draft" | "published" | "yanked" =>
  yanked ? "yanked" : r.draft ? "draft" : "published";

/**
 * The repo whose GitHub Release the release keeps ("owner/name"), or undefined: none configured, mode
 * off, or an environment's release, which must reach no user.
 */
export function githubReleaseRepo(config: {
  githubRelease?: { mode: GitHubReleaseMode } | undefined;
  environment?: string | undefined;
  source: { repo: string };
}): string | undefined {
  const mode = config.githubRelease?.mode ?? "off";
  return mode === "off" || config.environment !== undefined ? undefined : config.source.repo;
}
