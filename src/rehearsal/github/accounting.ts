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
  calls(filter: { since?: number; mutating?: boolean; route?: string; login?: string } = {}): CallRecord[] {
    return this.records.filter(
      (r) =>
        r.seq > (filter.since ?? 0) &&
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
      mutating: calls.filter((c) => c.mutating && c.status < 400).length,
      byRoute,
    };
  }

  clear(): void {
    this.records = [];
  }
}
