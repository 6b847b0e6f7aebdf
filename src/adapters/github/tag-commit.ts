import type { GitHubClient } from "./client.js";

/** The commit a tag points at (annotated tags followed), or undefined when the repo has no such tag. */
export async function readTagCommit(
  github: GitHubClient,
  repo: string,
  tag: string,
): Promise<string | undefined> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const { data } = await github.rest.git.getRef({ owner, repo: name, ref: `tags/${tag}` });
    let object = data.object;
    // An annotated tag points at a tag object; GitHub allows tags of tags, so follow a few.
    for (let hops = 0; object.type === "tag" && hops < 5; hops++)
      object = (await github.rest.git.getTag({ owner, repo: name, tag_sha: object.sha })).data.object;
    return object.type === "commit" ? object.sha : undefined;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}
