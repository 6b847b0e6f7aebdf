// The files a GitHub Release carries as its own assets (github-release.assets: upload), and what to do
// about each: an asset of the same name and the same bytes is kept, a missing one is uploaded, an
// unfinished upload is replaced, and different bytes under the same name are refused (E_IMMUTABLE),
// as sign-upload refuses them in the bucket. Assets others attached under other names are left alone.
import { ReleaseRelayError } from "../errors.js";
import type { PublishedRecord } from "./release-body.js";

/**
 * "Each file included in a release must be under 2 GiB", and uploads of 2 GB and more fail without a
 * message (https://docs.github.com/en/repositories/releasing-projects-on-github/about-releases;
 * https://github.com/orgs/community/discussions/61733): the lower of the two is the limit.
 */
export const ASSET_SIZE_LIMIT = 2_000_000_000;

/**
 * A release asset as GitHub lists it. `digest` is "sha256:<hex>", computed by GitHub when the upload
 * ends (https://github.blog/changelog/2025-06-03-releases-now-expose-digests-for-release-assets/);
 * null on servers that predate it. `state` "open" is an upload that never finished ("This may leave
 * an empty asset ... It can be safely deleted": REST "Upload a release asset").
 */
export interface ExistingAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  digest: string | null;
}

export type AssetAction =
  | { kind: "keep"; file: PublishedRecord; assetId: number }
  | { kind: "upload"; file: PublishedRecord }
  /** An unfinished upload of the name: deleted, then uploaded again. */
  | { kind: "replace"; file: PublishedRecord; assetId: number }
  /** No digest from the server: the asset's bytes are read and hashed to compare. */
  | { kind: "compare-bytes"; file: PublishedRecord; assetId: number };

/**
 * "GitHub renames asset filenames that have special characters, non-alphanumeric characters, and
 * leading or trailing periods" (REST "Upload a release asset"): a renamed asset would never be found
 * again by its name, so only names GitHub keeps as they are are uploaded.
 */
const KEPT_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?<!\.)$/;

const wrongBytes = (release: string, name: string, recorded: string, found: string) =>
  new ReleaseRelayError(
    "E_IMMUTABLE",
    `the GitHub Release ${release} already has an asset ${name} with other bytes (sha256 ${found}, the release published ${recorded})`,
    "a published file is never replaced: find out who attached it, delete that asset by hand if it is wrong, and run again",
  );

/** What to do about each published file, in the files' order; throws when one cannot be made right. */
export function planAssets(
  release: string,
  files: readonly PublishedRecord[],
  existing: readonly ExistingAsset[],
): AssetAction[] {
  const byName = new Map(existing.map((a) => [a.name, a]));
  return files.map((file): AssetAction => {
    if (!KEPT_NAME.test(file.name))
      throw new ReleaseRelayError(
        "E_INPUT",
        `${JSON.stringify(file.name)} cannot be a release asset: GitHub would rename it`,
        "name published files with letters, digits, '.', '-' and '_' only (no leading or trailing '.'), or set github-release.assets to links",
      );
    if (file.size >= ASSET_SIZE_LIMIT)
      throw new ReleaseRelayError(
        "E_INPUT",
        `${file.name} is ${file.size} bytes: GitHub takes release assets under 2 GB`,
        "set github-release.assets to links: the release then links the file where the bucket serves it",
      );
    const asset = byName.get(file.name);
    if (!asset) return { kind: "upload", file };
    if (asset.state !== "uploaded") return { kind: "replace", file, assetId: asset.id };
    if (asset.digest === null) return { kind: "compare-bytes", file, assetId: asset.id };
    const found = asset.digest.replace(/^sha256:/, "").toLowerCase();
    if (
      !asset.digest.startsWith("sha256:") ||
      found !== file.sha256.toLowerCase() ||
      asset.size !== file.size
    )
      throw wrongBytes(release, file.name, file.sha256, `${found} of ${asset.size} bytes`);
    return { kind: "keep", file, assetId: asset.id };
  });
}

/** The outcome of hashing an asset that had no digest: kept when equal, else refused. */
export function judgeComparedBytes(release: string, file: PublishedRecord, sha256: string): void {
  if (sha256.toLowerCase() !== file.sha256.toLowerCase())
    throw wrongBytes(release, file.name, file.sha256, sha256);
}

/**
 * Whether the release may still gain or lose assets. An immutable release, once published, refuses
 * both ("Cannot upload assets to an immutable release": github/docs#45718; immutable releases at
 * https://docs.github.com/en/code-security/supply-chain-security/understanding-your-software-supply-chain/immutable-releases).
 */
export function assetsChangeable(release: { draft: boolean; immutable: boolean }): boolean {
  return release.draft || !release.immutable;
}

/** The error for a release that is locked while it lacks some of the release's files. */
export function lockedWithoutFiles(release: string, missing: readonly string[]): ReleaseRelayError {
  return new ReleaseRelayError(
    "E_IMMUTABLE",
    `the GitHub Release ${release} is immutable and published without ${missing.join(", ")}`,
    "GitHub never lets a published immutable release gain assets: its page links the files in the bucket instead; for the next release, keep it a draft until every file is uploaded (release-relay does, unless the release was published by hand)",
  );
}
