// A release as its ledger says it is now: what `release-relay status` prints and what a rehearsal
// checks at its end. The caller gives the client, and with it the retries its GitHub deserves.
import type { GitHubClient } from "../adapters/github/client.js";
import { type LedgerSnapshot, LedgerStore } from "../adapters/ledger/ledger-store.js";
import { deriveState, type ReleaseState } from "../core/ledger/release-state.js";

/** Reads a release's ledger (key: ledgerKey) in the automation repo, and the state it derives. */
export async function readRelease(
  github: GitHubClient,
  repo: string,
  key: string,
): Promise<{ snapshot: LedgerSnapshot; state: ReleaseState }> {
  const snapshot = await new LedgerStore(github, repo, key).read();
  return { snapshot, state: deriveState(snapshot.events) };
}
