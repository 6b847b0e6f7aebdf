/**
 * Waits between attempts of a call GitHub refused only because it had not caught up yet: about 15 s
 * in all, then the refusal stands.
 */
export const SETTLE_DELAYS_MS: readonly number[] = [500, 1000, 2000, 4000, 8000];

/** Runs `call`, again after each delay while `settling(error)` says GitHub has not caught up. */
export async function retryWhileSettling<T>(
  call: () => Promise<T>,
  settling: (error: unknown) => boolean,
  options: { delaysMs?: readonly number[]; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const delays = options.delaysMs ?? SETTLE_DELAYS_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || !settling(error)) throw error;
      await sleep(delay);
    }
  }
}

/**
 * 422 "No commits between": what creating a PR can answer right after its branch was pushed, before
 * GitHub sees the branch's commits (dotnet/buildtools#1140; OPM/opm-common#267).
 */
export function isNoCommitsYet(error: unknown): boolean {
  const e = error as { status?: number; message?: string; response?: { data?: unknown } };
  return (
    e.status === 422 &&
    /No commits between/i.test(`${e.message ?? ""} ${JSON.stringify(e.response?.data ?? "")}`)
  );
}
