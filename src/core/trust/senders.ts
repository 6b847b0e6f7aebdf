import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";

/** The dispatch events the automation repo receives from outside. */
export type DispatchEventType = "release-requested" | "downstream-report";

/**
 * Whether `sender` may send `eventType`. GitHub sets a dispatch's sender from the token that called the
 * API, so this is a fact, unlike anything in the payload. Throws E_SENDER with the line to add.
 */
export function assertSenderAllowed(config: Config, eventType: DispatchEventType, sender: string): void {
  const key = eventType === "release-requested" ? "releaseRequested" : "downstreamReport";
  const allowed = config.senders?.[key];
  if (allowed?.some((login) => login.toLowerCase() === sender.toLowerCase())) return;
  const who =
    eventType === "release-requested"
      ? "the account of the main repo's dispatch token (or its GitHub App, as name[bot])"
      : "the account of the downstream repos' report token (or its GitHub App, as name[bot])";
  throw new ReleaseRelayError(
    "E_SENDER",
    allowed
      ? `${eventType} was sent by ${sender}, who is not in senders.${eventType} (${allowed.join(", ")}) of release-relay.yml; it was refused and changed nothing`
      : `${eventType} was sent by ${sender}, but release-relay.yml names no senders.${eventType}: nobody is trusted to send it, so it was refused and changed nothing`,
    `if ${sender} is ${who}, add it under senders.${eventType} in release-relay.yml; otherwise someone holding a token with write access to the automation repo sent it: revoke that token`,
  );
}

/**
 * How many refused events a release's ledger keeps. Each refusal is one line, but anyone holding a
 * dispatch-capable token could send thousands; past this many the refusal only fails its run.
 */
export const REFUSED_EVENTS_KEPT = 20;

/** Whether one more refused event may be recorded in a ledger holding `events`. */
export const mayRecordRefusal = (events: readonly { type: string }[]): boolean =>
  events.filter((e) => e.type === "refused").length < REFUSED_EVENTS_KEPT;
