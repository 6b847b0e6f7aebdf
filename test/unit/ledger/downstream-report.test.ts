import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { ReleaseRelayError } from "../../../src/core/errors.js";
import { reportToEvent } from "../../../src/core/ledger/downstream-report.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8"),
);
const AT = "2025-01-07T12:00:00Z";
const merged = (repo: string) => ({
  schemaVersion: 1,
  releaseId: "valkey@8.0.2",
  repo,
  kind: "merged",
  runId: "5",
});
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseRelayError);
    const { code, message, hint } = error as ReleaseRelayError;
    return { code, message, hint };
  }
  return "accepted";
};

describe("reportToEvent", () => {
  it("records a report from a configured downstream repo, whatever the case of its name", () => {
    expect(reportToEvent(merged("Valkey-IO/valkey-hashes"), config, "8.0.2", AT)).toEqual({
      id: "report:hashes:merged",
      at: AT,
      type: "pull-request-closed",
      downstream: "hashes",
      merged: true,
    });
  });

  it.each([
    ["a repo the config does not name", "someone/valkey-hashes"],
    ["the source repo, which is no downstream", "valkey-io/valkey"],
    ["the automation repo, which is no downstream", "valkey-io/valkey-release-automation"],
  ])("refuses a report from %s", (_what, repo) => {
    expect(refusal(() => reportToEvent(merged(repo), config, "8.0.2", AT))).toEqual({
      code: "E_PAYLOAD",
      message: `downstream report from ${repo}, which is not a downstream in release-relay.yml`,
      hint: "only configured downstream repos may report; add it to downstream or ignore the report",
    });
  });

  it("refuses a report for another release of the project", () => {
    expect(
      refusal(() =>
        reportToEvent(
          { ...merged("valkey-io/valkey-hashes"), releaseId: "valkey@8.0.1" },
          config,
          "8.0.2",
          AT,
        ),
      ),
    ).toMatchObject({
      code: "E_PAYLOAD",
      message: "downstream report is for valkey@8.0.1, not valkey@8.0.2",
    });
  });
});
