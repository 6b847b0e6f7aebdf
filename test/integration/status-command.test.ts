// `release-relay status` for a real automation repo, and for a kept rehearsal (--keep DIR): the
// ledger read through the API with the product's own client, the dashboard printed and written as HTML.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/adapters/github/client.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { runCli } from "../../src/cli/main.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { setEnv } from "../support/process-env.js";

let github: GitHubEmulator;
let dir = "";

async function status(args: string[]) {
  const restore = setEnv({ GITHUB_TOKEN: "reader" });
  const lines: string[] = [];
  try {
    const code = await runCli(
      ["status", ...args, "--config", join(dir, "release-relay.yml"), "--api-url", github.url],
      (t) => lines.push(t),
    );
    return { code, text: lines.join("\n") };
  } finally {
    restore();
  }
}

beforeAll(async () => {
  github = new GitHubEmulator();
  await github.start();
  github.addToken("writer", { login: "bot[bot]", repos: { "acme/release": ["contents:write"] } });
  github.addToken("reader", { login: "maintainer", repos: { "acme/release": ["contents:read"] } });
  await github.createRepo("acme/release");
  dir = mkdtempSync(join(tmpdir(), "status-cli-"));
  writeFileSync(
    join(dir, "release-relay.yml"),
    `project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
signing: { method: none }
upload: { bucket: downloads.acme.test, prefix: releases/ }
downstream:
  - { name: hashes, repo: acme/hashes, mode: pr, edits: [{ kind: append-line, file: README, line: "{version}" }] }
tracking: { repo: acme/release }
`,
  );
  const store = new LedgerStore(
    createGitHubClient({ token: "writer", baseUrl: github.url }),
    "acme/release",
    "1.0.1",
  );
  await store.append({
    id: "stage:build-matrix:started:1",
    at: "2025-01-07T10:00:00Z",
    type: "stage",
    stage: "build-matrix",
    status: "started",
    runUrl: `${github.url}/acme/release/actions/runs/1`,
  });
});

afterAll(async () => {
  await github.stop();
});

describe("release-relay status", () => {
  it("prints a release's dashboard from its ledger in the automation repo, and writes it as HTML", async () => {
    const html = join(dir, "status.html");
    const { code, text } = await status(["1.0.1", "--html", html]);
    expect(code).toBe(0);
    expect(text).toContain("1.0.1");
    expect(text).toContain(`${github.url}/acme/release/actions/runs/1`);
    expect(text).not.toContain("<!--");
    expect(text).toContain(`HTML dashboard: ${html}`);
    expect(existsSync(html) && readFileSync(html, "utf8")).toContain("<html");
  });

  it("reads a kept rehearsal's ledger with --keep DIR, serving its world again, no token needed", async () => {
    // A world as `rehearse --keep` leaves it: the emulator's repos and state, its config and token.
    const world = mkdtempSync(join(tmpdir(), "status-kept-"));
    const kept = new GitHubEmulator({ dir: world });
    await kept.start();
    try {
      kept.addToken("writer", { login: "bot[bot]", repos: { "acme/release": ["contents:write"] } });
      await kept.createRepo("acme/release");
      await new LedgerStore(
        createGitHubClient({ token: "writer", baseUrl: kept.url }),
        "acme/release",
        "1.0.2",
      ).append({
        id: "stage:build-matrix:started:7",
        at: "2025-01-07T10:00:00Z",
        type: "stage",
        stage: "build-matrix",
        status: "started",
      });
      writeFileSync(join(world, "emulator-state.json"), kept.dump());
    } finally {
      await kept.stop();
    }
    writeFileSync(join(world, "release-relay.yml"), readFileSync(join(dir, "release-relay.yml")));
    writeFileSync(
      join(world, "world.json"),
      JSON.stringify({ credentials: { maintainerToken: "kept-token" } }),
    );
    const restore = setEnv({ GITHUB_TOKEN: undefined });
    const lines: string[] = [];
    try {
      expect(await runCli(["status", "1.0.2", "--keep", world], (t) => lines.push(t))).toBe(0);
    } finally {
      restore();
    }
    expect(lines.join("\n")).toContain("| Plan | 🔵 running | since 10:00 UTC | 1 |");
    expect(lines.join("\n")).toContain(
      "1 events in the ledger, last at 2025-01-07T10:00:00Z · release 1.0.2",
    );
  });

  it("says so when the version has no ledger", async () => {
    const { code } = await status(["9.9.9"]);
    expect(code).toBe(1);
  });
});
