import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { reviewPingsDue, versionFromTrackingTitle } from "../../../src/core/ledger/tracking.js";

const pr = (name: string, number: number, at: string): LedgerEvent => ({
  id: `pr:${name}:${number}`,
  at,
  type: "pull-request",
  downstream: name,
  repo: `acme/${name}`,
  number,
  url: `https://github.com/acme/${name}/pull/${number}`,
  action: "opened",
});
const ping = { afterHours: 24, notify: ["@acme/release-team"] };
const reportsMerge = [{ name: "hashes", mode: "pr" as const, reports: ["ci", "merge"] as const }];

describe("reviewPingsDue", () => {
  it("counts from when the current PR was opened; a replacement PR starts the clock again", () => {
    const first = deriveState([pr("hashes", 1, "2026-11-20T00:00:00Z")]);
    expect(
      reviewPingsDue(first, reportsMerge, "2026-11-21T00:00:00Z", ping, "1.0.0").map((d) => d.key),
    ).toEqual(["review-ping:hashes:1"]);
    const replaced = deriveState([
      pr("hashes", 1, "2026-11-20T00:00:00Z"),
      pr("hashes", 2, "2026-11-20T23:00:00Z"),
    ]);
    expect(reviewPingsDue(replaced, reportsMerge, "2026-11-21T00:00:00Z", ping, "1.0.0")).toEqual([]);
  });

  it("never pings for a downstream that does not report its merge, nor when review-ping is off", () => {
    const state = deriveState([pr("hashes", 1, "2026-11-01T00:00:00Z")]);
    const silent = [{ name: "hashes", mode: "pr" as const, reports: ["ci"] as const }];
    expect(reviewPingsDue(state, silent, "2026-11-21T00:00:00Z", ping, "1.0.0")).toEqual([]);
    expect(reviewPingsDue(state, reportsMerge, "2026-11-21T00:00:00Z", undefined, "1.0.0")).toEqual([]);
  });
});

describe("versionFromTrackingTitle", () => {
  it.each([
    ["Release {version}", "Release 8.0.2", "8.0.2"],
    ["Release {version}", "Release 8.1.0-rc1", "8.1.0-rc1"],
    ["[{project}] {version} (line {line})", "[valkey] 9.0.1 (line 9.0)", "9.0.1"],
    ["Release {version}", "Release notes for 8.0.2", undefined],
    ["Release {version}", "Release 8.0", undefined],
  ])("%s reads %s as %s", (template, title, version) => {
    expect(versionFromTrackingTitle(template, title)).toBe(version);
  });
});

describe("tracking.review-ping in release-relay.yml", () => {
  const config = (tracking: string) =>
    `project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
upload: { bucket: downloads.acme.test }
tracking: { repo: acme/release, ${tracking} }
`;
  it("needs someone to ping", () => {
    expect(() => parseConfig(config("review-ping: { after-hours: 24 }"))).toThrow(
      "tracking.review-ping.notify: nobody to ping: list the reviewers (e.g. @org/team) here or in tracking.notify",
    );
    expect(
      parseConfig(config('notify: ["@acme/team"], review-ping: { after-hours: 24 }')).tracking.reviewPing,
    ).toEqual({
      afterHours: 24,
    });
  });
});
