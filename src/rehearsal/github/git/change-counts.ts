// What a pull request shows of its change (commits, files, lines added and removed), by git's own
// merge-base, rev-list and diff. The answer for two commits never changes, and a release reads its
// pulls again and again (often several at once), so each pair is asked of git once.
import type { GitStore } from "./git-store.js";

export interface ChangeCounts {
  commits: number;
  changedFiles: number;
  additions: number;
  deletions: number;
}

const known = new WeakMap<GitStore, Map<string, Promise<ChangeCounts & { whole: boolean }>>>();
const OBJECT_ID = /^[0-9a-f]{40}$/;

/** The change from the merge base of `base` and `head` to `head`, as GitHub counts it for a pull. */
export async function changeCounts(git: GitStore, base: string, head: string): Promise<ChangeCounts> {
  // Only object ids name the same commits for ever.
  if (!OBJECT_ID.test(base) || !OBJECT_ID.test(head)) {
    const { whole: _, ...counts } = await count(git, base, head);
    return counts;
  }
  const byPair = known.get(git) ?? new Map<string, Promise<ChangeCounts & { whole: boolean }>>();
  known.set(git, byPair);
  const key = `${base} ${head}`;
  let counting = byPair.get(key);
  if (!counting) {
    if (byPair.size >= 10_000) byPair.clear();
    counting = count(git, base, head);
    byPair.set(key, counting);
    // An answer git could not give whole (a process that failed) is asked again next time.
    void counting.then((counts) => counts.whole || byPair.delete(key));
  }
  const { whole: _, ...counts } = await counting;
  return counts;
}

async function count(git: GitStore, base: string, head: string): Promise<ChangeCounts & { whole: boolean }> {
  let whole = true;
  const ask = (args: string[], otherwise: string) =>
    git.text(args).catch(() => {
      whole = false;
      return otherwise;
    });
  const mergeBase = await ask(["merge-base", base, head], base);
  const commits = Number(await ask(["rev-list", "--count", `${mergeBase}..${head}`], "0"));
  const stat = await ask(["diff", "--numstat", mergeBase, head], "");
  const counts = { commits, changedFiles: 0, additions: 0, deletions: 0, whole };
  for (const line of stat.split("\n").filter(Boolean)) {
    const [a, d] = line.split("\t");
    counts.changedFiles++;
    counts.additions += Number(a) || 0;
    counts.deletions += Number(d) || 0;
  }
  return counts;
}
