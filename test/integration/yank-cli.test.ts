// `release-relay yank` from a terminal: the CLI against the GitHub emulator and the local S3, for a
// release whose PR was never opened (the source archive and manifest published, nothing merged);
// then `yank --keep DIR` refusing what is not a kept rehearsal (a kept rehearsal's yank from a
// terminal is in yank.test.ts, on the world yanked there).
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createGitHubClient } from "../../src/adapters/github/client.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { runCli } from "../../src/cli/main.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { LOCAL_S3_CREDENTIALS, LocalS3 } from "../../src/rehearsal/s3/local-s3.js";
import { setEnv } from "../support/process-env.js";
import { cli } from "../support/rehearsal-checks.js";
import { spawnCollect } from "../support/spawn-collect.js";

const BUCKET = "downloads.acme.test";
let github: GitHubEmulator;
let s3: LocalS3;
let config = "";
const archive = Buffer.from("the demo 1.0.1 source\n");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function yank(args: string[]) {
  const restore = setEnv({
    GITHUB_TOKEN: "good",
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  });
  const lines: string[] = [];
  try {
    const code = await runCli(
      ["yank", ...args, "--config", config, "--api-url", github.url, "--by", "alice"],
      (t) => lines.push(t),
    );
    return { code, text: lines.join("\n") };
  } finally {
    restore();
  }
}

const exists = async (key: string) =>
  s3
    .client()
    .send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
    .then(
      () => true,
      () => false,
    );

beforeAll(async () => {
  github = new GitHubEmulator();
  await github.start();
  github.addToken("good", {
    login: "bot[bot]",
    repos: { "*": ["contents:write", "pull_requests:write", "issues:write"] },
  });
  for (const repo of ["acme/demo", "acme/release", "acme/hashes"])
    await github.createRepo(repo, { files: { README: "x\n" } });
  s3 = new LocalS3();
  await s3.start([BUCKET]);
  config = join(mkdtempSync(join(tmpdir(), "yank-cli-")), "release-relay.yml");
  writeFileSync(
    config,
    `project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
signing: { method: none }
upload: { bucket: ${BUCKET}, prefix: releases/, endpoint: "${s3.endpoint}" }
downstream:
  - { name: hashes, repo: acme/hashes, mode: pr, edits: [{ kind: append-line, file: README, line: "{version}" }] }
tracking: { repo: acme/release }
`,
  );
  // The release was requested and published; its PR was never opened.
  const store = new LedgerStore(
    createGitHubClient({ token: "good", baseUrl: github.url }),
    "acme/release",
    "1.0.1",
  );
  await store.append({
    id: "request",
    at: "2026-11-23T10:00:00Z",
    type: "request",
    tag: "1.0.1",
    commit: "a".repeat(40),
    requestedAt: "2026-11-23T10:00:00Z",
  });
  const manifest = Buffer.from(
    JSON.stringify([
      {
        name: "demo-1.0.1.tar.gz",
        kind: "source-archive",
        size: archive.length,
        sha256: sha(archive),
        key: "releases/demo-1.0.1.tar.gz",
      },
    ]),
  );
  const client = s3.client();
  for (const [key, body] of [
    ["releases/demo-1.0.1.tar.gz", archive],
    ["releases/demo-1.0.1-hashes.json", manifest],
  ] as const)
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: { sha256: sha(body) } }),
    );
});

afterAll(async () => {
  await s3.stop();
  await github.stop();
});

describe("release-relay yank (CLI)", () => {
  it("refuses a yank without a reason, naming the flag", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect((await yank(["1.0.1"])).code).toBe(1);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/^release-relay yank: E_INPUT: --reason: /);
    } finally {
      stderr.mockRestore();
    }
  });

  it("previews, then yanks: the ledger records it, the objects move, the issue closes; a second run changes nothing", async () => {
    const mark = github.log.mark();
    const preview = await yank(["1.0.1", "--reason", "wrong archive", "--dry-run"]);
    expect(preview.code).toBe(0);
    expect(preview.text).toContain("hashes (acme/hashes): nothing — no pull request was opened (mode pr)");
    expect(preview.text).toContain("    releases/demo-1.0.1.tar.gz\n");
    // Only what is there: the archive and the manifest, not the signing keys never published.
    expect(preview.text).toContain("  storage: 2 objects moved under releases/yanked/");
    expect(preview.text).not.toContain("release-key");
    expect(preview.text).toContain("  storage: moved — would move 2 objects");
    expect(github.log.calls({ since: mark }).filter((c) => c.mutating)).toEqual([]);
    expect(await exists("releases/demo-1.0.1.tar.gz")).toBe(true);

    const done = await yank(["1.0.1", "--reason", "wrong archive"]);
    expect(done.code, done.text).toBe(0);
    const ledger = new LedgerStore(
      createGitHubClient({ token: "good", baseUrl: github.url }),
      "acme/release",
      "1.0.1",
    );
    const { events } = await ledger.read();
    expect(events.map((e) => e.id)).toEqual([
      "request",
      "yank",
      "yank:hashes:nothing-to-do",
      "yank:storage:moved",
      "tracking-issue:1",
      "comment:yanked",
    ]);
    expect(events[1]).toMatchObject({ type: "yank", reason: "wrong archive", by: "alice" });
    expect(done.text).toContain("storage: moved — 2 objects under releases/yanked/");
    expect(await exists("releases/demo-1.0.1.tar.gz")).toBe(false);
    expect(await exists("releases/yanked/demo-1.0.1.tar.gz")).toBe(true);
    expect(await exists("releases/yanked/demo-1.0.1-hashes.json")).toBe(true);
    const issue = github.state.repos["acme/release"]?.issues.find((i) => !i.isPull);
    expect(issue?.state).toBe("closed");
    expect(issue?.body).toContain("> ⛔ **Yanked** by alice");

    const again = github.log.mark();
    expect((await yank(["1.0.1", "--reason", "another reason"])).code).toBe(0);
    expect(github.log.calls({ since: again }).filter((c) => c.mutating)).toEqual([]);
  });
});

/** The bundled CLI with neither a GitHub token nor AWS credentials: a kept world needs none. */
function relay(...args: string[]) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(GITHUB_TOKEN|GH_TOKEN|AWS_.*)$/.test(key)) delete env[key];
  return spawnCollect(process.execPath, [cli, ...args], { env });
}

describe("release-relay yank --keep (a kept rehearsal)", () => {
  it("refuses a directory that is not a kept world, saying how to make one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "not-a-world-"));
    const result = await relay("yank", "1.2.1", "--reason", "the arm64 build crashes", "--keep", dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `release-relay yank: E_INPUT: ${dir} is not a kept rehearsal world (it has no world.json) — make one with release-relay rehearse --keep NEW_DIR (a directory that does not exist yet), then pass NEW_DIR to --keep\n`,
    );
  });
});
