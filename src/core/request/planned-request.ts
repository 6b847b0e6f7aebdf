// What a plan takes from a request: a payload for this source repo and environment whose version is
// its tag's, or for a rerun the tag and the commit the ledger recorded; GitHub's verdict on the
// request is carried into the plan.

import { PRODUCTION } from "../config/environment-name.js";
import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import type { VerifiedRequest } from "../trust/request-verdict.js";
import type { ReleasePlan } from "./plan.js";
import { parseReleaseRequested, type ReleaseRequested } from "./release-requested.js";
import { parseTag, type Version } from "./version.js";
import { rerunVersion } from "./version-tag.js";

/** The version a payload asks for, once it is for this source repo and environment and its tag says so. */
export function requestedVersion(payload: ReleaseRequested, config: Config): Version {
  if (payload.sourceRepo.toLowerCase() !== config.source.repo.toLowerCase())
    throw new ReleaseRelayError(
      "E_SOURCE_REPO",
      `release requested for ${payload.sourceRepo}, but release-relay.yml releases ${config.source.repo}`,
      "dispatch only from the configured source repo",
    );
  if ((payload.environment ?? PRODUCTION) !== (config.environment ?? PRODUCTION))
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      `release requested for environment ${payload.environment ?? PRODUCTION}, but this step plans for ${config.environment ?? PRODUCTION}`,
      "pass the request's environment to every release-relay step, as release.yml does (the environment input, from client_payload.options.environment)",
    );
  const version = parseTag(payload.tag, config.tags.pattern);
  if (version.version !== payload.version)
    throw new ReleaseRelayError(
      "E_PAYLOAD",
      `payload version ${payload.version} does not match tag ${payload.tag} (${version.version})`,
      "send the payload with the trigger action",
    );
  return version;
}

/** A rerun builds the recorded commit: a `sha` input naming another is refused. */
export function checkRerunSha(sha: string | undefined, commit: string, version: Version): void {
  if (sha && sha !== commit)
    throw new ReleaseRelayError(
      "E_REQUEST_FORGED",
      `input sha ${sha} is not ${commit}, the commit GitHub and the ledger hold for ${version.tag}`,
      "leave sha empty: a rerun builds the recorded commit",
    );
}

/** The plan with what GitHub confirmed of the request: a CI override, who asked, the claims dropped. */
export function withVerifiedRequest(plan: ReleasePlan, verified: VerifiedRequest): ReleasePlan {
  return {
    ...plan,
    ...(verified.checksOverride ? { checksOverride: verified.checksOverride } : {}),
    ...(verified.by ? { requestedBy: verified.by } : {}),
    ...(verified.unverified.length ? { unverified: verified.unverified } : {}),
  };
}

/** The version a request names, when it names a valid one (its refusal is recorded on that release). */
export function refusedVersion(
  request: { payload?: string | undefined; version?: string | undefined },
  config: Config,
): Version | undefined {
  try {
    return request.payload !== undefined
      ? parseTag(parseReleaseRequested(request.payload).tag, config.tags.pattern)
      : rerunVersion(request.version as string, config.tags.pattern);
  } catch {
    return undefined;
  }
}
