// Source tarballs, served beside the REST API on the web paths GitHub uses for them.
import { HttpError, type Reply } from "../replies.js";
import type { World } from "../world.js";

/** Whether a GET is for a tarball rather than for the API. */
export const isArchivePath = (path: string): boolean => /^\/[^/]+\/[^/]+\/archive\//.test(path);

/** `/{owner}/{repo}/archive/refs/tags/{tag}.tar.gz` or `/{owner}/{repo}/archive/{ref}.tar.gz` of a public repo. */
export async function archive(world: World, path: string): Promise<Reply> {
  const m = /^\/([^/]+)\/([^/]+)\/archive\/(?:refs\/(?:tags|heads)\/)?(.+)\.tar\.gz$/.exec(path);
  if (!m) throw new HttpError(404, "Not Found");
  const [, owner, name, ref] = m as unknown as [string, string, string, string];
  const repo = world.state.repos[`${owner}/${name}`.toLowerCase()];
  if (!repo || repo.private) throw new HttpError(404, "Not Found");
  const git = world.git(repo);
  const commit = await git.resolveCommit(ref);
  if (!commit) throw new HttpError(404, "Not Found");
  const raw = await git.archive(commit, `${repo.name}-${ref.replace(/^v(?=\d)/, "")}`);
  return { status: 200, raw, headers: { "content-type": "application/x-gzip" } };
}
