import { ReleaseRelayError } from "../errors.js";

/**
 * GitHub's limits on a `repository_dispatch` client_payload: at most 10 top-level properties, and
 * the JSON must be less than 64 KB (REST "Create a repository dispatch event", `client_payload`;
 * github/rest-api-description#4093). A payload over either is refused with 422 and no run starts.
 */
export const DISPATCH_PAYLOAD_LIMITS = { topLevelProperties: 10, bytes: 64 * 1024 } as const;

/** Why GitHub would refuse this client_payload, or undefined when it fits. */
export function dispatchPayloadProblem(payload: Record<string, unknown>): string | undefined {
  const properties = Object.keys(payload).length;
  if (properties > DISPATCH_PAYLOAD_LIMITS.topLevelProperties)
    return `it has ${properties} top-level properties (GitHub allows ${DISPATCH_PAYLOAD_LIMITS.topLevelProperties})`;
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  if (bytes >= DISPATCH_PAYLOAD_LIMITS.bytes)
    return `its JSON is ${bytes} bytes (GitHub takes less than ${DISPATCH_PAYLOAD_LIMITS.bytes})`;
  return undefined;
}

/** The payload itself when GitHub would take it; a typed error naming the limit otherwise. */
export function assertDispatchPayloadFits<T extends Record<string, unknown>>(
  eventType: string,
  payload: T,
): T {
  const problem = dispatchPayloadProblem(payload);
  if (problem)
    throw new ReleaseRelayError(
      "E_PAYLOAD_TOO_LARGE",
      `the ${eventType} dispatch would be refused by GitHub: ${problem}`,
      "shorten what the payload carries (e.g. fewer or shorter artifact names and URLs in upload.key-template)",
    );
  return payload;
}
