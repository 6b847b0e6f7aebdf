// One ledger write of a track-status step, and the ledger as that write left it: the step renders the
// tracking issue from what it wrote instead of reading the ledger back.
import type { GitHubClient } from "../../adapters/github/client.js";
import { type LedgerSnapshot, LedgerStore } from "../../adapters/ledger/ledger-store.js";
import { type LedgerEvent, ledgerEventSchema } from "../../core/ledger/events.js";

export interface LedgerWrite<T> {
  appended: boolean;
  /** The ledger at the head this write left (or found, when it had nothing new). */
  snapshot: LedgerSnapshot;
  /** Ids of the events this write added: a comment is posted only by the writer that claimed it. */
  written: ReadonlySet<string>;
  /** What the last decision said besides its events. */
  decided: T | undefined;
}

/** A release's ledger as a track-status step writes it. */
export class LedgerWriter {
  readonly store: LedgerStore;
  /** Whether the store waited to try again since `decide` last ran (see `write`). */
  private sleptSinceDecide = false;

  constructor(github: GitHubClient, repo: string, key: string, sleep?: (ms: number) => Promise<void>) {
    const wait = sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.store = new LedgerStore(github, repo, key, {
      sleep: async (ms) => {
        this.sleptSinceDecide = true;
        await wait(ms);
      },
    });
  }

  /**
   * Appends what `decide` makes of the ledger as it stands (one compare-and-swap, decided again when
   * another writer moves the branch first). With nothing new it writes nothing and costs only the
   * read every write makes.
   */
  async write<T>(
    decide: (events: readonly LedgerEvent[]) => { events: readonly LedgerEvent[]; decided?: T },
  ): Promise<LedgerWrite<T>> {
    let seen: readonly LedgerEvent[] = [];
    let last: { events: LedgerEvent[]; decided?: T } = { events: [] };
    this.sleptSinceDecide = false;
    const result = await this.store.appendDecided((events) => {
      this.sleptSinceDecide = false;
      const made = decide(events);
      seen = events;
      last = { ...made, events: made.events.map((e) => ledgerEventSchema.parse(e)) };
      return last.events;
    });
    // The events the store left out (already recorded, or repeated in the batch) are left out here too.
    const known = new Set(seen.map((e) => e.id));
    const fresh = result.appended
      ? last.events.filter((e, i) => !known.has(e.id) && last.events.findIndex((x) => x.id === e.id) === i)
      : [];
    // A write that tried again and appended without deciding again landed in an earlier attempt whose
    // answer was lost; the head it returns may carry other writers' events too: the ledger is read
    // back instead.
    const snapshot =
      result.appended && this.sleptSinceDecide
        ? await this.store.read()
        : { head: result.head, events: [...seen, ...fresh] };
    return {
      appended: result.appended,
      snapshot,
      written: new Set(fresh.map((e) => e.id)),
      decided: last.decided,
    };
  }
}
