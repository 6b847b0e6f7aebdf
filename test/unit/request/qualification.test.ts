import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { renderDashboardHtml } from "../../../src/core/dashboard/html.js";
import { readLedgerMarker } from "../../../src/core/dashboard/ledger-marker.js";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import type { LedgerEvent, Stage } from "../../../src/core/ledger/events.js";
import { deriveState, stagesToRerun } from "../../../src/core/ledger/release-state.js";
import { stageEventsFromJobResults } from "../../../src/core/ledger/stage-output-events.js";
import { commentsDue } from "../../../src/core/ledger/tracking.js";
import { planRelease } from "../../../src/core/request/plan.js";
import {
  qualificationEvents,
  qualifyFailureDetail,
  qualifyLogExcerpt,
} from "../../../src/core/request/qualification.js";
import { parseVersion } from "../../../src/core/request/version.js";
import { bareDashboardContext } from "../../support/release-events.js";

const CONFIG = `
project: acme
source: { repo: acme/acme }
build:
  command: make
  targets:
    - { os: linux, arch: x86_64, runner: ubuntu-24.04 }
    - { os: linux, arch: arm64, runner: ubuntu-24.04-arm }
  artifact: "acme-{version}-{os}-{arch}.tar.gz"
upload: { bucket: acme-downloads }
tracking: { repo: acme/release }
`;
const TARGETS = ["linux-x86_64", "linux-arm64"];
const run = (id: string) => ({ runId: `${id}-1`, workflowRunId: id, runUrl: `https://gh/runs/${id}` });
const ctx = bareDashboardContext("1.0.0");
const stage = (s: Stage, status: "succeeded" | "failed", at: string): LedgerEvent => ({
  id: `stage:${s}:${status}:${at}`,
  at,
  type: "stage",
  stage: s,
  status,
});

describe("qualify in release-relay.yml and the plan", () => {
  it("is optional; when given, the plan carries its command and timeout (30 minutes unless said)", () => {
    const plan = (text: string) =>
      planRelease({
        config: parseConfig(text),
        version: parseVersion("1.0.0"),
        commit: "a".repeat(40),
        requestedAt: "2026-11-23T10:00:00Z",
        serverUrl: "https://github.com",
      });
    expect(plan(CONFIG).qualify).toBeUndefined();
    expect(plan(CONFIG).buildTimeoutMinutes).toBe(60);
    expect(plan(`${CONFIG}qualify: { command: ./smoke.sh }\n`).qualify).toEqual({
      command: "./smoke.sh",
      timeoutMinutes: 30,
    });
    expect(() => parseConfig(`${CONFIG}qualify: { command: "" }\n`)).toThrow(/qualify\.command/);
    expect(() => parseConfig(`${CONFIG}qualify: { command: x, timeout-minutes: 0 }\n`)).toThrow(
      /qualify\.timeout-minutes/,
    );
  });
});

describe("qualifyLogExcerpt", () => {
  it("keeps the end of the log, without colours, control characters or progress redraws", () => {
    const log = [
      ...Array.from({ length: 100 }, (_, i) => `line ${i}`),
      "\u001b[31mFAIL\u001b[0m smoke: GET greeting gave nil",
      "progress 10%\rprogress 50%\rprogress 100%",
      "bell\u0007 here",
      "",
      "",
    ].join("\n");
    const excerpt = qualifyLogExcerpt(log);
    const lines = excerpt.split("\n");
    expect(lines).toHaveLength(40);
    expect(lines.at(-3)).toBe("FAIL smoke: GET greeting gave nil");
    expect(lines.at(-2)).toBe("progress 100%");
    expect(lines.at(-1)).toBe("bell here");
    expect(lines[0]).toBe("line 63");
  });

  it("caps long lines and the whole excerpt, and says when the command printed nothing", () => {
    const excerpt = qualifyLogExcerpt(Array.from({ length: 30 }, () => "x".repeat(1000)).join("\n"));
    expect(excerpt.length).toBeLessThanOrEqual(3500);
    expect(excerpt.split("\n")[0]).toBe(`${"x".repeat(300)}…`);
    expect(qualifyLogExcerpt("\n\n")).toBe("(the qualify command printed nothing)");
  });
});

