import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { ALL_PERMISSIONS } from "../../src/rehearsal/github/permissions.js";
import { ROUTES } from "../../src/rehearsal/github/routes/route-table.js";

const REPO = { owner: "acme", repo: "hashes" };
let emulator: GitHubEmulator;
let gh: GitHubClient;
let baseSha: string;

function statusOf(promise: Promise<unknown>): Promise<{ status: number; message: string; errors?: unknown }> {
  return promise.then(
    () => ({ status: 0, message: "succeeded" }),
    (e: { status: number; response?: { data?: { message?: string; errors?: unknown } } }) => ({
      status: e.status,
      message: e.response?.data?.message ?? "",
      errors: e.response?.data?.errors,
    }),
  );
}

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  emulator.addToken("t-admin", {
    login: "relay[bot]",
    repos: {
      "*": ALL_PERMISSIONS,
    },
  });
  emulator.addToken("t-read", {
    login: "reader",
    repos: { "acme/hashes": ["contents:read", "issues:read", "pull_requests:read"] },
  });
  baseSha = await emulator.createRepo("acme/hashes", {
    files: { README: "hash a sha256 00 url\n", "dir/x.txt": "x\n" },
  });
  await emulator.createRepo("acme/secret", { private: true });
  gh = createGitHubClient({ token: "t-admin", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
});

afterAll(async () => {
  await emulator.stop();
});

