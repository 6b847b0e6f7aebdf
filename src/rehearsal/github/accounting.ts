/** One call the emulator answered. */
export interface CallRecord {
  seq: number;
  method: string;
  /** Route template (`PATCH /repos/{owner}/{repo}/git/refs/{ref}`), or `unmatched`. */
  route: string;
  path: string;
  status: number;
  mutating: boolean;
  login: string | undefined;
  fault: string | undefined;
  /**
   * A GraphQL call GitHub refused with HTTP 200: its first error's type (STALE_DATA, FORBIDDEN,
   * NOT_FOUND, RATE_LIMITED) or code. Such a call changed nothing, whatever its status says.
   */
  error?: string;
  /** The repository ("owner/name") a GraphQL call names in its variables (its path names none). */
  repo?: string;
  /**
   * Not a call of GitHub's API: a git fetch's access check (`git`) or a source archive download
   * from github.com (`web`). Left out of every count, as GitHub leaves them out of the API's limits.
   */
  channel?: "git" | "web";
}

/** The type (or code) of a GraphQL answer's first error; undefined for an answer without errors. */
export function graphqlErrorType(body: unknown): string | undefined {
  const errors = (body as { errors?: { type?: string; extensions?: { code?: string } }[] } | undefined)
    ?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors[0]?.type ?? errors[0]?.extensions?.code ?? "ERROR";
}

/** Whether a call changed something: a mutating call GitHub answered with success and no GraphQL error. */
export const changedSomething = (c: Pick<CallRecord, "mutating" | "status" | "error">): boolean =>
  c.mutating && c.status < 400 && c.error === undefined;

/**
 * Whether GitHub counts a call against its secondary limit on content-creating requests (80 a
 * minute, 500 an hour: "Rate limits for the REST API", secondary rate limits,
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api): every REST
 * POST, PATCH, PUT and DELETE and every GraphQL mutation. Its docs do not say that a refused one is
 * free, so refused ones count too (the doctor's probes, a stale compare-and-swap).
 */
export function createsContent(c: Pick<CallRecord, "method" | "route">): boolean {
  const [, path, operation] = c.route.split(" ");
  if (path === "/graphql")
    return /^(create|update|delete|add|remove|merge|close|reopen)/i.test(operation ?? "");
  return ["POST", "PATCH", "PUT", "DELETE"].includes(c.method);
}

/** Every call, in order; what API-efficiency benchmarks and "zero mutating calls on rerun" tests read. */
export class CallLog {
  private records: CallRecord[] = [];
  private seq = 0;

  record(entry: Omit<CallRecord, "seq">): CallRecord {
    const record = { ...entry, seq: ++this.seq };
    this.records.push(record);
    return record;
  }

  /** Calls since `since` (a seq), optionally filtered. */
  calls(
    filter: {
      since?: number;
      mutating?: boolean;
      route?: string;
      login?: string;
      channel?: "git" | "web";
    } = {},
  ): CallRecord[] {
    return this.records.filter(
      (r) =>
        r.seq > (filter.since ?? 0) &&
        r.channel === filter.channel &&
        (filter.mutating === undefined || r.mutating === filter.mutating) &&
        (filter.route === undefined || r.route === filter.route) &&
        (filter.login === undefined || r.login === filter.login),
    );
  }

  /** The current position, to count calls made after it. */
  mark(): number {
    return this.seq;
  }

  /** Totals: all calls, mutating calls that succeeded, and calls per route. */
  summary(since = 0): { total: number; mutating: number; byRoute: Record<string, number> } {
    const calls = this.calls({ since });
    const byRoute: Record<string, number> = {};
    for (const c of calls) byRoute[c.route] = (byRoute[c.route] ?? 0) + 1;
    return {
      total: calls.length,
      mutating: calls.filter(changedSomething).length,
      byRoute,
    };
  }

  clear(): void {
    this.records = [];
  }
}
