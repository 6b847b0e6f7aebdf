import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import {
  commitOnBranch,
  commitsThroughGraphql,
  useRestCommits,
} from "../../src/adapters/github/graphql/commits.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { lostSwaps } from "../support/lost-swaps.js";
import { racedArtifact } from "../support/release-events.js";

const REPO = "acme/automation";
const BRANCH = "release-relay-ledger/8.0.2";
let emulator: GitHubEmulator;
let github: GitHubClient;

const artifact = racedArtifact;

const client = () =>
  createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(REPO);
  emulator.addToken("t", {
    login: "release-bot[bot]",
    repos: { [REPO]: ["contents:write", "issues:write"] },
  });
  github = client();
});
afterEach(async () => {
  await emulator.stop();
});

/** Writers racing on one ledger branch, each with its own client as each job has, appending in turn. */
async function reporters(
  { writers, events }: { writers: number; events: number },
  prepare: (github: GitHubClient) => void = () => {},
) {
  await Promise.all(
    Array.from({ length: writers }, async (_, r) => {
      const own = client();
      prepare(own);
      const store = new LedgerStore(own, REPO, "8.0.2");
      for (let i = 0; i < events; i++) expect((await store.append(artifact(r, i))).appended).toBe(true);
    }),
  );
}

const signed = async (sha: string) =>
  (await github.rest.git.getCommit({ owner: "acme", repo: "automation", commit_sha: sha })).data.verification;