describe("GitHub emulator driven by the real Octokit", () => {
  it("serves exactly the routes listed for the contract test", () => {
    const listed = JSON.parse(
      readFileSync(join(import.meta.dirname, "../contract/served-routes.json"), "utf8"),
    );
    expect(ROUTES.map((r) => `${r.method} ${r.template}`).sort()).toEqual([...listed].sort());
  });

  it("gets a repository and a file's contents", async () => {
    const { data: repo } = await gh.rest.repos.get(REPO);
    expect(repo.full_name).toBe("acme/hashes");
    expect(repo.default_branch).toBe("main");
    const { data: file } = await gh.rest.repos.getContent({ ...REPO, path: "README" });
    expect(Array.isArray(file)).toBe(false);
    expect(Buffer.from((file as { content: string }).content, "base64").toString()).toBe(
      "hash a sha256 00 url\n",
    );
    const { data: dir } = await gh.rest.repos.getContent({ ...REPO, path: "dir" });
    expect((dir as { path: string }[]).map((e) => e.path)).toEqual(["dir/x.txt"]);
    expect((await statusOf(gh.rest.repos.getContent({ ...REPO, path: "nope" }))).status).toBe(404);
  });

  it("creates a branch with one commit through blobs → tree → commit → ref, in real git", async () => {
    const { data: blob } = await gh.rest.git.createBlob({
      ...REPO,
      content: Buffer.from("bin\0ary").toString("base64"),
      encoding: "base64",
    });
    const { data: tree } = await gh.rest.git.createTree({
      ...REPO,
      base_tree: (await gh.rest.git.getCommit({ ...REPO, commit_sha: baseSha })).data.tree.sha,
      tree: [
        {
          path: "README",
          mode: "100644",
          type: "blob",
          content: "hash a sha256 00 url\nhash b sha256 11 url\n",
        },
        { path: "nested/deep/file.bin", mode: "100644", type: "blob", sha: blob.sha },
        { path: "dir/x.txt", mode: "100644", type: "blob", sha: null },
      ],
    });
    const { data: commit } = await gh.rest.git.createCommit({
      ...REPO,
      message: "Add hash b",
      tree: tree.sha,
      parents: [baseSha],
    });
    expect(commit.parents.map((p) => p.sha)).toEqual([baseSha]);
    const { data: ref } = await gh.rest.git.createRef({
      ...REPO,
      ref: "refs/heads/release-relay/1.0.0/hashes",
      sha: commit.sha,
    });
    expect(ref.object.sha).toBe(commit.sha);
    const git = emulator.git("acme/hashes");
    expect(await git.text(["show", "release-relay/1.0.0/hashes:README"])).toBe(
      "hash a sha256 00 url\nhash b sha256 11 url",
    );
    expect(await git.text(["ls-tree", "-r", "--name-only", "release-relay/1.0.0/hashes"])).toBe(
      "README\nnested/deep/file.bin",
    );
    // The repo can be cloned by path like any git repository.
    const clone = mkdtempSync(join(tmpdir(), "clone-"));
    execFileSync("git", ["clone", "-q", "-b", "release-relay/1.0.0/hashes", git.dir, clone]);
    expect(readFileSync(join(clone, "nested/deep/file.bin")).equals(Buffer.from("bin\0ary"))).toBe(true);
    rmSync(clone, { recursive: true, force: true });
    const { data: recursive } = await gh.rest.git.getTree({ ...REPO, tree_sha: tree.sha, recursive: "1" });
    expect(recursive.tree.map((e) => e.path)).toEqual([
      "README",
      "nested",
      "nested/deep",
      "nested/deep/file.bin",
    ]);
  });

  it("refuses a ref that exists and a non-fast-forward update unless forced", async () => {
    const branch = "heads/release-relay/1.0.0/hashes";
    const head = (await gh.rest.git.getRef({ ...REPO, ref: branch })).data.object.sha;
    const exists = await statusOf(gh.rest.git.createRef({ ...REPO, ref: `refs/${branch}`, sha: head }));
    expect(exists).toMatchObject({ status: 422, message: "Reference already exists" });
    // A sibling commit of the head (same parent) is not a fast-forward.
    const { data: sibling } = await gh.rest.git.createCommit({
      ...REPO,
      message: "other",
      tree: (await gh.rest.git.getCommit({ ...REPO, commit_sha: baseSha })).data.tree.sha,
      parents: [baseSha],
    });
    const nff = await statusOf(
      gh.rest.git.updateRef({ ...REPO, ref: branch, sha: sibling.sha, force: false }),
    );
    expect(nff).toMatchObject({ status: 422, message: "Update is not a fast forward" });
    expect((await gh.rest.git.getRef({ ...REPO, ref: branch })).data.object.sha).toBe(head);
    const forced = await gh.rest.git.updateRef({ ...REPO, ref: branch, sha: sibling.sha, force: true });
    expect(forced.data.object.sha).toBe(sibling.sha);
    await gh.rest.git.updateRef({ ...REPO, ref: branch, sha: head, force: true });
    const matching = await gh.rest.git.listMatchingRefs({ ...REPO, ref: "heads/release-relay/" });
    expect(matching.data.map((r) => r.ref)).toEqual(["refs/heads/release-relay/1.0.0/hashes"]);
    expect((await gh.rest.git.listMatchingRefs({ ...REPO, ref: "heads/none/" })).data).toEqual([]);
    expect((await statusOf(gh.rest.git.getRef({ ...REPO, ref: "heads/none" }))).status).toBe(404);
  });

  it("makes concurrent fast-forward updates a compare-and-swap: exactly one of racing writers wins", async () => {
    await gh.rest.git.createRef({ ...REPO, ref: "refs/heads/ledger", sha: baseSha });
    const tree = (await gh.rest.git.getCommit({ ...REPO, commit_sha: baseSha })).data.tree.sha;
    const commits = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) =>
        gh.rest.git.createCommit({ ...REPO, message: `event ${i}`, tree, parents: [baseSha] }),
      ),
    );
    const results = await Promise.all(
      commits.map((c) => statusOf(gh.rest.git.updateRef({ ...REPO, ref: "heads/ledger", sha: c.data.sha }))),
    );
    expect(results.filter((r) => r.status === 0)).toHaveLength(1);
    expect(results.filter((r) => r.message === "Update is not a fast forward")).toHaveLength(5);
    await gh.rest.git.deleteRef({ ...REPO, ref: "heads/ledger" });
    expect((await statusOf(gh.rest.git.deleteRef({ ...REPO, ref: "heads/ledger" }))).message).toBe(
      "Reference does not exist",
    );
  });

  it("opens one pull request per head, lists it by head and state, updates and merges it", async () => {
    const { data: pr } = await gh.rest.pulls.create({
      ...REPO,
      title: "Add 1.0.0",
      head: "release-relay/1.0.0/hashes",
      base: "main",
      body: "hashes",
    });
    expect(pr.number).toBe(1);
    expect(pr.head.ref).toBe("release-relay/1.0.0/hashes");
    expect(pr.changed_files).toBe(3);
    const dup = await statusOf(
      gh.rest.pulls.create({ ...REPO, title: "again", head: "release-relay/1.0.0/hashes", base: "main" }),
    );
    expect(dup.status).toBe(422);
    expect(JSON.stringify(dup.errors)).toContain(
      "A pull request already exists for acme:release-relay/1.0.0/hashes.",
    );
    const listed = await gh.rest.pulls.list({
      ...REPO,
      head: "acme:release-relay/1.0.0/hashes",
      state: "open",
    });
    expect(listed.data.map((p) => p.number)).toEqual([pr.number]);
    expect((await gh.rest.pulls.list({ ...REPO, head: "acme:other", state: "all" })).data).toEqual([]);
    await gh.rest.pulls.update({ ...REPO, pull_number: pr.number, title: "Add hashes for 1.0.0" });
    const merged = await gh.rest.pulls.merge({ ...REPO, pull_number: pr.number });
    expect(merged.data.merged).toBe(true);
    const after = await gh.rest.pulls.get({ ...REPO, pull_number: pr.number });
    expect(after.data).toMatchObject({
      state: "closed",
      merged: true,
      title: "Add hashes for 1.0.0",
      merge_commit_sha: merged.data.sha,
    });
    expect(await emulator.git("acme/hashes").text(["show", "main:README"])).toContain("hash b sha256 11 url");
    const none = await statusOf(
      gh.rest.pulls.create({ ...REPO, title: "x", head: "release-relay/1.0.0/hashes", base: "main" }),
    );
    expect(JSON.stringify(none.errors)).toContain("No commits between main and release-relay/1.0.0/hashes");
  });

  it("leaves out labels the repo lacks when an issue is created, updated or labelled; creates none", async () => {
    const { data: unlabelled } = await gh.rest.issues.create({
      ...REPO,
      title: "Release 0.9.0",
      labels: ["no-such-label"],
    });
    expect(unlabelled.labels).toEqual([]);
    await gh.rest.issues.addLabels({ ...REPO, issue_number: unlabelled.number, labels: ["no-such-label"] });
    await gh.rest.issues.update({ ...REPO, issue_number: unlabelled.number, labels: ["no-such-label"] });
    expect((await gh.rest.issues.get({ ...REPO, issue_number: unlabelled.number })).data.labels).toEqual([]);
    expect((await statusOf(gh.rest.issues.getLabel({ ...REPO, name: "no-such-label" }))).status).toBe(404);
    // Once created (case-insensitively unique), a label is applied as the repo spells it.
    const { data: created } = await gh.rest.issues.createLabel({
      ...REPO,
      name: "No-Such-Label",
      color: "0e8a16",
      description: "now it exists",
    });
    expect(created).toMatchObject({ name: "No-Such-Label", color: "0e8a16", description: "now it exists" });
    const again = await statusOf(gh.rest.issues.createLabel({ ...REPO, name: "no-such-label" }));
    expect(again.status).toBe(422);
    expect(JSON.stringify(again.errors)).toContain("already_exists");
    expect(
      (await statusOf(gh.rest.issues.createLabel({ ...REPO, name: "x", color: "#zzzzzz" }))).status,
    ).toBe(422);
    await gh.rest.issues.addLabels({ ...REPO, issue_number: unlabelled.number, labels: ["no-such-label"] });
    expect(
      (await gh.rest.issues.get({ ...REPO, issue_number: unlabelled.number })).data.labels.map((l) =>
        typeof l === "string" ? l : l.name,
      ),
    ).toEqual(["No-Such-Label"]);
  });

  it("keeps issues, labels and comments, with GitHub's body limit", async () => {
    for (const name of ["release", "rc"]) await gh.rest.issues.createLabel({ ...REPO, name });
    const { data: issue } = await gh.rest.issues.create({
      owner: "acme",
      repo: "hashes",
      title: "Release 1.0.0",
      labels: ["release"],
      body: "tracking",
    });
    expect(issue.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["release"]);
    await gh.rest.issues.createComment({ ...REPO, issue_number: issue.number, body: "first failure" });
    const { data: comments } = await gh.rest.issues.listComments({ ...REPO, issue_number: issue.number });
    expect(comments.map((c) => c.body)).toEqual(["first failure"]);
    await gh.rest.issues.updateComment({ ...REPO, comment_id: comments[0]?.id as number, body: "edited" });
    const found = await gh.rest.issues.listForRepo({ ...REPO, labels: "release", state: "open" });
    expect(found.data.map((i) => i.title)).toEqual(["Release 1.0.0"]);
    const closed = await gh.rest.issues.update({ ...REPO, issue_number: issue.number, state: "closed" });
    expect(closed.data.state).toBe("closed");
    expect(closed.data.closed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(closed.data.closed_at).toBe(closed.data.updated_at);
    const tooLong = await statusOf(
      gh.rest.issues.update({ ...REPO, issue_number: issue.number, body: "x".repeat(65537) }),
    );
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.errors)).toContain("body is too long (maximum is 65536 characters)");
    const missing = await statusOf(gh.rest.issues.create({ ...REPO, title: "" }));
    expect(missing.status).toBe(422);
    await gh.rest.issues.addLabels({ ...REPO, issue_number: issue.number, labels: ["release", "rc"] });
    expect((await gh.rest.issues.get({ ...REPO, issue_number: issue.number })).data.labels).toHaveLength(2);
  });

  it("combines commit statuses and lists check runs for a ref", async () => {
    expect((await gh.rest.repos.getCombinedStatusForRef({ ...REPO, ref: "main" })).data.state).toBe(
      "pending",
    );
    await gh.rest.repos.createCommitStatus({ ...REPO, sha: baseSha, state: "success", context: "ci/build" });
    await gh.rest.repos.createCommitStatus({ ...REPO, sha: baseSha, state: "failure", context: "ci/test" });
    await gh.rest.repos.createCommitStatus({ ...REPO, sha: baseSha, state: "success", context: "ci/test" });
    const combined = await gh.rest.repos.getCombinedStatusForRef({ ...REPO, ref: baseSha });
    expect(combined.data.state).toBe("success");
    expect(combined.data.total_count).toBe(2);
    await gh.rest.checks.create({
      ...REPO,
      name: "build",
      head_sha: baseSha,
      status: "completed",
      conclusion: "success",
    });
    const runs = await gh.rest.checks.listForRef({ ...REPO, ref: baseSha });
    expect(runs.data.check_runs.map((r) => [r.name, r.conclusion])).toEqual([["build", "success"]]);
  });

  it("creates releases, refuses a duplicate tag, and serves the tag's source archive like GitHub", async () => {
    await gh.rest.repos.createRelease({ ...REPO, tag_name: "1.0.0", target_commitish: "main" });
    const dup = await statusOf(gh.rest.repos.createRelease({ ...REPO, tag_name: "1.0.0" }));
    expect(dup.status).toBe(422);
    expect((await gh.rest.repos.getReleaseByTag({ ...REPO, tag: "1.0.0" })).data.tag_name).toBe("1.0.0");
    const tarball = await gh.rest.repos.downloadTarballArchive({ ...REPO, ref: "1.0.0" });
    const bytes = Buffer.from(tarball.data as ArrayBuffer);
    const direct = Buffer.from(
      await (await fetch(`${emulator.url}/acme/hashes/archive/refs/tags/1.0.0.tar.gz`)).arrayBuffer(),
    );
    expect(bytes.equals(direct)).toBe(true);
    const listing = execFileSync("tar", ["tz"], { input: bytes }).toString();
    expect(listing).toContain("hashes-1.0.0/README");
  });

  it("records repository_dispatch and workflow_dispatch as GitHub delivers them, with GitHub's payload limit", async () => {
    await gh.rest.repos.createDispatchEvent({
      ...REPO,
      event_type: "release-requested",
      client_payload: { a: 1 },
    });
    const tooMany = Object.fromEntries([...Array(11).keys()].map((i) => [`k${i}`, i]));
    const refused = await statusOf(
      gh.rest.repos.createDispatchEvent({ ...REPO, event_type: "x", client_payload: tooMany }),
    );
    expect(refused.status).toBe(422);
    await gh.rest.actions.createWorkflowDispatch({
      ...REPO,
      workflow_id: "release.yml",
      ref: "main",
      inputs: { version: "1.0.0" },
    });
    expect(emulator.takeDispatches()).toMatchObject([
      { repo: "acme/hashes", eventType: "release-requested", clientPayload: { a: 1 }, sender: "relay[bot]" },
    ]);
    expect(emulator.takeDispatches()).toEqual([]);
    expect(emulator.takeWorkflowDispatches()).toMatchObject([
      { workflow: "release.yml", inputs: { version: "1.0.0" } },
    ]);
  });
});

