// The GitHub Release of a version on the source repo, brought to what the ledger says: created as a
// draft once the release is requested, its body (notes, published files, verification, container
// tags, download page) kept current, published once every stage is done (mode publish), and back to a
// draft marked yanked once the release is yanked. The files are the ledger's records of what the
// release published. A rerun that finds it as wanted writes nothing: one list of releases and one read
// of the notes file.
import type { GitHubClient } from "../../adapters/github/client.js";
import { readRepoFile } from "../../adapters/github/repo-files.js";
import { SourceReleases } from "../../adapters/github/source-releases.js";
import { PUBLISHED_KEY_NAMES, releaseObjectKey } from "../../core/artifacts/publication.js";
import type { Config } from "../../core/config/schema.js";
import { allowedLinks } from "../../core/dashboard/safe-links.js";
import { containerTagsSource } from "../../core/github-release/container-tags.js";
import { downloadPageUrl } from "../../core/github-release/download-page.js";
import { type PublishedRecord, renderReleaseBody } from "../../core/github-release/release-body.js";
import { extractReleaseNotes } from "../../core/github-release/release-notes.js";
import {
  type ExistingRelease,
  githubReleaseRepo,
  releaseStage,
  releaseUpdate,
  type WantedRelease,
  wantedRelease,
} from "../../core/github-release/wanted-release.js";
import type { LedgerEvent } from "../../core/ledger/events.js";
import type { ReleaseState } from "../../core/ledger/release-state.js";
import { STAGES } from "../../core/ledger/stages.js";
import { objectUrl } from "../../core/request/plan.js";
import { parseTag, type Version } from "../../core/request/version.js";
import { type AssetsOutcome, syncReleaseAssets } from "./release-assets.js";

export interface GitHubReleaseDeps {
  /** A client whose token may write the source repo's contents (releases). */
  github: GitHubClient;
  /** The GitHub server's web address (links in the body must be on it). */
  serverUrl: string;
  now: () => string;
  /** Where this job holds the release's files (assets: upload): none, and none is uploaded. */
  filesDir?: string | undefined;
}

export interface GitHubReleaseOutcome {
  action: "created" | "updated" | "unchanged";
  url: string;
  /** What the ledger should record: the release's id and state, when they changed. */
  event: LedgerEvent | undefined;
  /** Its assets (assets: upload); a draft that lacks some is not published yet. */
  assets?: AssetsOutcome | undefined;
}

const versionOf = (tag: string, pattern: string): string | undefined => {
  try {
    return parseTag(tag, pattern).version;
  } catch {
    return undefined;
  }
};

/** The tags the release PR of the downstream `ref` names sets, as the ledger last recorded them. */
function containerTagsRecorded(state: ReleaseState, ref: string | undefined): string[] {
  if (ref === undefined) return [];
  const { downstream } = containerTagsSource(ref);
  return state.downstream.find((d) => d.name === downstream)?.containerTags ?? [];
}

