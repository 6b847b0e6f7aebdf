// The GitHub Releases of the source repo, as release-relay reads and writes them. A draft is not
// served by tag ("Get a published release with the specified tag"), so a release is found by listing
// releases, which shows drafts to a token that may push ("Only users with push access will receive
// listings for draft releases"): https://docs.github.com/en/rest/releases/releases#list-releases
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ReadableStream as WebStream } from "node:stream/web";
import type { ExistingAsset } from "../../core/github-release/release-assets.js";
import type {
  ExistingRelease,
  ReleaseUpdate,
  WantedRelease,
} from "../../core/github-release/wanted-release.js";
import type { GitHubClient } from "./client.js";
import { githubError } from "./errors.js";

// Files up to this size are sent from memory, so that a retried upload sends them again; larger ones
// are streamed, and an upload cut off is found unfinished ("open") by the next run and replaced.
const IN_MEMORY_UPLOAD = 32 * 1024 * 1024;

type ReleaseData = Awaited<ReturnType<GitHubClient["rest"]["repos"]["createRelease"]>>["data"];

const view = (r: ReleaseData): ExistingRelease => ({
  id: r.id,
  tagName: r.tag_name,
  name: r.name,
  body: r.body ?? null,
  draft: r.draft,
  prerelease: r.prerelease,
  htmlUrl: r.html_url,
  immutable: (r as { immutable?: boolean }).immutable === true,
  uploadUrl: r.upload_url,
  assets: (r.assets ?? []).map(
    (a): ExistingAsset => ({
      id: a.id,
      name: a.name,
      size: a.size,
      state: a.state,
      digest: (a as { digest?: string | null }).digest ?? null,
    }),
  ),
});

const PERMISSION = "the App needs Contents: write on the source repo, and a token minted for it";

export class SourceReleases {
  private readonly owner: string;
  private readonly name: string;

  constructor(
    private readonly github: GitHubClient,
    readonly repo: string,
  ) {
    [this.owner, this.name] = repo.split("/") as [string, string];
  }

  /**
   * The release of `tag` (a draft included) and every other published release. One page of the
   * newest hundred: a release is made for a tag just pushed, and the versions that could outrank it
   * for "latest" are the newest ones.
   */
  async list(tag: string): Promise<{ release: ExistingRelease | undefined; others: ExistingRelease[] }> {
    try {
      const { data } = await this.github.rest.repos.listReleases({
        owner: this.owner,
        repo: this.name,
        per_page: 100,
      });
      const all = data.map((r) => view(r as ReleaseData));
      return { release: all.find((r) => r.tagName === tag), others: all.filter((r) => r.tagName !== tag) };
    } catch (error) {
      throw githubError(error, `list the releases of ${this.repo}`, PERMISSION);
    }
  }

  private async post(tag: string, commit: string, wanted: WantedRelease): Promise<ExistingRelease> {
    const { data } = await this.github.rest.repos.createRelease({
      owner: this.owner,
      repo: this.name,
      tag_name: tag,
      target_commitish: commit,
      name: wanted.name,
      body: wanted.body,
      draft: wanted.draft,
      prerelease: wanted.prerelease,
      make_latest: wanted.makeLatest,
    });
    return view(data);
  }

  async create(tag: string, commit: string, wanted: WantedRelease): Promise<ExistingRelease> {
    try {
      return await this.post(tag, commit, wanted);
    } catch (error) {
      throw githubError(error, `create the GitHub Release of ${tag} in ${this.repo}`, PERMISSION);
    }
  }

  /** Creates the release of `tag`, or undefined when one exists (GitHub's 422 already_exists on tag_name). */
  async createIfAbsent(
    tag: string,
    commit: string,
    wanted: WantedRelease,
  ): Promise<ExistingRelease | undefined> {
    try {
      return await this.post(tag, commit, wanted);
    } catch (error) {
      const e = error as {
        status?: number;
        response?: { data?: { errors?: { code?: string; field?: string }[] } };
      };
      const exists =
        e.status === 422 &&
        e.response?.data?.errors?.some((x) => x.code === "already_exists" && x.field === "tag_name");
      if (exists) return undefined;
      throw githubError(error, `create the GitHub Release of ${tag} in ${this.repo}`, PERMISSION);
    }
  }

  async update(id: number, update: ReleaseUpdate): Promise<ExistingRelease> {
    try {
      const { makeLatest, ...fields } = update;
      const { data } = await this.github.rest.repos.updateRelease({
        owner: this.owner,
        repo: this.name,
        release_id: id,
        ...fields,
        ...(makeLatest ? { make_latest: makeLatest } : {}),
      });
      return view(data);
    } catch (error) {
      throw githubError(error, `update the GitHub Release ${id} of ${this.repo}`, PERMISSION);
    }
  }

  /** Uploads `path` as the asset `name` of `release`, through the release's own upload_url. */
  async uploadAsset(release: ExistingRelease, name: string, path: string, size: number): Promise<void> {
    try {
      const data =
        size <= IN_MEMORY_UPLOAD
          ? await readFile(path)
          : (Readable.toWeb(createReadStream(path)) as unknown as ReadableStream);
      await this.github.request({
        method: "POST",
        url: release.uploadUrl,
        name,
        data,
        headers: { "content-type": "application/octet-stream", "content-length": size },
      });
    } catch (error) {
      throw githubError(
        error,
        `upload ${name} to the GitHub Release ${release.id} of ${this.repo}`,
        PERMISSION,
      );
    }
  }

  async deleteAsset(id: number, name: string): Promise<void> {
    try {
      await this.github.rest.repos.deleteReleaseAsset({ owner: this.owner, repo: this.name, asset_id: id });
    } catch (error) {
      throw githubError(error, `delete the unfinished asset ${name} of ${this.repo}`, PERMISSION);
    }
  }

  /** The sha256 of an asset's bytes, read from GitHub (for a server that lists no digests). */
  async assetSha256(id: number, name: string): Promise<string> {
    try {
      const response = await this.github.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
        owner: this.owner,
        repo: this.name,
        asset_id: id,
        headers: { accept: "application/octet-stream" },
        request: { parseSuccessResponseBody: false },
      });
      const hash = createHash("sha256");
      for await (const chunk of Readable.fromWeb(response.data as unknown as WebStream))
        hash.update(chunk as Buffer);
      return hash.digest("hex");
    } catch (error) {
      throw githubError(error, `read the asset ${name} of ${this.repo}`, PERMISSION);
    }
  }
}