describe("tokens and permissions", () => {
  it("answers 401 without or with an unknown token, but for reads of a public repo, as GitHub does", async () => {
    const anon = (path: string, method = "GET") => fetch(`${emulator.url}${path}`, { method });
    expect((await anon("/repos/acme/hashes")).status).toBe(200);
    expect((await anon("/repos/acme/hashes/branches/main")).status).toBe(200);
    expect((await anon("/repos/acme/hashes/contents/README")).status).toBe(200);
    expect((await anon("/repos/acme/secret")).status).toBe(401);
    expect((await anon("/repos/acme/hashes/issues", "POST")).status).toBe(401);
    expect((await anon("/rate_limit")).status).toBe(401);
    const bad = createGitHubClient({
      token: "nope",
      baseUrl: emulator.url,
      retryAfterBaseValue: 1,
      pace: "local",
    });
    expect(await statusOf(bad.rest.repos.get(REPO))).toMatchObject({
      status: 401,
      message: "Bad credentials",
    });
  });

  it("answers 403 for a missing permission on a visible repo, 404 for a repo the token cannot see", async () => {
    const reader = createGitHubClient({
      token: "t-read",
      baseUrl: emulator.url,
      retryAfterBaseValue: 1,
      pace: "local",
    });
    expect((await reader.rest.repos.getContent({ ...REPO, path: "README" })).status).toBe(200);
    const denied = await statusOf(reader.rest.issues.create({ ...REPO, title: "x" }));
    expect(denied).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
    expect((await statusOf(reader.rest.repos.createDispatchEvent({ ...REPO, event_type: "x" }))).status).toBe(
      403,
    );
    expect((await statusOf(reader.rest.repos.get({ owner: "acme", repo: "secret" }))).status).toBe(404);
  });
});

