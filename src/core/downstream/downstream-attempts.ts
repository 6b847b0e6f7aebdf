// Which downstreams a stage attempts, and what it already knows of each from the ledger.
import { ReleaseRelayError } from "../errors.js";

/**
 * A downstream that uses another's outputs cannot be right when that one failed: it is not
 * attempted, and says which (in the order they failed). `what` says how they failed ("which
 * failed", "whose generator failed").
 */
export function notAttemptedAfter(
  after: readonly string[],
  failed: Iterable<string>,
  what: string,
): ReleaseRelayError | undefined {
  const first = [...failed].filter((f) => after.includes(f));
  if (first.length === 0) return undefined;
  return new ReleaseRelayError(
    "E_DOWNSTREAM",
    `not attempted: it comes after ${first.join(", ")}, ${what}`,
    "fix that downstream first; a rerun then does both",
  );
}

/**
 * A dispatch cannot be looked up afterwards: the ledger is what says it was sent, and a recorded
 * one is never sent again. `recorded` is undefined when the ledger's list is not known.
 */
export function dispatchSent(recorded: readonly string[] | undefined, downstream: string): boolean {
  return recorded?.includes(downstream) ?? false;
}

/**
 * Whether the downstream's release branch is known to hold no PR of this release (the ledger lists
 * the downstreams with one, and this is not among them), so it need not be looked up first.
 */
export function knownWithoutPullRequest(
  recorded: readonly string[] | undefined,
  downstream: string,
): boolean {
  return recorded !== undefined && !recorded.includes(downstream);
}
