import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { decodeContent, readRepoFile } from "../../src/adapters/github/repo-files.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { ReleaseRelayError } from "../../src/core/errors.js";
import type { LedgerEvent } from "../../src/core/ledger/events.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";

const REPO = "acme/automation";
let emulator: GitHubEmulator;
let github: GitHubClient;

/** About 1.3 MB of text, lines numbered so a lost or reordered line shows. */
const large = `${Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(56)}`).join("\n")}\n`;

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(REPO, { files: { "big.txt": large, "small.txt": "small\n" } });
  emulator.addToken("t", { login: "release-bot[bot]", repos: { [REPO]: ["contents:write"] } });
  github = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
});
afterEach(async () => {
  await emulator.stop();
});

describe("files over 1 MB, as GitHub serves them", () => {
  it("the contents API answers a file over 1 MB with no content and encoding none; its blob has it all", async () => {
    const { data } = await github.rest.repos.getContent({
      owner: "acme",
      repo: "automation",
      path: "big.txt",
    });
    expect(Array.isArray(data)).toBe(false);
    const file = data as { encoding: string; content: string; size: number; sha: string };
    expect(file).toMatchObject({ encoding: "none", content: "", size: Buffer.byteLength(large) });
    const { data: blob } = await github.rest.git.getBlob({
      owner: "acme",
      repo: "automation",
      file_sha: file.sha,
    });
    expect(Buffer.from(blob.content, "base64").toString("utf8")).toBe(large);
    const { data: small } = await github.rest.repos.getContent({
      owner: "acme",
      repo: "automation",
      path: "small.txt",
    });
    expect(small).toMatchObject({ encoding: "base64", size: 6 });
  });

  it("readRepoFile reads a file over 1 MB whole, and decoding encoding none fails loudly", async () => {
    expect(await readRepoFile(github, REPO, "big.txt")).toBe(large);
    expect(await readRepoFile(github, REPO, "small.txt")).toBe("small\n");
    expect(await readRepoFile(github, REPO, "missing.txt")).toBeUndefined();
    const refused = (() => {
      try {
        return decodeContent({ encoding: "none", content: "" }, "big.txt");
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ReleaseRelayError);
    expect((refused as ReleaseRelayError).message).toMatch(/encoding "none"/);
  });

  it("a ledger grown past 1 MB is still read and updated, every event kept", async () => {
    const store = new LedgerStore(github, REPO, "8.0.2");
    const stage = (i: number): LedgerEvent => ({
      id: `stage:build:${i}`,
      at: "2025-01-07T10:00:00Z",
      type: "stage",
      stage: "build",
      status: "started",
      detail: `${i} ${"d".repeat(1990)}`,
    });
    await store.appendAll(Array.from({ length: 600 }, (_, i) => stage(i)));
    const ledgerFile = await emulator
      .git(REPO)
      .run(["show", "release-relay-ledger/8.0.2:ledger.json"])
      .then((b) => b.length);
    expect(ledgerFile).toBeGreaterThan(1024 * 1024);
    const appended = await store.append(stage(600));
    expect(appended.appended).toBe(true);
    const { events, head } = await store.read();
    expect(head).toBe(appended.head);
    expect(events).toHaveLength(601);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 601 }, (_, i) => `stage:build:${i}`));
    // Recording a known event again changes nothing: it was found in the large ledger.
    expect((await store.append(stage(3))).appended).toBe(false);
  });

  it("a ledger edited into something that is not JSON is refused with E_LEDGER and the fix, before any write", async () => {
    const store = new LedgerStore(github, REPO, "8.0.2");
    await store.append({
      id: "stage:build:0",
      at: "2025-01-07T10:00:00Z",
      type: "stage",
      stage: "build",
      status: "started",
    });
    const branch = "release-relay-ledger/8.0.2";
    // Someone with push access edits ledger.json on the branch (through the git data API).
    const repo = { owner: "acme", repo: "automation" };
    const { data: ref } = await github.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
    const { data: parent } = await github.rest.git.getCommit({ ...repo, commit_sha: ref.object.sha });
    const { data: tree } = await github.rest.git.createTree({
      ...repo,
      base_tree: parent.tree.sha,
      tree: [{ path: "ledger.json", mode: "100644", type: "blob", content: "[{ not json" }],
    });
    const { data: commit } = await github.rest.git.createCommit({
      ...repo,
      message: "edited by hand",
      tree: tree.sha,
      parents: [parent.sha],
    });
    await github.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha: commit.sha });
    const head = (await emulator.git(REPO).run(["rev-parse", branch])).toString().trim();
    const refused = await store
      .append({
        id: "stage:build:1",
        at: "2025-01-07T10:01:00Z",
        type: "stage",
        stage: "build",
        status: "started",
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ReleaseRelayError);
    expect((refused as ReleaseRelayError).code).toBe("E_LEDGER");
    expect((refused as ReleaseRelayError).message).toMatch(/^ledger\.json at [0-9a-f]{12} is not JSON$/);
    expect((refused as ReleaseRelayError).hint).toBe(
      "do not edit the ledger branch by hand; restore it from its history",
    );
    expect((await emulator.git(REPO).run(["rev-parse", branch])).toString().trim()).toBe(head);
  });
});