describe("faults and accounting", () => {
  it("injects 5xx and rate limits that the retry and throttling plugins absorb, and counts every call", async () => {
    const mark = emulator.log.mark();
    emulator.failNext("GET /repos/{owner}/{repo}", "502");
    emulator.failNext("GET /repos/{owner}/{repo}", "secondary-rate-limit");
    emulator.failNext("GET /repos/{owner}/{repo}", "primary-rate-limit");
    const { data } = await gh.rest.repos.get(REPO);
    expect(data.name).toBe("hashes");
    const calls = emulator.log.calls({ since: mark });
    expect(calls.map((c) => [c.status, c.fault])).toEqual([
      [502, "502"],
      [403, "secondary-rate-limit"],
      [403, "primary-rate-limit"],
      [200, undefined],
    ]);
    expect(emulator.log.summary(mark)).toEqual({
      total: 4,
      mutating: 0,
      byRoute: { "GET /repos/{owner}/{repo}": 4 },
    });
  });

  it("retries a reset connection on a read", async () => {
    const mark = emulator.log.mark();
    emulator.failNext("GET /repos/{owner}/{repo}/issues", "reset");
    const { status } = await gh.rest.issues.listForRepo(REPO);
    expect(status).toBe(200);
    expect(emulator.log.calls({ since: mark }).map((c) => c.fault)).toEqual(["reset", undefined]);
  });

  it("can lose the reply after acting, so a retried create is seen twice (what idempotent code must handle)", async () => {
    const before = emulator.state.repos["acme/hashes"]?.issues.length ?? 0;
    emulator.failNext("POST /repos/{owner}/{repo}/issues", "503", { phase: "after" });
    await gh.rest.issues.create({ ...REPO, title: "created twice" });
    expect((emulator.state.repos["acme/hashes"]?.issues.length ?? 0) - before).toBe(2);
  });

  it("gives the same fault sequence for the same seed", async () => {
    const run = async () => {
      emulator.setFaults({ rate: 0.5, seed: 42, kinds: ["500", "503"] });
      const mark = emulator.log.mark();
      for (let i = 0; i < 6; i++) await gh.rest.repos.get(REPO);
      emulator.setFaults(undefined);
      return emulator.log.calls({ since: mark }).map((c) => c.status);
    };
    const first = await run();
    // Both kinds asked for were injected, and each of the six reads succeeded on a retry.
    expect([...new Set(first.filter((s) => s >= 500))].sort()).toEqual([500, 503]);
    expect(first.filter((s) => s === 200)).toHaveLength(6);
    expect(await run()).toEqual(first);
  });

  it("counts mutating calls exactly", async () => {
    const mark = emulator.log.mark();
    await gh.rest.issues.create({ ...REPO, title: "one" });
    await gh.rest.issues.listForRepo(REPO);
    await statusOf(gh.rest.issues.create({ ...REPO, title: "" }));
    expect(emulator.log.summary(mark)).toMatchObject({ total: 3, mutating: 1 });
  });
});

