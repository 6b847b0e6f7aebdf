// How much of each reliability suite to run. CI runs a quick sample on every change;
// `npm run reliability` runs them whole (every fault seed, every crash point), as BENCHMARKS.md records.
export const FULL = process.env.RELEASE_RELAY_RELIABILITY === "full";

/** Rehearsals run side by side in the full suites (each is its own process). */
export const PARALLEL = FULL ? Math.max(1, Number(process.env.RELEASE_RELAY_PARALLEL ?? 2)) : 1;

/** Runs `work` for every item, `limit` at a time, and returns what each produced, in order. */
export async function eachLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
