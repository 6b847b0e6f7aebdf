import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { jobOutcomeEvents } from "../../../src/core/ledger/job-outcome-events.js";
import { targetArtifacts } from "../../../src/core/request/plan.js";
import { parseVersion } from "../../../src/core/request/version.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8"),
);
const version = parseVersion("8.0.2");
const run = { runId: "100-1", workflowRunId: "100" };
const at = "2025-01-07T10:30:00Z";

describe("a job's outcome, recorded in one commit", () => {
  it("records a failed qualify stage with the targets whose logs say so, and their logs", () => {
    const [target] = targetArtifacts(config, version).map((t) => t.target);
    const events = jobOutcomeEvents(
      {
        jobResults: JSON.stringify({ build: "success", qualify: "failure" }),
        qualifyLogs: [{ file: `${target}.log`, text: "FAIL: server did not start\n" }],
      },
      config,
      version,
      run,
      at,
    );
    expect(events.map((e) => e.id)).toEqual([
      "stage:build:succeeded:100-1",
      "stage:qualify:failed:100-1",
      `qualification-failed:${target}:100-1`,
    ]);
    expect(events[1]).toMatchObject({
      detail: `the qualify command failed on ${target}; nothing was signed or uploaded`,
    });
  });

  it("records nothing for a job that reported nothing", () => {
    expect(jobOutcomeEvents({}, config, version, run, at)).toEqual([]);
  });

  it("refuses a job-results input that is not JSON before anything is recorded", () => {
    expect(() => jobOutcomeEvents({ jobResults: "{build: ok" }, config, version, run, at)).toThrow(
      /job-results is not JSON/,
    );
  });
});
