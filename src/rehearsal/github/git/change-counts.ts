// What a pull request shows of its change (commits, files, lines added and removed), by git's own
// merge-base, rev-list and diff. The answer for two commits never changes, and a release reads its
// pulls again and again, so each pair is asked of git once.
import type { GitStore } from "./git-store.js";

export interface ChangeCounts {
  commits: number;
  changedFiles: number;
  additions: number;
  deletions: number;
}

const known = new WeakMap<GitStore, Map<string, ChangeCounts>>();
const OBJECT_ID = /^[0-9a-f]{40}$/;

/** The change from the merge base of `base` and `head` to `head`, as GitHub counts it for a pull. */
export async function changeCounts(git: GitStore, base: string, head: string): Promise<ChangeCounts> {
  const key = `${base} ${head}`;
  const cached = known.get(git)?.get(key);
  if (cached) return { ...cached };
  const mergeBase = await git.text(["merge-base", base, head]).catch(() => base);
  const counts: ChangeCounts = {
    commits: Number(await git.text(["rev-list", "--count", `${mergeBase}..${head}`]).catch(() => "0")),
    changedFiles: 0,
    additions: 0,
    deletions: 0,
  };
  const stat = await git.text(["diff", "--numstat", mergeBase, head]).catch(() => "");
  for (const line of stat.split("\n").filter(Boolean)) {
    const [a, d] = line.split("\t");
    counts.changedFiles++;
    counts.additions += Number(a) || 0;
    counts.deletions += Number(d) || 0;
  }
  // Only object ids name the same commits for ever; a failed git call is not kept either.
  if (OBJECT_ID.test(base) && OBJECT_ID.test(head) && stat !== "") {
    const byPair = known.get(git) ?? new Map<string, ChangeCounts>();
    known.set(git, byPair);
    if (byPair.size >= 10_000) byPair.clear();
    byPair.set(key, { ...counts });
  }
  return counts;
}
