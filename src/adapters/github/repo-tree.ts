import type { GitHubClient } from "./client.js";

/** Every file on a branch of a repo, path → blob sha; undefined when GitHub refuses to show it. */
export async function readRepoTree(
  github: GitHubClient,
  repo: string,
  branch: string,
): Promise<Map<string, string> | undefined> {
  const [owner, name] = repo.split("/") as [string, string];
  try {
    const { data } = await github.rest.git.getTree({ owner, repo: name, tree_sha: branch, recursive: "1" });
    return new Map(
      data.tree
        .filter((e) => e.type === "blob" && e.path && e.sha)
        .map((e) => [e.path as string, e.sha as string]),
    );
  } catch (error) {
    // GitHub refused (bad token, no access, no such or empty repo): the repo checks already say why.
    if (typeof (error as { status?: number }).status === "number") return undefined;
    throw error;
  }
}
