// The JSON GitHub returns, typed by GitHub's OpenAPI description: each shape is a function of the
// emulator's state and of the site it serves (its API and web addresses).
import type { components } from "@octokit/openapi-types";

export type Schemas = components["schemas"];

/** Commits and tags the emulator makes carry no signature. */
export const UNSIGNED = {
  verified: false,
  reason: "unsigned",
  signature: null,
  payload: null,
  verified_at: null,
};

/**
 * What GitHub shows of a commit it signed itself: createCommitOnBranch's commits are "automatically
 * GPG signed and are marked as verified" (GitHub changelog 2021-09-13), `reason: "valid"` in the
 * REST `verification` object. The emulator keeps no real signature: it stands in for GitHub's.
 */
export function signedBy(payload: string, at: string) {
  return {
    verified: true,
    reason: "valid",
    signature: "-----BEGIN PGP SIGNATURE-----\n\n(signed by the local GitHub)\n-----END PGP SIGNATURE-----",
    payload,
    verified_at: at,
  };
}

/** Where the emulator is served: the API's address and the web pages' (one and the same locally). */
export class Site {
  constructor(
    readonly api: string,
    readonly web: string,
  ) {}

  nodeId(kind: string, id: number | string): string {
    return Buffer.from(`${kind}:${id}`).toString("base64url");
  }
}
