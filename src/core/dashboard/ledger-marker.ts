// The hidden last line of a tracking issue body: which ledger commit it shows, so a sync knows
// whether the issue is behind the ledger.

/** The marker that ties an issue body to the ledger commit it shows. */
export function ledgerMarker(head: string): string {
  return `<!-- release-relay:ledger ${head} -->`;
}

/** Reads the ledger commit an issue body was rendered from, if any. */
export function readLedgerMarker(body: string | null | undefined): string | undefined {
  // The marker is the body's last line: text quoted above it (a log excerpt) cannot pass for it.
  return /(?:^|\n)<!-- release-relay:ledger ([0-9a-f]{40}|empty) -->\s*$/.exec(body ?? "")?.[1];
}
