// Which runs may ask for a release, and of what: a tag of the configured source repo, asked for by a
// run in that repo; an override of the CI gate only from a run a maintainer started by hand.
import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import type { ReleaseRequested } from "./release-requested.js";

/** The run asking, as GitHub describes it. */
export interface RequestingRun {
  repository: string;
  eventName: string;
  ref: string;
}

/** Finds the tag being released: the input, else the pushed `refs/tags/...` ref. */
export function resolveTag(input: string | undefined, ref: string): string {
  if (input) return input.replace(/^refs\/tags\//, "");
  if (ref.startsWith("refs/tags/")) return ref.slice("refs/tags/".length);
  throw new ReleaseRelayError(
    "E_INPUT",
    `no tag to release: the run is for ${JSON.stringify(ref || "no ref")}, not a tag`,
    "run the workflow on `push: tags` or `release: published`, or pass `tag:`",
  );
}

/** Refuses a run outside the source repo (a fork), and an override-reason a workflow did not get by hand. */
export function checkRequestingRun(
  run: RequestingRun,
  config: Pick<Config, "source">,
  overrideReason: string | undefined,
): void {
  if (run.repository.toLowerCase() !== config.source.repo.toLowerCase())
    throw new ReleaseRelayError(
      "E_SOURCE_REPO",
      `this run is in ${run.repository}, but release-relay.yml releases ${config.source.repo}`,
      "run the trigger only in the source repo (forks must not start releases), or fix source.repo",
    );
  if (overrideReason && run.eventName !== "workflow_dispatch")
    throw new ReleaseRelayError(
      "E_INPUT",
      `override-reason is only taken from a run a maintainer starts by hand, not from a ${run.eventName} run`,
      "pass override-reason as a workflow_dispatch input (the request-release workflow's own)",
    );
}

/** The event a request names: a tag push, a published release, else a run started by hand. */
export function requestEvent(eventName: string): ReleaseRequested["trigger"]["event"] {
  return eventName === "release" ? "release" : eventName === "push" ? "push" : "workflow_dispatch";
}
