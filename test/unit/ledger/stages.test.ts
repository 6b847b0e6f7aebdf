import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderDashboardHtml } from "../../../src/core/dashboard/html.js";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { STAGE_JOBS, STAGE_LABEL, STAGE_TABLE, STAGES } from "../../../src/core/ledger/stages.js";
import { valkeyExpectations as expected, valkeyReleaseEvents } from "../../support/release-events.js";

type Job = { steps?: { uses?: string }[] };
const release = parse(
  readFileSync(join(import.meta.dirname, "../../../workflows-templates/automation/release.yml"), "utf8"),
) as { jobs: Record<string, Job> };

const ctx = {
  version: "8.0.2",
  ledgerHead: "1".repeat(40),
  expected,
  rerunCommand: "gh workflow run release.yml -f version=8.0.2 -f stages=failed",
  yankCommand: "gh workflow run yank.yml -f version=8.0.2",
};

describe("the stage table", () => {
  it("is the one source of the stage ids, their jobs and their labels", () => {
    expect(STAGES).toEqual(STAGE_TABLE.map((s) => s.id));
    for (const s of STAGE_TABLE) {
      expect(STAGE_JOBS[s.id]).toBe(s.job);
      expect(STAGE_LABEL[s.id]).toBe(s.label);
    }
  });

  it("names the jobs of the automation repo's release.yml", () => {
    for (const s of STAGE_TABLE) expect(Object.keys(release.jobs), s.id).toContain(s.job);
  });

  it("puts each stage that is an action in the job the table names", () => {
    for (const s of STAGE_TABLE) {
      const jobs = Object.entries(release.jobs)
        .filter(([, job]) => job.steps?.some((step) => step.uses === `./actions/${s.id}`))
        .map(([name]) => name);
      if (jobs.length > 0) expect(jobs, s.id).toEqual([s.job]);
    }
  });

  it("is the table the README shows", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8");
    for (const s of STAGE_TABLE) expect(readme).toContain(`| \`${s.id}\` | \`${s.job}\` | ${s.label} |`);
  });

  it("labels the stages of both dashboards", () => {
    const state = deriveState(valkeyReleaseEvents());
    const markdown = renderDashboard(state, ctx);
    const html = renderDashboardHtml(state, ctx, { title: "valkey 8.0.2" });
    for (const s of STAGE_TABLE) {
      expect(markdown).toContain(`| ${s.label} | ✅ succeeded |`);
      expect(html).toContain(`data-stage="${s.id}"><strong>${s.label.replace("&", "&amp;")}</strong>`);
    }
  });
});
