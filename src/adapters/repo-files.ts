import type { GitHubClient } from "./github.js";

/** Text of a file in a repository, or undefined when it does not exist (404). */
export async function readRepoFile(
  github: GitHubClient,
  repo: string,
  path: string,
  ref?: string,
): Promise<string | undefined> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const { data } = await github.rest.repos.getContent({ owner, repo: name, path, ...(ref ? { ref } : {}) });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return undefined;
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}
