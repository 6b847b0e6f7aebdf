import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { earlierKeysUsed } from "../../../src/core/config/earlier-keys.js";
import {
  foreignFiles,
  isReleaseRelayCopy,
  layoutOf,
  upgradeChanges,
  withProjectParts,
} from "../../../src/core/install/upgrade-plan.js";
import { ciWorkflowNamesIn, withCiWorkflowNames } from "../../../src/core/setup/ci-workflow-names.js";
import { INSTALLED_FILES } from "../../../src/core/setup/installed-files.js";

const reportStatus = readFileSync(
  join(import.meta.dirname, "../../../workflows-templates/downstream/report-status.yml"),
  "utf8",
);

describe("what an upgrade changes", () => {
  it("lists created, updated and removed files, never an unchanged one or the removal of an absent one", () => {
    expect(
      upgradeChanges([
        { path: "a", current: "x", next: "x" },
        { path: "b", current: undefined, next: "new" },
        { path: "c", current: "old", next: "new" },
        { path: "d", current: "copy", next: undefined },
        { path: "e", current: undefined, next: undefined },
      ]).map((c) => `${c.action} ${c.path}`),
    ).toEqual(["create b", "update c", "remove d"]);
  });

  it("keeps each checkout's layout: vendored while it holds a vendored copy", () => {
    const vendoredPaths = ["actions/doctor/action.yml", "dist/doctor/index.js"];
    expect(layoutOf((p) => p === "dist/doctor/index.js", vendoredPaths)).toBe("vendored");
    expect(layoutOf(() => false, vendoredPaths)).toBe("pinned");
  });

  it("keeps the CI workflow names a downstream's report-status workflow follows", () => {
    const path = "/x/hashes/.github/workflows/release-relay-report-status.yml";
    const current = withCiWorkflowNames(reportStatus, ["Check hashes", "Lint"]);
    const next = `${reportStatus}# this version's change\n`;
    const kept = withProjectParts(path, current, next);
    expect(ciWorkflowNamesIn(kept)).toEqual(["Check hashes", "Lint"]);
    expect(kept).toContain("# this version's change");
    expect(withProjectParts(path, undefined, next)).toBe(next);
    expect(withProjectParts("/x/release.yml", current, next)).toBe(next);
  });

  it("names every earlier key a config still uses, by its path", () => {
    expect(
      earlierKeysUsed({
        downstream: [{ name: "a" }, { name: "b", "report-back": {} }],
        senders: { "downstream-status": ["x[bot]"] },
      }),
    ).toEqual([
      "downstream[1].report-back → downstream[1].reports",
      "senders.downstream-status → senders.downstream-report",
    ]);
    expect(earlierKeysUsed({ downstream: [{ reports: {} }] })).toEqual([]);
  });

  it("knows every file release-relay installs as its own, and nothing of the project's", () => {
    const root = join(import.meta.dirname, "../../..");
    for (const f of INSTALLED_FILES) {
      const text = f.content ?? readFileSync(join(root, f.from as string), "utf8");
      expect(isReleaseRelayCopy(text, f.content), f.path).toBe(true);
    }
    expect(isReleaseRelayCopy('{ "name": "mine" }\n', '{\n  "type": "module"\n}\n')).toBe(false);
    expect(isReleaseRelayCopy("name: CI\non: [push]\n")).toBe(false);
    const changes = upgradeChanges([
      { path: "dist/package.json", current: '{ "name": "mine" }\n', next: undefined },
      {
        path: "dist/yank/index.js",
        current: "// Bundled by release-relay's scripts/build.mjs; old\n",
        next: undefined,
      },
      { path: ".github/workflows/release.yml", current: undefined, next: "# Installed in …" },
    ]);
    expect(foreignFiles(changes, () => undefined)).toEqual(["dist/package.json"]);
  });
});
