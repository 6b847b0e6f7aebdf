import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReleaseRequested } from "../../src/core/request/release-requested.js";
import { parseVersion } from "../../src/core/request/version.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { runBundledAction } from "../support/run-action.js";
import { seedReleasableCommit } from "../support/source-ci.js";

const configPath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const SOURCE = "valkey-io/valkey";
const AUTOMATION = "valkey-io/valkey-release-automation";
let emulator: GitHubEmulator;
let sha: string;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(SOURCE, { files: { "src/server.c": "int main(void) { return 0; }\n" } });
  await emulator.createRepo(AUTOMATION);
  sha = await seedReleasableCommit(emulator, SOURCE);
  await seedReleasableCommit(emulator, SOURCE, { line: "8.1", tag: "8.1.0-rc1" });
  emulator.addToken("app", { login: "release-relay[bot]", repos: { [AUTOMATION]: ["contents:write"] } });
  // The repository_dispatch as GitHub delivers it: the sender is the dispatch token's account.
  const event = join(mkdtempSync(join(tmpdir(), "build-matrix-event-")), "event.json");
  writeFileSync(
    event,
    JSON.stringify({ action: "release-requested", sender: { login: "valkey-release-bot" } }),
  );
  env = {
    GITHUB_REPOSITORY: AUTOMATION,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: emulator.url,
    GITHUB_EVENT_NAME: "repository_dispatch",
    GITHUB_EVENT_PATH: event,
  };
});
afterAll(async () => {
  await emulator.stop();
});

const payload = (tag: string) =>
  JSON.stringify(
    buildReleaseRequested("valkey", parseVersion(tag), sha, SOURCE, {
      actor: "maintainer",
      event: "push",
      at: "2025-01-07T10:00:00Z",
    }),
  );

describe("dist/build-matrix run as the Actions runner runs it", () => {
  it("turns a release-requested payload GitHub confirms into matrix, version and plan outputs and a summary", async () => {
    const result = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, token: "app", payload: payload("8.0.2") },
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
    expect(result.stdout).toContain(`tag 8.0.2 of ${SOURCE} points at ${sha} on 8.0`);
    expect(result.summary).toContain("| linux-jammy-arm64 | `ubuntu-22.04-arm` |");
  });

  it("plans a rerun from the version and the original request time identically", async () => {
    const fromPayload = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, token: "app", payload: payload("8.1.0-rc1") },
      env,
    );
    const rerun = await runBundledAction(
      "build-matrix",
      {
        "config-path": configPath,
        token: "app",
        version: "8.1.0-rc1",
        "requested-at": "2025-01-07T10:00:00Z",
      },
      env,
    );
    expect(rerun.exitCode).toBe(0);
    // The plan made from the payload also names who GitHub confirmed asked (nobody here) and notes it.
    const { unverified: _, ...planned } = JSON.parse(fromPayload.outputs.plan ?? "{}");
    expect(JSON.parse(rerun.outputs.plan ?? "")).toEqual(planned);
    expect(rerun.outputs.prerelease).toBe("true");
  });

  it("plans a rerun by version for a project whose tags start with v, from the tag tags.pattern gives it", async () => {
    await seedReleasableCommit(emulator, SOURCE, { line: "8.0", tag: "v8.0.2" });
    const vConfig = join(mkdtempSync(join(tmpdir(), "build-matrix-v-")), "release-relay.yml");
    writeFileSync(
      vConfig,
      readFileSync(configPath, "utf8").replace('pattern: "^(?<version>', 'pattern: "^v(?<version>'),
    );
    const templates = join(import.meta.dirname, "../../examples/valkey/templates");
    cpSync(templates, join(vConfig, "../templates"), { recursive: true });
    for (const version of ["8.0.2", "v8.0.2"]) {
      const rerun = await runBundledAction(
        "build-matrix",
        { "config-path": vConfig, token: "app", version },
        env,
      );
      expect(rerun.stdout, version).not.toContain("::error::");
      expect(rerun.exitCode, version).toBe(0);
      expect(JSON.parse(rerun.outputs.plan ?? "{}"), version).toMatchObject({
        version: "8.0.2",
        tag: "v8.0.2",
      });
    }
  });

  it("fails with the reason and no outputs for a payload that does not validate", async () => {
    const bad = JSON.stringify({ ...JSON.parse(payload("8.0.2")), schemaVersion: 3 });
    const result = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, token: "app", payload: bad },
      env,
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::E_PAYLOAD: release-requested payload is invalid");
    expect(result.stdout).toContain("schemaVersion: expected schemaVersion 1 or 2, got 3");
    expect(result.outputs).toEqual({});
  });

  it("refuses a rerun tag that does not match tags.pattern, and inputs that contradict", async () => {
    const badTag = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, token: "app", version: "v8.0.2" },
      env,
    );
    expect(badTag.exitCode).toBe(1);
    expect(badTag.stdout).toContain('E_TAG_PATTERN: tag "v8.0.2" does not match');
    const both = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, token: "app", version: "8.0.2", payload: payload("8.0.2") },
      env,
    );
    expect(both.stdout).toContain("give exactly one of `payload`");
    const otherSha = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, token: "app", version: "8.0.2", sha: "b".repeat(40) },
      env,
    );
    expect(otherSha.exitCode).toBe(1);
    expect(otherSha.stdout).toContain(`input sha ${"b".repeat(40)} is not ${sha}`);
    const noToken = await runBundledAction(
      "build-matrix",
      { "config-path": configPath, version: "8.0.2" },
      env,
    );
    expect(noToken.stdout).toContain("input token: expected string, got nothing");
  });

  it("names a missing config file and how to fix it", async () => {
    const result = await runBundledAction(
      "build-matrix",
      { "config-path": "/nonexistent/release-relay.yml", token: "app", version: "8.0.2" },
      env,
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("E_CONFIG: cannot read /nonexistent/release-relay.yml: no such file");
  });
});