describe("the ledger through GraphQL", () => {
  it("records 40 events from 8 concurrent reporters with createCommitOnBranch, each commit signed", async () => {
    const mark = emulator.log.mark();
    // 16 reporters race through the whole track step in track-status.test.ts, on both paths.
    await reporters({ writers: 8, events: 5 });
    // Writers really raced: createCommitOnBranch refused stale heads and the losers retried.
    const lost = lostSwaps(emulator, REPO, mark).filter(
      (c) => c.route === "POST /graphql createCommitOnBranch",
    );
    expect(lost.length).toBeGreaterThan(0);
    const { events, head } = await new LedgerStore(github, REPO, "8.0.2").read();
    expect(events.map((e) => e.id).sort()).toEqual(
      Array.from({ length: 40 }, (_, n) => `artifact:r${Math.floor(n / 5)}-${n % 5}`).sort(),
    );
    // One commit per event: 39 made by GitHub through GraphQL (signed), the first through the Git
    // Data API (no mutation can create a branch).
    const shas = (await emulator.git(REPO).text(["rev-list", head])).split("\n");
    expect(shas).toHaveLength(40);
    expect(await signed(head)).toMatchObject({ verified: true, reason: "valid" });
    expect(await signed(shas.at(-1) as string)).toMatchObject({ verified: false, reason: "unsigned" });
    const summary = emulator.log.summary(mark);
    expect(summary.byRoute["POST /graphql createCommitOnBranch"]).toBeGreaterThanOrEqual(39);
    expect(summary.byRoute["POST /repos/{owner}/{repo}/git/trees"]).toBeGreaterThanOrEqual(1);
    // Stale answers changed nothing: 39 signed commits, and the first writers' trees and commits
    // with the one ref that won the branch's creation.
    const firstTries = summary.byRoute["POST /repos/{owner}/{repo}/git/commits"] ?? 0;
    expect(summary.byRoute["POST /repos/{owner}/{repo}/git/refs"]).toBe(firstTries);
    expect(summary.mutating).toBe(39 + 2 * firstTries + 1);
  }, 300_000);

  it("appends with two calls, reads with one, and a known event again costs one call and no write", async () => {
    const store = new LedgerStore(github, REPO, "8.0.2");
    await store.append(artifact(0, 0));
    let mark = emulator.log.mark();
    const appended = await store.append(artifact(0, 1));
    expect(appended.appended).toBe(true);
    expect(emulator.log.calls({ since: mark }).map((c) => c.route)).toEqual([
      "POST /graphql branchFile",
      "POST /graphql createCommitOnBranch",
    ]);
    mark = emulator.log.mark();
    expect((await store.read()).head).toBe(appended.head);
    expect(await store.append(artifact(0, 1))).toEqual({ head: appended.head, appended: false });
    expect(emulator.log.summary(mark)).toMatchObject({ total: 2, mutating: 0 });
    const commit = await emulator.git(REPO).readCommit(appended.head);
    expect(commit.message).toMatch(/^artifact artifact:r0-1\n\nLedger-Writer: [0-9a-f-]{36}/);
    expect(commit.committer.name).toBe("GitHub");
  });

  it("an append whose answer is lost after GitHub made the commit is recorded once and reported as appended", async () => {
    const store = new LedgerStore(github, REPO, "8.0.2");
    await store.append(artifact(0, 0));
    emulator.failNext("POST /graphql createCommitOnBranch", "502", { phase: "after" });
    const mark = emulator.log.mark();
    const result = await store.append(artifact(0, 1));
    // Octokit sent it again and found the branch moved (by itself): the writer's mark tells.
    expect(emulator.log.calls({ since: mark }).map((c) => c.error ?? c.status)).toContain("STALE_DATA");
    expect(result.appended).toBe(true);
    const { events, head } = await store.read();
    expect(events.map((e) => e.id)).toEqual(["artifact:r0-0", "artifact:r0-1"]);
    expect(result.head).toBe(head);
  });

  it("waits out GraphQL's own rate limit and its injected faults like REST's", async () => {
    const store = new LedgerStore(github, REPO, "8.0.2");
    await store.append(artifact(0, 0));
    // The limit resets well before the client's scaled wait ends (at least 2 × 100 ms): under load a
    // wait as long as the reset is away could land a moment early and meet the limit again.
    emulator.limitGraphqlRate("t", 0, new Date(Date.now() + 60));
    emulator.failNext("POST /graphql branchFile", "503");
    const mark = emulator.log.mark();
    // Waits scaled down to milliseconds (a second of GitHub's is 100 ms here).
    const patient = createGitHubClient({
      token: "t",
      baseUrl: emulator.url,
      retryAfterBaseValue: 100,
      pace: "local",
    });
    expect((await new LedgerStore(patient, REPO, "8.0.2").append(artifact(0, 1))).appended).toBe(true);
    const calls = emulator.log.calls({ since: mark });
    expect(calls.some((c) => c.error === "RATE_LIMITED" && c.status === 200)).toBe(true);
    // REST's own limit was untouched by the GraphQL calls.
    const { headers } = await github.rest.git.getRef({
      owner: "acme",
      repo: "automation",
      ref: `heads/${BRANCH}`,
    });
    expect(headers["x-ratelimit-resource"]).toBe("core");
    expect((await store.read()).events).toHaveLength(2);
  }, 30_000);

  it("refuses a token that may not write as GitHub does (FORBIDDEN with HTTP 200): a 403 to the caller", async () => {
    await new LedgerStore(github, REPO, "8.0.2").append(artifact(0, 0));
    emulator.addToken("ro", { login: "reader[bot]", repos: { [REPO]: ["contents:read"] } });
    const reader = createGitHubClient({
      token: "ro",
      baseUrl: emulator.url,
      retryAfterBaseValue: 1,
      pace: "local",
    });
    const refused = await new LedgerStore(reader, REPO, "8.0.2").append(artifact(0, 1)).catch((e) => e);
    expect(refused).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
    expect(emulator.log.calls({}).at(-1)).toMatchObject({
      route: "POST /graphql createCommitOnBranch",
      error: "FORBIDDEN",
    });
  });
});

