import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pinWorkflow } from "../../../src/core/install/action-pins.js";
import { comparableWorkflow, neutralPin } from "../../../src/core/install/comparable-workflow.js";
import { withCiWorkflowNames } from "../../../src/core/setup/ci-workflow-names.js";
import { REQUEST_WORKFLOW_PATH } from "../../../src/core/setup/installed-files.js";
import { withTagFilters } from "../../../src/core/setup/request-workflow-tags.js";

const template = (path: string) =>
  readFileSync(join(import.meta.dirname, "../../../workflows-templates", path), "utf8");
const PIN = { repo: "relay-org/release-relay", sha: "a".repeat(40), version: "1.4.0" };
const OLDER = { ...PIN, sha: "b".repeat(40), version: "1.3.0" };
const NEUTRAL = neutralPin(PIN.repo, PIN.version);
const REPORT_STATUS = ".github/workflows/release-relay-report-status.yml";

describe("a workflow init installs, as compared with this version's", () => {
  const reportStatus = template("downstream/report-status.yml");
  const ours = comparableWorkflow(REPORT_STATUS, pinWorkflow(reportStatus, PIN), NEUTRAL);

  it("puts aside the pins and the CI workflow names init writes in", () => {
    const written = withCiWorkflowNames(pinWorkflow(reportStatus, OLDER), ["Tests", "Lint"]);
    expect(written).not.toBe(pinWorkflow(reportStatus, PIN));
    expect(comparableWorkflow(REPORT_STATUS, written, NEUTRAL)).toBe(ours);
  });

  it("puts aside the request workflow's tag filter (checked on its own)", () => {
    const request = pinWorkflow(template("main-repo/release.yml"), PIN);
    const filtered = withTagFilters(request, ["v[0-9]+.[0-9]+.[0-9]+"]);
    expect(filtered).not.toBe(request);
    expect(comparableWorkflow(REQUEST_WORKFLOW_PATH, filtered, NEUTRAL)).toBe(
      comparableWorkflow(REQUEST_WORKFLOW_PATH, request, NEUTRAL),
    );
  });

  it("keeps any other change: an edit by hand differs", () => {
    const edited = pinWorkflow(reportStatus, PIN).replace("runs-on: ubuntu-latest", "runs-on: ubuntu-22.04");
    expect(edited).not.toBe(pinWorkflow(reportStatus, PIN));
    expect(comparableWorkflow(REPORT_STATUS, edited, NEUTRAL)).not.toBe(ours);
  });
});
