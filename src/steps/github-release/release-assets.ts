// The GitHub Release's own assets (github-release.assets: upload), made to carry every file the
// release published. The bytes uploaded are files this job holds, and only those whose sha256 is the
// one the ledger recorded when they were published: a file changed since, or never published, is not
// uploaded. A job without the files (or a release locked by immutability) uploads nothing and says
// which are missing; the release is then held back from publishing while it is still a draft.

import type { SourceReleases } from "../../adapters/github/source-releases.js";
import { hashFile } from "../../adapters/storage/hashing.js";
import { filesByName } from "../../adapters/storage/release-files-dir.js";
import {
  assetsChangeable,
  judgeComparedBytes,
  planAssets,
} from "../../core/github-release/release-assets.js";
import type { PublishedRecord } from "../../core/github-release/release-body.js";
import type { ExistingRelease } from "../../core/github-release/wanted-release.js";

export interface AssetsOutcome {
  uploaded: string[];
  kept: string[];
  /** Published files the release still lacks, with why. */
  missing: { name: string; why: string }[];
}

/** The local file of `file`'s name whose bytes are the ones published, if this job has one. */
async function publishedBytes(
  candidates: readonly string[],
  file: PublishedRecord,
): Promise<string | undefined> {
  for (const path of candidates) {
    const d = await hashFile(path);
    if (d.sha256 === file.sha256 && d.size === file.size) return path;
  }
  return undefined;
}

export async function syncReleaseAssets(
  releases: SourceReleases,
  release: ExistingRelease,
  files: readonly PublishedRecord[],
  filesDir: string | undefined,
): Promise<AssetsOutcome> {
  const label = `${release.tagName} of ${releases.repo}`;
  const actions = planAssets(label, files, release.assets);
  const local = filesDir ? await filesByName(filesDir) : new Map<string, string[]>();
  const outcome: AssetsOutcome = { uploaded: [], kept: [], missing: [] };
  // One at a time: each upload is a content-creating request, which GitHub limits per minute.
  for (const action of actions) {
    const { file } = action;
    if (action.kind === "keep") {
      outcome.kept.push(file.name);
      continue;
    }
    if (action.kind === "compare-bytes") {
      judgeComparedBytes(label, file, await releases.assetSha256(action.assetId, file.name));
      outcome.kept.push(file.name);
      continue;
    }
    if (!assetsChangeable(release)) {
      outcome.missing.push({ name: file.name, why: "the release is immutable and published" });
      continue;
    }
    const path = await publishedBytes(local.get(file.name) ?? [], file);
    if (!path) {
      outcome.missing.push({
        name: file.name,
        why: filesDir
          ? `no file of that name under ${filesDir} has the published sha256`
          : "this job does not hold the release's files",
      });
      continue;
    }
    if (action.kind === "replace") await releases.deleteAsset(action.assetId, file.name);
    await releases.uploadAsset(release, file.name, path, file.size);
    outcome.uploaded.push(file.name);
  }
  return outcome;
}
