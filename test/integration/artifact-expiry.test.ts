// Artifacts as GitHub keeps them: for retention-days, then gone. download-artifact cannot get an
// expired one (asked by name it is not found; a pattern no longer matches it).
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { RehearsalHost } from "../../src/rehearsal/rehearsal-host.js";
import { STAND_IN_ACTIONS, type StandInCall } from "../../src/rehearsal/runner/stand-in-actions.js";

const REPO = "acme/release";
let emulator: GitHubEmulator;
let host: RehearsalHost;
let workDir: string;

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(REPO);
  workDir = mkdtempSync(join(tmpdir(), "artifact-expiry-"));
  host = new RehearsalHost(emulator, workDir, {
    apps: {},
    settings: new Map(),
    s3: { endpoint: "http://127.0.0.1:9", accessKeyId: "a", secretAccessKey: "b" },
    awsRoles: new Map(),
    approver: { login: "maintainer", required: false },
    firstRunId: 10,
    notify: () => {},
  });
});
afterEach(async () => {
  await emulator.stop();
});

function call(action: string, runId: number, inputs: Record<string, string>): Promise<unknown> {
  const workspace = join(workDir, `ws-${runId}-${Math.random()}`);
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, "app.tar.gz"), "binary");
  const standIn = STAND_IN_ACTIONS[action] as (c: StandInCall) => Promise<unknown>;
  return standIn({
    host,
    repo: REPO,
    runId,
    workspace,
    event: {
      name: "workflow_dispatch",
      payload: {},
      ref: "refs/heads/main",
      sha: "0".repeat(40),
      actor: "m",
    },
    inputs,
    permissions: { actions: "read", contents: "read" },
    jobToken: "job",
    where: "release.yml:1",
  }).then(() => readdirSync(workspace));
}

describe("artifacts expire", () => {
  it("are downloaded from another run until their retention-days pass, then are gone", async () => {
    await call("actions/upload-artifact", 11, {
      name: "build-linux",
      path: "app.tar.gz",
      "retention-days": "7",
    });
    const rerun = { name: "build-linux", path: "got", "run-id": "11", "github-token": "job" };
    await expect(call("actions/download-artifact", 12, rerun)).resolves.toContain("got");
    emulator.advanceClock(8 * 86_400_000);
    await expect(call("actions/download-artifact", 13, rerun)).rejects.toThrow(
      "Artifact not found for name: build-linux (run 11: it expired)",
    );
    // A pattern matches what is left, which is nothing.
    const pattern = { pattern: "build-*", path: "all", "run-id": "11", "github-token": "job" };
    await expect(call("actions/download-artifact", 14, pattern)).resolves.not.toContain("all");
  });

  it("refuses a retention outside 1 to 90 days", async () => {
    await expect(
      call("actions/upload-artifact", 11, { name: "x", path: "app.tar.gz", "retention-days": "400" }),
    ).rejects.toThrow("retention-days 400 is not 1 to 90");
  });
});
