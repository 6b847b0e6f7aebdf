import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReleaseRequested } from "../../src/core/events.js";
import { parseVersion } from "../../src/core/version.js";
import { runBundledAction } from "../support/run-action.js";

const configPath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const sha = "a5e1e98766dcc928a0428310a55d385b574a0f62";
const env = {
  GITHUB_REPOSITORY: "valkey-io/valkey-release-automation",
  GITHUB_SERVER_URL: "https://github.com",
};
const payload = (tag: string) =>
  JSON.stringify(
    buildReleaseRequested("valkey", parseVersion(tag), sha, "valkey-io/valkey", {
      actor: "maintainer",
      event: "push",
      at: "2025-01-07T10:00:00Z",
    }),
  );

describe("dist/build-matrix run as the Actions runner runs it", () => {
  it("turns a release-requested payload into matrix, version and plan outputs and a summary", async () => {
    const result = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, payload: payload("8.0.2") },
      env,
    );
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const matrix = JSON.parse(result.outputs.matrix ?? "");
    expect(matrix.include.map((m: { artifact: string }) => m.artifact)).toEqual([
      "valkey-8.0.2-jammy-x86_64.tar.gz",
      "valkey-8.0.2-jammy-arm64.tar.gz",
      "valkey-8.0.2-noble-x86_64.tar.gz",
      "valkey-8.0.2-noble-arm64.tar.gz",
    ]);
    expect(result.outputs.version).toBe("8.0.2");
    expect(result.outputs.prerelease).toBe("false");
    expect(result.outputs["release-id"]).toBe("valkey@8.0.2");
    expect(JSON.parse(result.outputs.plan ?? "").commit).toBe(sha);
    expect(result.summary).toContain("| linux-jammy-arm64 | `ubuntu-22.04-arm` |");
  });

  it("plans a rerun from version + sha + the original request time identically", async () => {
    const fromPayload = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, payload: payload("8.1.0-rc1") },
      env,
    );
    const rerun = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, version: "8.1.0-rc1", sha, "requested-at": "2025-01-07T10:00:00Z" },
      env,
    );
    expect(rerun.exitCode).toBe(0);
    expect(rerun.outputs.plan).toBe(fromPayload.outputs.plan);
    expect(rerun.outputs.prerelease).toBe("true");
  });

  it("fails with the reason and no outputs for a payload that does not validate", async () => {
    const bad = JSON.stringify({ ...JSON.parse(payload("8.0.2")), schemaVersion: 2 });
    const result = await runBundledAction("build-matrix", { "config-path": configPath, payload: bad }, env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::E_PAYLOAD: release-requested payload is invalid");
    expect(result.stdout).toContain("schemaVersion: expected one of 1, got 2");
    expect(result.outputs).toEqual({});
  });

  it("refuses a rerun tag that does not match tags.pattern, and inputs that contradict", async () => {
    const badTag = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, version: "v8.0.2", sha },
      env,
    );
    expect(badTag.exitCode).toBe(1);
    expect(badTag.stdout).toContain('E_TAG_PATTERN: tag "v8.0.2" does not match');
    const both = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, version: "8.0.2", payload: payload("8.0.2") },
      env,
    );
    expect(both.stdout).toContain("give exactly one of `payload`");
    const noSha = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, version: "8.0.2" },
      env,
    );
    expect(noSha.stdout).toContain("`version` needs `sha`");
  });

  it("names a missing config file and how to fix it", async () => {
    const result = await runBundledAction(
      "build-matrix",
      { "config-path": "/nonexistent/release-relay.yml", version: "8.0.2", sha },
      env,
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("E_CONFIG: cannot read /nonexistent/release-relay.yml: no such file");
  });
});
