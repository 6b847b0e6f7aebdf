// The trees a pull request's merge makes, by git's own merge machinery (merge-tree, apply): the
// local GitHub merges, squashes and rebases as git would, conflicts included.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitError, type GitStore } from "./git-store.js";

/** Three-way merge of two commits into a tree; undefined on conflict. */
export async function mergeTrees(git: GitStore, ours: string, theirs: string): Promise<string | undefined> {
  try {
    return (await git.text(["merge-tree", "--write-tree", ours, theirs])).split("\n")[0];
  } catch {
    return undefined;
  }
}

/**
 * The tree of `commit`'s own change (its diff from its first parent) applied onto `onto`, as a
 * rebase merge replays each commit; undefined when the change does not apply.
 */
export async function replayTree(git: GitStore, onto: string, commit: string): Promise<string | undefined> {
  const parent = (await git.readCommit(commit)).parents[0];
  const tmp = await mkdtemp(join(tmpdir(), "emulator-replay-"));
  const env = { GIT_INDEX_FILE: join(tmp, "index") };
  try {
    await git.run(["read-tree", onto], { env });
    const patch = parent
      ? await git.run(["diff-tree", "-p", "--binary", "--full-index", parent, commit])
      : await git.run(["diff-tree", "-p", "--binary", "--full-index", "--root", commit]);
    if (patch.length > 0) await git.run(["apply", "--cached", "--allow-empty"], { env, input: patch });
    return await git.text(["write-tree"], { env });
  } catch (error) {
    if (error instanceof GitError) return undefined;
    throw error;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
