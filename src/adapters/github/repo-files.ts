import { ReleaseRelayError } from "../../core/errors.js";
import type { GitHubClient } from "./client.js";

function split(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split("/") as [string, string];
  return { owner, repo: name };
}

/**
 * The text of a contents or blob reply. A file of 1-100 MB comes from the contents API with
 * `content: ""` and `encoding: "none"` (REST docs "Get repository content"; GitHub changelog
 * 2022-05-03): decoding that would read a large file as empty, and a change built on it would
 * replace the whole file, so it is refused here rather than decoded.
 */
export function decodeContent(
  reply: { encoding?: string | null; content?: string | null },
  what: string,
): string {
  if (reply.encoding === "base64") return Buffer.from(reply.content ?? "", "base64").toString("utf8");
  if (reply.encoding === "utf-8" || reply.encoding === "utf8") return reply.content ?? "";
  throw new ReleaseRelayError(
    "E_GITHUB",
    `GitHub sent ${what} with encoding "${reply.encoding ?? "(none given)"}" and no content to decode (the contents API does so for files over 1 MB)`,
    "read the file through the Git blobs API (GET /repos/{owner}/{repo}/git/blobs/{sha}), which serves files up to 100 MB",
  );
}

/** A blob's text by its sha: the Git blobs API serves files up to 100 MB (REST docs "Get a blob"). */
export async function readBlobText(github: GitHubClient, repo: string, sha: string): Promise<string> {
  const { data } = await github.rest.git.getBlob({ ...split(repo), file_sha: sha });
  return decodeContent(data, `blob ${sha.slice(0, 12)} of ${repo}`);
}

/**
 * Text of a file in a repository, or undefined when it does not exist (404) or is not a file. One
 * call for a file up to 1 MB; a larger one is read again through its blob, whose sha the contents
 * API still gives (google/go-github#2924: `encoding: "none"` means "fetch it another way").
 */
export async function readRepoFile(
  github: GitHubClient,
  repo: string,
  path: string,
  ref?: string,
): Promise<string | undefined> {
  let data: Awaited<ReturnType<GitHubClient["rest"]["repos"]["getContent"]>>["data"];
  try {
    ({ data } = await github.rest.repos.getContent({ ...split(repo), path, ...(ref ? { ref } : {}) }));
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
  if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return undefined;
  if (data.encoding === "none") return readBlobText(github, repo, data.sha);
  return decodeContent(data, `${path} of ${repo}`);
}