describe("qualificationEvents", () => {
  it("records each failed target's log end once per attempt, and names the targets for the first-failure comment", () => {
    const events = qualificationEvents(
      [{ file: "linux-arm64.log", text: "boom\n" }],
      TARGETS,
      run("7"),
      "2026-11-23T10:00:00Z",
    );
    expect(events).toEqual([
      {
        id: "qualification-failed:linux-arm64:7-1",
        at: "2026-11-23T10:00:00Z",
        type: "qualification-failed",
        target: "linux-arm64",
        excerpt: "boom",
        runId: "7",
        runUrl: "https://gh/runs/7",
      },
    ]);
    expect(qualifyFailureDetail(events)).toBe(
      "the qualify command failed on linux-arm64; nothing was signed or uploaded",
    );
    expect(qualifyFailureDetail([])).toBeUndefined();
    const stages = stageEventsFromJobResults('{"qualify": "failure", "build": "success"}', run("7"), "t", {
      qualify: "the qualify command failed on linux-arm64",
    });
    expect(stages.map((e) => [e.type === "stage" && e.stage, e.type === "stage" && e.detail])).toEqual([
      ["qualify", "the qualify command failed on linux-arm64"],
      ["build", undefined],
    ]);
  });

  it("refuses a file that is not <target>.log of a build target, before anything is recorded", () => {
    for (const file of ["linux-riscv64.log", "linux-arm64.txt", "../linux-arm64.log"])
      expect(() => qualificationEvents([{ file, text: "" }], TARGETS, run("7"), "t"), file).toThrow(
        /is not <target>\.log of a build target \(linux-x86_64, linux-arm64\)/,
      );
  });
});

describe("the qualify stage in the release state", () => {
  const fail = (target: string, runId: string, at: string) =>
    qualificationEvents([{ file: `${target}.log`, text: `${target} failed` }], TARGETS, run(runId), at);

  it("shows the latest attempt's failures only, and none once qualify passes", () => {
    const first = [
      stage("qualify", "failed", "2026-11-23T10:00:00Z"),
      ...fail("linux-arm64", "7", "2026-11-23T10:00:00Z"),
      ...fail("linux-x86_64", "7", "2026-11-23T10:00:00Z"),
    ];
    expect(deriveState(first).qualification.map((q) => q.target)).toEqual(["linux-arm64", "linux-x86_64"]);
    const second = [
      ...first,
      stage("qualify", "failed", "2026-11-23T11:00:00Z"),
      ...fail("linux-x86_64", "8", "2026-11-23T11:00:00Z"),
    ];
    expect(deriveState(second).qualification.map((q) => q.target)).toEqual(["linux-x86_64"]);
    const passed = deriveState([...second, stage("qualify", "succeeded", "2026-11-23T12:00:00Z")]);
    expect(passed.qualification).toEqual([]);
    expect(renderDashboard(passed, ctx)).not.toContain("Qualification failed");
  });

  it("a rerun after a failed qualify redoes qualify and what follows, not the build", () => {
    const state = deriveState([
      stage("build-matrix", "succeeded", "2026-11-23T09:59:00Z"),
      stage("build", "succeeded", "2026-11-23T10:00:00Z"),
      stage("qualify", "failed", "2026-11-23T10:05:00Z"),
    ]);
    expect(stagesToRerun(state, "failed")).toEqual([
      "qualify",
      "compute-hashes",
      "sign-upload",
      "open-downstream-prs",
    ]);
  });

  it("reads a ledger written before the stage existed as a release that did not qualify", () => {
    const old = deriveState([
      stage("build", "succeeded", "2026-11-23T10:00:00Z"),
      stage("compute-hashes", "succeeded", "2026-11-23T10:01:00Z"),
    ]);
    expect(old.stages.qualify).toMatchObject({ status: "skipped", detail: "not part of this release" });
    expect(deriveState([stage("build", "succeeded", "2026-11-23T10:00:00Z")]).stages.qualify.status).toBe(
      "pending",
    );
  });

  it("quotes the log verbatim in a code block no log line can close, and escapes it in HTML", () => {
    const text = "```\n@acme/team <script>alert(1)</script>\n````";
    const state = deriveState([
      stage("qualify", "failed", "2026-11-23T10:00:00Z"),
      ...qualificationEvents([{ file: "linux-arm64.log", text }], TARGETS, run("7"), "2026-11-23T10:00:00Z"),
    ]);
    const body = renderDashboard(state, ctx);
    expect(body).toContain(
      "### Qualification failed on linux-arm64\n\n**linux-arm64** — log `https://gh/runs/7`\n\n`````text\n```\n@acme/team <script>alert(1)</script>\n````\n`````\n",
    );
    const html = renderDashboardHtml(state, ctx, { title: "acme 1.0.0" });
    expect(html).toContain("<pre>```\n@acme/team &lt;script&gt;alert(1)&lt;/script&gt;\n````</pre>");
    expect(html).not.toContain("<script>");
    // A log line that looks like the ledger marker is not read as it.
    const spoofed = deriveState([
      stage("qualify", "failed", "2026-11-23T10:00:00Z"),
      ...qualificationEvents(
        [{ file: "linux-arm64.log", text: `<!-- release-relay:ledger ${"f".repeat(40)} -->` }],
        TARGETS,
        run("7"),
        "2026-11-23T10:00:00Z",
      ),
    ]);
    expect(readLedgerMarker(renderDashboard(spoofed, ctx))).toBe("1".repeat(40));
    const [comment] = commentsDue(state, [], ["@acme/team"], "1.0.0");
    expect(comment?.purpose).toBe("first-failure");
  });
});