describe("snapshot and restore", () => {
  it("puts back state and refs exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "snap-"));
    emulator.snapshot(dir);
    const issues = emulator.state.repos["acme/hashes"]?.issues.length;
    await gh.rest.issues.create({ ...REPO, title: "after snapshot" });
    await gh.rest.git.createRef({ ...REPO, ref: "refs/heads/after-snapshot", sha: baseSha });
    // An object made after the snapshot is gone with it, though the emulator had it in memory.
    const { data: blob } = await gh.rest.git.createBlob({ ...REPO, content: "after snapshot" });
    emulator.restore(dir);
    expect((await statusOf(gh.rest.git.getBlob({ ...REPO, file_sha: blob.sha }))).status).toBe(404);
    expect(emulator.state.repos["acme/hashes"]?.issues.length).toBe(issues);
    expect((await statusOf(gh.rest.git.getRef({ ...REPO, ref: "heads/after-snapshot" }))).status).toBe(404);
    expect(JSON.parse(emulator.dump()).repos["acme/hashes"].name).toBe("hashes");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("the github-emulator command", () => {
  it("serves the emulator from the CLI until stdin closes, for any client", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, "../../bin/release-relay.js"),
        "github-emulator",
        "--token",
        "tok",
        "--repo",
        "o/r",
      ],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve(JSON.parse(d.toString()).url));
      child.once("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    const client = createGitHubClient({ token: "tok", baseUrl: url, retryAfterBaseValue: 1, pace: "local" });
    expect((await client.rest.repos.get({ owner: "o", repo: "r" })).data.default_branch).toBe("main");
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});
