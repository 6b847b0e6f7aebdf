import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { installedFilesFinding } from "../../../src/core/setup/doctor.js";
import {
  INSTALLED_FILES,
  installedFilesByRepo,
  VENDORED_ACTIONS,
} from "../../../src/core/setup/installed-files.js";

const config = parseConfig(`project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
signing: { method: none }
upload: { bucket: downloads.acme.test, prefix: releases/ }
downstream:
  - { name: hashes, repo: acme/hashes, mode: pr, edits: [{ kind: append-line, file: README, line: "{version}" }] }
  - { name: docs, repo: acme/docs, mode: push, edits: [{ kind: append-line, file: README, line: "{version}" }] }
  - { name: site, repo: acme/site, mode: dry-run, edits: [{ kind: append-line, file: README, line: "{version}" }] }
tracking: { repo: acme/release }
`);

describe("the files init installs, by repo", () => {
  const byRepo = installedFilesByRepo(config, (f) => f.from ?? "written by init");

  it("puts the trigger in the source repo, workflows and every vendored action in the automation repo", () => {
    expect([...(byRepo.get("acme/demo")?.keys() ?? [])].sort()).toEqual([
      ".github/release-relay/action.yml",
      ".github/release-relay/dist/trigger/index.js",
      ".github/release-relay/package.json",
      ".github/workflows/release-relay.yml",
    ]);
    const automation = byRepo.get("acme/release");
    for (const name of VENDORED_ACTIONS) {
      expect(automation?.get(`dist/${name}/index.js`)).toBe(`dist/${name}/index.js`);
      expect(automation?.get(`actions/${name}/action.yml`)).toBe(`actions/${name}/action.yml`);
    }
    expect(automation?.get(".github/workflows/release.yml")).toBe(
      "workflows-templates/automation/release.yml",
    );
    expect(automation?.get("dist/package.json")).toBe("written by init");
    expect(automation?.has("release-relay.yml")).toBe(false);
  });

  it("gives the report-status workflow to each downstream that gets PRs or pushes, and none to a dry-run one", () => {
    for (const repo of ["acme/hashes", "acme/docs"])
      expect([...(byRepo.get(repo)?.keys() ?? [])]).toEqual([
        ".github/workflows/release-relay-report-status.yml",
      ]);
    expect(byRepo.has("acme/site")).toBe(false);
  });

  it("writes the ES-module marker itself, beside both vendored bundle folders", () => {
    const written = INSTALLED_FILES.filter((f) => f.content !== undefined);
    expect(written.map((f) => f.path)).toEqual(["dist/package.json", ".github/release-relay/package.json"]);
    for (const f of written) expect(JSON.parse(f.content as string)).toMatchObject({ type: "module" });
  });
});

describe("comparing a repo's files with this version's", () => {
  const expected = new Map([
    ["dist/trigger/index.js", "a"],
    [".github/workflows/release-relay.yml", "b"],
  ]);

  it("fails vendored code of another version, or only warns when the caller says so", () => {
    const actual = new Map([
      ["dist/trigger/index.js", "old"],
      [".github/workflows/release-relay.yml", "b"],
    ]);
    expect(installedFilesFinding("acme/demo", expected, actual)).toMatchObject({
      ok: false,
      problem: "from another release-relay version: dist/trigger/index.js",
    });
    expect(installedFilesFinding("acme/demo", expected, actual, "warn")).toMatchObject({
      ok: true,
      warn: true,
      problem: "from another release-relay version: dist/trigger/index.js",
    });
  });

  it("fails a missing file even when other versions only warn; names an edited workflow with old code", () => {
    expect(
      installedFilesFinding("acme/demo", expected, new Map([["dist/trigger/index.js", "a"]]), "warn"),
    ).toMatchObject({ ok: false, problem: "missing .github/workflows/release-relay.yml" });
    const both = installedFilesFinding(
      "acme/demo",
      expected,
      new Map([
        ["dist/trigger/index.js", "old"],
        [".github/workflows/release-relay.yml", "edited"],
      ]),
      "warn",
    );
    expect(both.ok).toBe(true);
    expect(both.problem).toContain("from another release-relay version: dist/trigger/index.js");
    expect(both.problem).toContain(
      "changed by hand, or from another version): .github/workflows/release-relay.yml",
    );
  });
});
