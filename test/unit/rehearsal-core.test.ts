// Pure parts of the rehearsal and of recording a job's outcome: matrix expansion, trigger filters,
// runner command files, ledger events from job outputs, and the HTML dashboard.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config/parse.js";
import { dashboardContext } from "../../src/core/dashboard/context.js";
import { renderDashboardHtml } from "../../src/core/dashboard/html.js";
import { deriveState } from "../../src/core/ledger/release-state.js";
import {
  artifactEvents,
  pullRequestEvents,
  stageEventsFromJobResults,
} from "../../src/core/ledger/stage-output-events.js";
import { globRegExp as filterPattern } from "../../src/core/setup/filter-glob.js";
import { maskSecrets, parseEnvFile } from "../../src/rehearsal/runner/env-files.js";
import { expandMatrix, legName, legTitle } from "../../src/rehearsal/runner/matrix.js";
import { valkeyReleaseEvents } from "../support/release-events.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../examples/cachet/release-relay.yml"), "utf8"),
);
const AT = "2026-11-23T10:00:00Z";

describe("expandMatrix", () => {
  it("takes the product of dimensions, drops excludes and extends legs with includes", () => {
    const legs = expandMatrix(
      {
        os: ["linux", "macos"],
        arch: ["x86_64", "arm64"],
        exclude: [{ os: "macos", arch: "x86_64" }],
        include: [{ os: "linux", cc: "gcc" }, { os: "freebsd" }],
      },
      "w:1",
    );
    expect(legs).toEqual([
      { os: "linux", arch: "x86_64", cc: "gcc" },
      { os: "linux", arch: "arm64", cc: "gcc" },
      { os: "macos", arch: "arm64" },
      { os: "freebsd" },
    ]);
  });

  it("runs an include-only matrix (the plan's) as one leg per entry, named by its values", () => {
    const legs = expandMatrix(
      { include: [{ target: "linux-x86_64", env: { A: "1" } }, { target: "linux-arm64" }] },
      "w:1",
    );
    expect(legs).toHaveLength(2);
    expect(legName("build", legs[0] as Record<string, unknown>)).toBe("build (linux-x86_64)");
  });

  it("names a leg by its target in progress lines, else as GitHub does", () => {
    const leg = { target: "linux-x86_64", os: "linux", arch: "x86_64", runner: "ubuntu-24.04" };
    expect(legName("build", leg)).toBe("build (linux-x86_64, linux, x86_64, ubuntu-24.04)");
    expect(legTitle("build", leg)).toBe("build (linux-x86_64)");
    expect(legTitle("test", { os: "linux", node: 22 })).toBe("test (linux, 22)");
    expect(legTitle("plan", undefined)).toBe("plan");
  });

  it("refuses a matrix that is not a mapping or has no legs", () => {
    expect(() => expandMatrix("[]", "release.yml:40")).toThrow(
      /release.yml:40: strategy.matrix must be a mapping/,
    );
    expect(() => expandMatrix({ include: [] }, "release.yml:40")).toThrow(/no legs/);
  });
});

describe("filterPattern (GitHub's branch and tag filters)", () => {
  it("matches the tag globs of the main-repo template as GitHub does", () => {
    const stable = filterPattern("[0-9]+.[0-9]+.[0-9]+");
    expect(stable.test("8.0.2")).toBe(true);
    expect(stable.test("8.0.2-rc1")).toBe(false);
    expect(stable.test("8a0b2")).toBe(false);
    expect(filterPattern("[0-9]+.[0-9]+.[0-9]+-rc[0-9]+").test("8.1.0-rc1")).toBe(true);
  });

  it("reads the filters init derives from tags.pattern as GitHub does: prefixes, v?, a trailing *", () => {
    expect(filterPattern("v[0-9]+.[0-9]+.[0-9]+-rc[0-9]+").test("v8.1.0-rc1")).toBe(true);
    expect(filterPattern("valkey-[0-9]+.[0-9]+.[0-9]+").test("valkey-8.0.2")).toBe(true);
    expect(filterPattern("valkey-[0-9]+.[0-9]+.[0-9]+").test("valkey8.0.2")).toBe(false);
    const optionalV = filterPattern("v?[0-9]+.[0-9]+.[0-9]+");
    expect(["v8.0.2", "8.0.2", "vv8.0.2"].map((t) => optionalV.test(t))).toEqual([true, true, false]);
    expect(filterPattern("[0-9]+.[0-9]+.[0-9]+-*").test("8.1.0-beta.1")).toBe(true);
    expect(filterPattern("v*").test("v1.2.3")).toBe(true);
    expect(filterPattern("v*").test("1.2.3")).toBe(false);
  });

  it("keeps * within one path segment and lets ** cross them", () => {
    expect(filterPattern("release-relay/*").test("release-relay/1.2.1/hashes")).toBe(false);
    expect(filterPattern("release-relay/**").test("release-relay/1.2.1/hashes")).toBe(true);
  });
});

describe("runner command files", () => {
  it("reads name=value lines and heredocs, and masks secrets longest first", () => {
    expect(parseEnvFile('a=1\nplan<<EOF\n{\n "x": 1\n}\nEOF\nb=x=y\n')).toEqual({
      a: "1",
      plan: '{\n "x": 1\n}',
      b: "x=y",
    });
    expect(maskSecrets("token ghs_abcdef and ghs_abc", ["ghs_abc", "ghs_abcdef"])).toBe("token *** and ***");
  });
});