/** Brings the source repo's GitHub Release of `version` to what `state` says; undefined when off. */
export async function syncGitHubRelease(
  config: Config,
  version: Version,
  state: ReleaseState,
  deps: GitHubReleaseDeps,
): Promise<GitHubReleaseOutcome | undefined> {
  const settings = config.githubRelease;
  if (!settings || settings.mode === "off" || !githubReleaseRepo(config) || !state.request) return undefined;
  const { mode } = settings;
  const repo = config.source.repo;
  const releases = new SourceReleases(deps.github, repo);
  // The notes as they are at the commit released, which the tag may no longer point at.
  const notesText = await readRepoFile(deps.github, repo, settings.notes.file, state.request.commit);
  const done = STAGES.every(
    (s) => state.stages[s].status === "succeeded" || state.stages[s].status === "skipped",
  );
  // The ledger's publication records: every file the published hashes.json lists, whatever its kind.
  const files: PublishedRecord[] = state.artifacts.flatMap((a) =>
    a.size !== undefined && a.sha256 !== undefined
      ? [{ name: a.name, size: a.size, sha256: a.sha256, url: a.url }]
      : [],
  );
  const keyName = config.signing.method === "gpg" ? PUBLISHED_KEY_NAMES[0] : PUBLISHED_KEY_NAMES[1];
  const body = renderReleaseBody({
    version: version.version,
    notes: extractReleaseNotes(notesText, version.version, settings.notes.file, settings.notes.heading),
    notesUrl: `${deps.serverUrl.replace(/\/$/, "")}/${repo}/blob/${state.request.commit}/${settings.notes.file}`,
    files,
    signing: config.signing.method,
    publicKeyUrl:
      config.signing.method === "none" || files.length === 0
        ? undefined
        : objectUrl(config.upload, releaseObjectKey(config, version.version, keyName)),
    // From what release-relay itself recorded and the config, never from a report: a report's tags
    // and page URL are claims of another repo's run, and this page is public.
    containerImage: settings.containerImage,
    containerTags: containerTagsRecorded(state, settings.containerTags),
    downloadPage: downloadPageUrl(config, version),
    allowed: allowedLinks(config, deps.serverUrl),
    yanked: state.yanked,
  });
  const wantedAmong = (others: readonly ExistingRelease[]) =>
    wantedRelease({
      project: config.project,
      version: version.version,
      isPrerelease: version.isPrerelease,
      mode,
      complete: done,
      yanked: state.yanked !== undefined,
      body,
      publishedVersions: others
        .filter((r) => !r.draft)
        .flatMap((r) => versionOf(r.tagName, config.tags.pattern) ?? []),
    });
  // Assets are uploaded while the release is a draft (an immutable release takes none once
  // published), so a release that is to carry them is created a draft and published after.
  const uploads = settings.assets === "upload" && !state.yanked;
  const asDraft = (w: WantedRelease): WantedRelease => ({ ...w, draft: true, makeLatest: "false" });
  // The first draft is created without listing first (what "latest" is matters only to a published
  // release); a draft an earlier run made answers already_exists, and is then looked up.
  const draft = !state.githubRelease && !done && !state.yanked;
  let now = draft
    ? await releases.createIfAbsent(version.tag, state.request.commit, wantedAmong([]))
    : undefined;
  let action: GitHubReleaseOutcome["action"] = now ? "created" : "unchanged";
  let others: ExistingRelease[] = [];
  if (!now) {
    const listed = await releases.list(version.tag);
    others = listed.others;
    now = listed.release;
    if (!now) {
      const wanted = wantedAmong(others);
      now = await releases.create(
        version.tag,
        state.request.commit,
        uploads && files.length > 0 ? asDraft(wanted) : wanted,
      );
      action = "created";
    }
  }
  const assets = uploads ? await syncReleaseAssets(releases, now, files, deps.filesDir) : undefined;
  const wanted = wantedAmong(others);
  // A draft that lacks some of its files stays a draft: published, it might never get them.
  const held = assets !== undefined && assets.missing.length > 0 && now.draft;
  const update = releaseUpdate(now, held ? asDraft(wanted) : wanted);
  if (update) {
    now = await releases.update(now.id, update);
    if (action === "unchanged") action = "updated";
  }
  const stage = releaseStage(now, state.yanked !== undefined);
  const recorded = state.githubRelease;
  // A draft is no one's page yet: the ledger records the release once published or yanked.
  const event: LedgerEvent | undefined =
    stage === "draft" || (recorded?.id === now.id && recorded.state === stage)
      ? undefined
      : {
          id: `github-release:${now.id}:${stage}`,
          at: deps.now(),
          type: "github-release",
          repo,
          releaseId: now.id,
          url: now.htmlUrl,
          state: stage,
        };
  return { action, url: now.htmlUrl, event, assets };
}
