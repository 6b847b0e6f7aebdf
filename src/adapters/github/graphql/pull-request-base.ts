import type { GitHubClient } from "../client.js";
import { readBlobText } from "../repo-files.js";
import { queryOrFallBack } from "./commits.js";
import {
  type BaseFileEntry,
  type BaseRef,
  PULL_REQUEST_BASE_FILES,
  PULL_REQUEST_BASE_QUERY,
  type PullRequestBaseData,
} from "./operations.js";

/** A branch's head commit, its tree and its parents. */
export interface BranchHead {
  sha: string;
  tree: string;
  parents: string[];
}

/**
 * A downstream's base as one pullRequestBase call reads it. `files` holds the paths it read
 * (undefined: no such file); `unread` the paths beyond its slots, for REST. `release` is null when
 * the release branch does not exist.
 */
export type PullRequestBase =
  | { base: string | undefined; head: undefined }
  | {
      base: string;
      head: BranchHead;
      files: Map<string, string | undefined>;
      unread: string[];
      release: BranchHead | null;
    };

// A symbolic link's mode: the contents API answers it as a "symlink", not a file.
const SYMLINK_MODE = 0o120000;

/**
 * A file's text. `text` is null for a binary blob (GraphQL reference "Blob": "UTF8 text data or null
 * if the Blob is binary") and cut short for a large one (`isTruncated`; a text whose size is not
 * `byteSize` is taken as cut too): the REST blob read serves both whole, up to 100 MB.
 */
async function fileText(
  github: GitHubClient,
  repo: string,
  entry: BaseFileEntry | null | undefined,
): Promise<string | undefined> {
  const blob = entry?.object;
  if (!entry || !blob?.oid || entry.mode === SYMLINK_MODE) return undefined;
  const whole =
    typeof blob.text === "string" &&
    blob.isTruncated !== true &&
    (blob.byteSize === undefined || Buffer.byteLength(blob.text, "utf8") === blob.byteSize);
  return whole ? (blob.text as string) : readBlobText(github, repo, blob.oid);
}

const head = (ref: BaseRef): BranchHead => ({
  sha: ref.target.oid,
  tree: ref.target.tree?.oid ?? "",
  parents: (ref.target.parents?.nodes ?? []).map((n) => n.oid),
});

/**
 * The base branch of a downstream PR (`base`, or the default branch when undefined), `paths` at its
 * head and the release branch `release`, in one call (plus a blob read per binary or large file);
 * "unsupported" where GraphQL cannot serve it (an older GHES, no token): read through REST then.
 */
export async function readPullRequestBase(
  github: GitHubClient,
  repo: string,
  want: { base: string | undefined; release: string; paths: readonly string[] },
): Promise<PullRequestBase | "unsupported"> {
  const [owner, name] = repo.split("/") as [string, string];
  const slots = want.paths.slice(0, PULL_REQUEST_BASE_FILES);
  const variables: Record<string, unknown> = {
    owner,
    name,
    onDefault: want.base === undefined,
    ...(want.base === undefined ? {} : { base: `refs/heads/${want.base}` }),
    release: `refs/heads/${want.release}`,
    operationName: "pullRequestBase",
  };
  slots.forEach((path, i) => {
    variables[`path${i}`] = path;
    variables[`read${i}`] = true;
  });
  // As branchFile: GraphQL serves no one without a token; REST says why, or serves a public repo.
  const data = await queryOrFallBack<PullRequestBaseData>(github, PULL_REQUEST_BASE_QUERY, variables);
  if (data === "unsupported") return data;
  const ref = want.base === undefined ? data.repository?.defaultBranchRef : data.repository?.base;
  if (!ref) return { base: want.base, head: undefined };
  const files = new Map<string, string | undefined>();
  for (const [i, path] of slots.entries())
    files.set(path, await fileText(github, repo, ref.target[`file${i}`]));
  const release = data.repository?.release;
  return {
    base: ref.name ?? (want.base as string),
    head: head(ref),
    files,
    unread: want.paths.slice(PULL_REQUEST_BASE_FILES),
    release: release ? head(release) : null,
  };
}
