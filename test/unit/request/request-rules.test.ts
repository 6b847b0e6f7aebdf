// The rules of a release request, on both sides: which run may ask (the trigger) and what a plan takes
// from what was asked (build-matrix).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyEnvironment } from "../../../src/core/config/environment.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { planRelease } from "../../../src/core/request/plan.js";
import {
  checkRerunSha,
  refusedVersion,
  requestedVersion,
  withVerifiedRequest,
} from "../../../src/core/request/planned-request.js";
import { buildReleaseRequested, parseReleaseRequested } from "../../../src/core/request/release-requested.js";
import { checkRequestingRun, requestEvent, resolveTag } from "../../../src/core/request/request-origin.js";
import { parseTag, parseVersion } from "../../../src/core/request/version.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/cachet/release-relay.yml"), "utf8"),
);
const SHA = "a".repeat(40);
const payload = (tag: string, overrides: { sourceRepo?: string; environment?: string } = {}) =>
  buildReleaseRequested("cachet", parseVersion(tag), SHA, overrides.sourceRepo ?? config.source.repo, {
    actor: "maintainer",
    event: "push",
    at: "2026-11-30T10:00:00Z",
    environment: overrides.environment,
  });
const request = (tag: string, overrides: { sourceRepo?: string; environment?: string } = {}) =>
  parseReleaseRequested(payload(tag, overrides));

describe("the run that asks for a release", () => {
  it("releases the tag input, else the pushed tag, and nothing for a branch", () => {
    expect(resolveTag("refs/tags/1.2.1", "refs/heads/main")).toBe("1.2.1");
    expect(resolveTag(undefined, "refs/tags/1.2.1")).toBe("1.2.1");
    expect(() => resolveTag(undefined, "refs/heads/main")).toThrow(
      'no tag to release: the run is for "refs/heads/main", not a tag',
    );
  });

  it("runs in the source repo only, and takes an override-reason only from a run started by hand", () => {
    const run = { repository: config.source.repo.toUpperCase(), eventName: "push", ref: "refs/tags/1.2.1" };
    expect(() => checkRequestingRun(run, config, undefined)).not.toThrow();
    expect(() => checkRequestingRun({ ...run, repository: "fork/cachet" }, config, undefined)).toThrow(
      `this run is in fork/cachet, but release-relay.yml releases ${config.source.repo}`,
    );
    expect(() => checkRequestingRun(run, config, "flaky test")).toThrow(
      "override-reason is only taken from a run a maintainer starts by hand, not from a push run",
    );
    expect(() =>
      checkRequestingRun({ ...run, eventName: "workflow_dispatch" }, config, "flaky"),
    ).not.toThrow();
  });

  it("names the event: a tag push, a published release, else a run started by hand", () => {
    expect(["push", "release", "workflow_dispatch", "schedule"].map(requestEvent)).toEqual([
      "push",
      "release",
      "workflow_dispatch",
      "workflow_dispatch",
    ]);
  });
});

describe("what a plan takes from a request", () => {
  it("takes a payload for this source repo and environment whose tag is its version", () => {
    expect(requestedVersion(request("1.2.1"), config).version).toBe("1.2.1");
    expect(() => requestedVersion(request("1.2.1", { sourceRepo: "other/repo" }), config)).toThrow(
      `release requested for other/repo, but release-relay.yml releases ${config.source.repo}`,
    );
    expect(() => requestedVersion(request("1.2.1", { environment: "dev" }), config)).toThrow(
      "release requested for environment dev, but this step plans for production",
    );
    expect(
      requestedVersion(request("1.2.1", { environment: "dev" }), applyEnvironment(config, "dev")).tag,
    ).toBe("1.2.1");
    expect(() => requestedVersion({ ...request("1.2.1"), version: "1.2.2" }, config)).toThrow(
      "payload version 1.2.2 does not match tag 1.2.1 (1.2.1)",
    );
  });

  it("builds a rerun from the recorded commit only", () => {
    const version = parseTag("1.2.1", config.tags.pattern);
    expect(() => checkRerunSha(undefined, SHA, version)).not.toThrow();
    expect(() => checkRerunSha(SHA, SHA, version)).not.toThrow();
    expect(() => checkRerunSha("b".repeat(40), SHA, version)).toThrow(
      `input sha ${"b".repeat(40)} is not ${SHA}, the commit GitHub and the ledger hold for 1.2.1`,
    );
  });

  it("carries what GitHub confirmed into the plan, and nothing it did not", () => {
    const plan = planRelease({
      config,
      version: parseTag("1.2.1", config.tags.pattern),
      commit: SHA,
      requestedAt: "2026-11-30T10:00:00Z",
      serverUrl: "https://github.com",
    });
    expect(
      withVerifiedRequest(plan, { commit: SHA, by: undefined, checksOverride: undefined, unverified: [] }),
    ).toEqual(plan);
    const override = { by: "maintainer", reason: "flaky", failing: ["test (failure)"] };
    expect(
      withVerifiedRequest(plan, {
        commit: SHA,
        by: "maintainer",
        checksOverride: override,
        unverified: ["x"],
      }),
    ).toEqual({ ...plan, requestedBy: "maintainer", checksOverride: override, unverified: ["x"] });
  });

  it("names the version of a refused request only when it names a valid one", () => {
    expect(refusedVersion({ payload: JSON.stringify(payload("1.2.1")) }, config)?.version).toBe("1.2.1");
    expect(refusedVersion({ version: "1.2.1" }, config)?.version).toBe("1.2.1");
    expect(refusedVersion({ version: "v1.2.1; id" }, config)).toBeUndefined();
    expect(refusedVersion({ payload: "{not json" }, config)).toBeUndefined();
  });
});