describe("ledger events from a job's outputs", () => {
  it("records stages that ran, not skipped ones; a cancelled job failed", () => {
    const events = stageEventsFromJobResults(
      '{"build": "skipped", "compute-hashes": "success", "open-downstream-prs": "cancelled"}',
      { runId: "7-1", workflowRunId: "7" },
      AT,
    );
    expect(events.map((e) => [e.id, "runId" in e ? e.runId : undefined])).toEqual([
      ["stage:compute-hashes:succeeded:7-1", "7"],
      ["stage:open-downstream-prs:failed:7-1", "7"],
    ]);
    expect(() => stageEventsFromJobResults('{"deploy": "success"}', { runId: "1" }, AT)).toThrow(
      /job-results is not valid, got {"deploy":"success"}/,
    );
  });

  it("records each PR under an id that a rerun with the same head reproduces", () => {
    const prs = JSON.stringify([
      {
        downstream: "hashes",
        repo: "cachet-io/cachet-hashes",
        outcome: "opened",
        number: 4,
        url: "https://github.com/cachet-io/cachet-hashes/pull/4",
        headSha: "a".repeat(40),
        files: ["README"],
      },
      { downstream: "website", repo: "cachet-io/cachet-website", outcome: "failed", files: [], error: "403" },
    ]);
    const first = pullRequestEvents(prs, config, "9-1", AT);
    expect(first.map((e) => e.id)).toEqual([
      `pull-request:hashes:4:${"a".repeat(40)}`,
      "downstream-failed:website:9-1",
    ]);
    const again = pullRequestEvents(prs.replace('"opened"', '"unchanged"'), config, "10-1", AT);
    expect(again[0]?.id).toBe(first[0]?.id);
    expect(() =>
      pullRequestEvents(
        JSON.stringify([{ downstream: "hashes", repo: "someone/else", outcome: "opened", files: [] }]),
        config,
        "1",
        AT,
      ),
    ).toThrow(/not a configured downstream/);
  });

  it("records published files from hashes.json and refuses anything else", () => {
    const hashes = JSON.stringify([
      {
        name: "cachet-1.2.1.tar.gz",
        kind: "source-archive",
        size: 10,
        sha256: "b".repeat(64),
        key: "releases/cachet-1.2.1.tar.gz",
        url: "https://example.org/x.tar.gz",
      },
    ]);
    expect(artifactEvents(hashes, AT)).toEqual([
      expect.objectContaining({
        id: `artifact:cachet-1.2.1.tar.gz:${"b".repeat(64)}`,
        state: "uploaded",
        size: 10,
      }),
    ]);
    expect(() => artifactEvents('[{"name": "x"}]', AT)).toThrow(/hashes-file is not valid/);
  });
});

describe("renderDashboardHtml", () => {
  it("shows the verdict, every stage, every downstream card and the files", () => {
    const state = deriveState(valkeyReleaseEvents());
    const html = renderDashboardHtml(
      state,
      dashboardContext(
        parseConfig(
          readFileSync(join(import.meta.dirname, "../../examples/valkey/release-relay.yml"), "utf8"),
        ),
        "8.0.2",
        "1".repeat(40),
      ),
      { title: "valkey 8.0.2" },
    );
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/data-stage="/g)).toHaveLength(6);
    for (const d of ["hashes", "container", "website"]) expect(html).toContain(`data-downstream="${d}"`);
    for (const a of state.artifacts) expect(html).toContain(a.name);
    expect(html).not.toMatch(/<script|src="http/);
  });

  it("escapes what reports carry and links only http(s) URLs", () => {
    const events = [
      ...valkeyReleaseEvents(),
      {
        id: "evil",
        at: AT,
        type: "downstream-failed" as const,
        downstream: "hashes",
        error: '<img src=x onerror="alert(1)">',
      },
    ];
    const state = deriveState(events);
    state.downstream[0] = {
      ...(state.downstream[0] as (typeof state.downstream)[number]),
      ciUrl: "javascript:alert(1)",
      ci: "failure",
    };
    const html = renderDashboardHtml(state, dashboardContext(config, "1.2.1", "empty"), {
      title: "<b>x</b>",
    });
    expect(html).not.toContain("<img");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
  });
});

describe("permissionForRoute", () => {
  it("names the fine-grained permission a refused call needs", async () => {
    const { permissionForRoute } = await import("../../src/adapters/github/route-permission.js");
    expect(permissionForRoute("GET", "https://api.github.com/repos/o/r/issues?labels=release")).toBe(
      '"Issues: read" on o/r',
    );
    expect(permissionForRoute("POST", "http://127.0.0.1:1/repos/o/r/pulls")).toBe(
      '"Pull requests: read and write" on o/r',
    );
    expect(permissionForRoute("PATCH", "https://ghe.example/api/v3/repos/o/r/git/refs/heads/x")).toBe(
      '"Contents: read and write" on o/r',
    );
    expect(permissionForRoute("POST", "https://api.github.com/repos/o/r/dispatches")).toBe(
      '"Contents: read and write" on o/r',
    );
    expect(permissionForRoute("GET", "https://api.github.com/rate_limit")).toBeUndefined();
  });
});