describe("the ledger through the Git Data API", () => {
  it("is read without a token through REST, as GitHub serves a public repository to anyone but GraphQL to no one", async () => {
    await new LedgerStore(github, REPO, "8.0.2").append(artifact(0, 0));
    const anonymous = createGitHubClient({
      token: "",
      baseUrl: emulator.url,
      retryAfterBaseValue: 1,
      pace: "local",
    });
    const mark = emulator.log.mark();
    const { events } = await new LedgerStore(anonymous, REPO, "8.0.2").read();
    expect(events.map((e) => e.id)).toEqual(["artifact:r0-0"]);
    expect(emulator.log.calls({ since: mark }).map((c) => `${c.route} ${c.status}`)).toEqual([
      "POST /graphql branchFile 401",
      "GET /repos/{owner}/{repo}/git/ref/{ref} 200",
      "GET /repos/{owner}/{repo}/contents/{path} 200",
    ]);
  });

  it("records the events of 6 concurrent reporters when asked to commit through REST", async () => {
    const mark = emulator.log.mark();
    await reporters({ writers: 6, events: 3 }, useRestCommits);
    expect(lostSwaps(emulator, REPO, mark).filter((c) => c.route.startsWith("PATCH")).length).toBeGreaterThan(
      0,
    );
    expect(Object.keys(emulator.log.summary(mark).byRoute).filter((r) => r.includes("graphql"))).toEqual([]);
    const { events, head } = await new LedgerStore(github, REPO, "8.0.2").read();
    expect(events).toHaveLength(18);
    expect(new Set(events.map((e) => e.id)).size).toBe(18);
    expect(await signed(head)).toMatchObject({ verified: false, reason: "unsigned" });
  }, 300_000);

  it("falls back on a GitHub Enterprise Server without createCommitOnBranch, after one refused query", async () => {
    emulator.setGraphqlCommits(false);
    const mark = emulator.log.mark();
    await reporters({ writers: 4, events: 3 });
    const { events } = await new LedgerStore(github, REPO, "8.0.2").read();
    expect(events).toHaveLength(12);
    const refusals = emulator.log.calls({ since: mark }).filter((c) => c.error === "undefinedField");
    // Each writer's client asks once (4, and the reader's once), then sticks to REST.
    expect(refusals.length).toBe(5);
    expect(commitsThroughGraphql(github)).toBe(false);
  }, 300_000);
});

describe("createCommitOnBranch as GitHub answers it", () => {
  it("keeps a changed file's mode, deletes nested files and refuses to delete a path the branch lacks", async () => {
    const head = await emulator.createRepo("acme/tools", {
      files: { "bin/run": "#!/bin/sh\n", "docs/a/b.md": "b\n", "README.md": "r\n" },
      executables: ["bin/run"],
    });
    emulator.addToken("tools", { login: "release-bot[bot]", repos: { "acme/tools": ["contents:write"] } });
    const tools = createGitHubClient({ token: "tools", baseUrl: emulator.url, pace: "local" });
    const commit = (expectedHead: string, files: { path: string; content: string; deleted?: boolean }[]) =>
      commitOnBranch(tools, { repo: "acme/tools", branch: "main", expectedHead, headline: "change", files });
    const tree = async (sha: string) =>
      (
        await tools.rest.git.getTree({ owner: "acme", repo: "tools", tree_sha: sha, recursive: "1" })
      ).data.tree
        .filter((e) => e.type === "blob")
        .map((e) => `${e.mode} ${e.path}`);
    // A path the branch does not have (here inside a directory it has) aborts the whole commit.
    await expect(
      commit(head, [
        { path: "README.md", content: "new\n" },
        { path: "docs/a/missing.md", content: "", deleted: true },
      ]),
    ).rejects.toThrow(/A path was requested for deletion which does not exist/);
    for (const path of ["/README.md", "docs/../README.md", ":(icase)readme.md"])
      await expect(commit(head, [{ path, content: "", deleted: true }]), path).rejects.toThrow(
        /A path was requested for deletion which does not exist/,
      );
    const next = await commit(head, [
      { path: "bin/run", content: "#!/bin/sh\necho 2\n" },
      { path: "docs/a/b.md", content: "", deleted: true },
      { path: "docs/new.md", content: "n\n" },
    ]);
    if (typeof next === "string") throw new Error(`the commit was ${next}`);
    expect((await tree(next.oid)).sort()).toEqual([
      "100644 README.md",
      "100644 docs/new.md",
      "100755 bin/run",
    ]);
    // A second writer that read the old head loses: the compare-and-swap of the branch.
    expect(await commit(head, [{ path: "README.md", content: "late\n" }])).toBe("stale");
  });
});
