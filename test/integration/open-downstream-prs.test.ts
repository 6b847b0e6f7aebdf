import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { commitsThroughGraphql, useRestCommits } from "../../src/adapters/github/graphql/commits.js";
import { parseConfig } from "../../src/core/config/parse.js";
import type { Config } from "../../src/core/config/schema.js";
import { renderPrSummary } from "../../src/core/downstream/stage-results.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { consistencyOf } from "../../src/rehearsal/github/faults.js";
import type { OpenPrsSettings } from "../../src/steps/downstream/downstream-inputs.js";
import { generateThenOpen } from "../support/generate-then-open.js";
import { hasTool } from "../support/tools.js";
import { readFixture, SHA_802, seedValkeyDownstreams } from "../support/valkey-downstreams.js";

const examplePath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const read = readFixture;
let emulator: GitHubEmulator;
let github: GitHubClient;
let hashesFile: string;

function configWith(change?: (doc: ReturnType<typeof parseDocument>) => void): Config {
  const doc = parseDocument(readFileSync(examplePath, "utf8"));
  change?.(doc);
  return parseConfig(doc.toString());
}

/** Drops the container and website downstreams, and the release page's tags that name the container. */
function keepOnlyHashes(doc: ReturnType<typeof parseDocument>): void {
  doc.deleteIn(["downstream", 2]);
  doc.deleteIn(["downstream", 1]);
  doc.deleteIn(["github-release", "container-image"]);
  doc.deleteIn(["github-release", "container-tags"]);
}

const settings = (): OpenPrsSettings => ({
  configPath: examplePath,
  environment: undefined,
  version: "8.0.2",
  hashesFile,
  token: "t",
  releasedVersions: [],
  trackingIssueUrl: "https://github.com/valkey-io/valkey-release-automation/issues/1",
  releaseDate: "2025-01-07",
  recordedPrs: undefined,
});
// The container's script runs in the generate job (no token); the downstream job publishes its files.
const run = (config: Config, gh = github, recordedPrs?: string[]) =>
  generateThenOpen(emulator.url, { ...settings(), recordedPrs }, config, {
    github: gh,
    configDir: dirname(examplePath),
    today: "2025-01-07",
  });
const show = (repo: string, ref: string, path: string) =>
  emulator
    .git(repo)
    .text(["show", `${ref}:${path}`])
    .then((t) => `${t}\n`);

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await seedValkeyDownstreams(emulator);
  const all = ["contents:write", "pull_requests:write", "issues:write"] as const;
  emulator.addToken("t", { login: "release-bot[bot]", repos: { "*": [...all] } });
  emulator.addToken("no-container", {
    login: "release-bot[bot]",
    repos: {
      "valkey-io/valkey-hashes": [...all],
      "valkey-io/valkey-io.github.io": [...all],
      "valkey-io/valkey-container": ["contents:read"],
    },
  });
  emulator.addToken("no-hashes", {
    login: "release-bot[bot]",
    repos: {
      "valkey-io/valkey-hashes": ["contents:read"],
      "valkey-io/valkey-io.github.io": [...all],
      "valkey-io/valkey-container": [...all],
    },
  });
  github = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1 });
  const dir = mkdtempSync(join(tmpdir(), "hashes-"));
  hashesFile = join(dir, "hashes.json");
  writeFileSync(
    hashesFile,
    JSON.stringify([
      {
        name: "valkey-8.0.2.tar.gz",
        kind: "source-archive",
        size: 3_500_000,
        sha256: SHA_802,
        url: "https://github.com/valkey-io/valkey/archive/refs/tags/8.0.2.tar.gz",
      },
      ...["jammy-x86_64", "jammy-arm64", "noble-x86_64", "noble-arm64"].map((t, i) => ({
        name: `valkey-8.0.2-${t}.tar.gz`,
        kind: "binary",
        size: 1000 + i,
        sha256: `${i + 1}`.repeat(64),
        url: `https://download.valkey.io/releases/valkey-8.0.2-${t}.tar.gz`,
      })),
    ]),
  );
});
afterEach(async () => {
  await emulator.stop();
});

// The example's container downstream reads its image tags with jq, as on GitHub's runners.
describe.runIf(hasTool("jq", "jq"))("open-downstream-prs against the GitHub emulator (real git)", () => {
  it("opens one PR per downstream with exactly the real release's changes, in one commit each", async () => {
    const results = await run(configWith());
    expect(results.map((r) => [r.downstream, r.outcome, r.number])).toEqual([
      ["hashes", "opened", 1],
      ["container", "opened", 1],
      ["website", "opened", 1],
    ]);
    // The tags the GitHub Release names are those the container's own change sets (its script output).
    expect(results.map((r) => r.containerTags)).toEqual([
      undefined,
      ["8.0.2", "8.0.2-bookworm", "8.0.2-alpine", "8.0.2-alpine3.20"],
      undefined,
    ]);
    expect(await show("valkey-io/valkey-hashes", "release-relay/8.0.2/hashes", "README")).toBe(
      `${read("hashes/8.0.2/README.after")}\n`,
    );
    const versions = JSON.parse(
      await show("valkey-io/valkey-container", "release-relay/8.0.2/container", "versions.json"),
    );
    expect(versions["8.0"]).toMatchObject({ version: "8.0.2", sha256: SHA_802 });
    expect(
      await show("valkey-io/valkey-container", "release-relay/8.0.2/container", "8.0/debian/Dockerfile"),
    ).toBe(read("container/8.0.2/after/8.0/debian/Dockerfile"));
    // Byte for byte (the real pages end without a newline): the tags are those the container
    // downstream's script read from versions.json on its own branch; the artifact matrix is the
    // built targets, grouped by distro.
    expect(
      (
        await emulator
          .git("valkey-io/valkey-io.github.io")
          .run(["show", "release-relay/8.0.2/website:content/download/releases/v8-0-2.md"])
      ).toString("utf8"),
    ).toBe(
      read("website/pages/v9-0-6.md")
        .replaceAll("9.0.6", "8.0.2")
        .replace("2026-09-01", "2025-01-07")
        .replace("trixie", "bookworm")
        .replace("alpine3.24", "alpine3.20"),
    );
    // One commit on top of the base, and the PR targets the configured base branch.
    expect(
      await emulator
        .git("valkey-io/valkey-container")
        .text(["rev-list", "--count", "mainline..release-relay/8.0.2/container"]),
    ).toBe("1");
    const pr = (await github.rest.pulls.get({ owner: "valkey-io", repo: "valkey-container", pull_number: 1 }))
      .data;
    expect(pr.base.ref).toBe("mainline");
    expect(pr.title).toBe("valkey 8.0.2");
    expect(pr.body).toContain(
      "Tracking issue: https://github.com/valkey-io/valkey-release-automation/issues/1",
    );
    expect(pr.body).toContain(SHA_802);
  });

  it("a rerun finds the same PRs and makes zero mutating calls", async () => {
    await run(configWith());
    const mark = emulator.log.mark();
    const again = await run(configWith());
    expect(again.map((r) => r.outcome)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(emulator.log.summary(mark).mutating).toBe(0);
    expect(emulator.state.repos["valkey-io/valkey-hashes"]?.pulls).toHaveLength(1);
  });

  const hashesOnly = () =>
    configWith((d) => {
      keepOnlyHashes(d);
    });
  const commitAt = async (repo: string, ref: string) =>
    emulator.git(repo).readCommit((await emulator.git(repo).resolveCommit(ref)) as string);
  const hashesBranch = (ref = "release-relay/8.0.2/hashes") => commitAt("valkey-io/valkey-hashes", ref);

  it("measures the calls a new PR costs: 4 on a first attempt whatever the files, one signed commit; the rerun writes nothing", async () => {
    const base = (await hashesBranch("main")).sha;
    const mark = emulator.log.mark();
    const [hashes] = await run(hashesOnly(), github, []);
    // The base branch and every file at its head in one query; the branch made at the base, the
    // commit on it, the pull.
    expect(emulator.log.calls({ since: mark }).map((c) => c.route)).toEqual([
      "POST /graphql pullRequestBase",
      "POST /repos/{owner}/{repo}/git/refs",
      "POST /graphql createCommitOnBranch",
      "POST /repos/{owner}/{repo}/pulls",
    ]);
    expect(hashes?.files.length).toBeGreaterThan(0);
    expect(emulator.log.summary(mark).total).toBe(4);
    const commit = await hashesBranch();
    expect(commit.parents).toEqual([base]);
    const { data } = await github.rest.git.getCommit({
      owner: "valkey-io",
      repo: "valkey-hashes",
      commit_sha: commit.sha,
    });
    expect(data.verification).toMatchObject({ verified: true, reason: "valid" });
    expect(data.message).toBe(commit.message.replace(/\n$/, ""));
    // The ledger now holds it: the same query finds the release branch (no branch read), whose tree
    // is compared, then the PR; nothing is written.
    const again = emulator.log.mark();
    expect((await run(hashesOnly(), github, ["hashes"]))[0]?.outcome).toBe("unchanged");
    expect(emulator.log.calls({ since: again }).map((c) => c.route)).toEqual([
      "POST /graphql pullRequestBase",
      "GET /repos/{owner}/{repo}/git/trees/{tree_sha}",
      "GET /repos/{owner}/{repo}/pulls",
    ]);
  });

  it("warns, and records no tags, when the output the GitHub Release reads holds no image tags", async () => {
    const results = await run(
      configWith((d) => d.setIn(["github-release", "container-tags"], "container.digest")),
    );
    const container = results.find((r) => r.downstream === "container");
    expect(container).toMatchObject({ outcome: "opened", containerTags: [] });
    expect(container?.warning).toBe(
      "the GitHub Release names no container tags: no output container.digest: the script wrote no digest",
    );
    expect(renderPrSummary(results)).toContain("names no container tags");
  });

  it("reads the default branch in the same query when base-branch is not configured", async () => {
    const noBase = configWith((d) => {
      keepOnlyHashes(d);
      d.deleteIn(["downstream", 0, "base-branch"]);
    });
    const mark = emulator.log.mark();
    const [hashes] = await run(noBase, github, []);
    expect(hashes?.outcome).toBe("opened");
    expect(emulator.log.summary(mark).total).toBe(4);
    expect(emulator.state.repos["valkey-io/valkey-hashes"]?.pulls[0]?.baseRef).toBe("main");
  });

  it("commits through the Git Data API when asked to: 5 + files, the same files, unsigned", async () => {
    const rest = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1 });
    useRestCommits(rest);
    const mark = emulator.log.mark();
    const [hashes] = await run(hashesOnly(), rest, []);
    expect(emulator.log.calls({ since: mark }).map((c) => c.route)).toEqual([
      "GET /repos/{owner}/{repo}/branches/{branch}",
      "GET /repos/{owner}/{repo}/contents/{path}",
      "POST /repos/{owner}/{repo}/git/trees",
      "POST /repos/{owner}/{repo}/git/commits",
      "POST /repos/{owner}/{repo}/git/refs",
      "POST /repos/{owner}/{repo}/pulls",
    ]);
    expect(hashes?.outcome).toBe("opened");
    const commit = await hashesBranch();
    const { data } = await rest.rest.git.getCommit({
      owner: "valkey-io",
      repo: "valkey-hashes",
      commit_sha: commit.sha,
    });
    expect(data.verification).toMatchObject({ verified: false, reason: "unsigned" });
    const changed = await emulator
      .git("valkey-io/valkey-hashes")
      .text(["diff", "--name-only", "main", "release-relay/8.0.2/hashes"]);
    expect(changed.split("\n").sort()).toEqual([...(hashes?.files ?? [])].sort());
  });

  it("falls back to the Git Data API on a GitHub Enterprise Server without createCommitOnBranch", async () => {
    emulator.setGraphqlCommits(false);
    const old = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1 });
    const mark = emulator.log.mark();
    const results = await run(configWith(), old, []);
    expect(results.map((r) => r.outcome)).toEqual(["opened", "opened", "opened"]);
    const calls = emulator.log.calls({ since: mark });
    // Refused once (a field the schema lacks), then never asked again.
    expect(calls.filter((c) => c.route.startsWith("POST /graphql")).map((c) => c.error)).toEqual([
      "undefinedField",
    ]);
    expect(commitsThroughGraphql(old)).toBe(false);
    for (const r of results) {
      const [pull, ...more] = emulator.state.repos[r.repo.toLowerCase()]?.pulls ?? [];
      expect(more).toEqual([]);
      const base = await commitAt(r.repo, pull?.baseRef as string);
      const head = await commitAt(r.repo, `release-relay/8.0.2/${r.downstream}`);
      expect(head.parents).toEqual([base.sha]);
    }
  });

  it("keeps one commit when createCommitOnBranch's answer is lost after GitHub made it", async () => {
    emulator.failNext("POST /graphql createCommitOnBranch", "502", { phase: "after" });
    const base = (await hashesBranch("main")).sha;
    const mark = emulator.log.mark();
    const [hashes] = await run(hashesOnly(), github, []);
    expect(hashes?.outcome).toBe("opened");
    // Octokit sent it again; GitHub refused it as stale (the branch held the commit already).
    expect(
      emulator.log
        .calls({ since: mark })
        .map((c) => c.error)
        .filter(Boolean),
    ).toEqual(["STALE_DATA"]);
    const head = await hashesBranch();
    expect(head.parents).toEqual([base]);
    expect(hashes?.headSha).toBe(head.sha);
  });

  it("reconciles a branch an unrecorded run left: no second branch, commit or PR", async () => {
    // The first run opened everything but died before the ledger recorded it.
    await run(configWith(), github, []);
    const heads = await emulator
      .git("valkey-io/valkey-hashes")
      .text(["rev-parse", "release-relay/8.0.2/hashes"]);
    const again = await run(configWith(), github, []);
    expect(again.map((r) => r.outcome)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(
      await emulator.git("valkey-io/valkey-hashes").text(["rev-parse", "release-relay/8.0.2/hashes"]),
    ).toBe(heads);
    for (const repo of [
      "valkey-io/valkey-hashes",
      "valkey-io/valkey-container",
      "valkey-io/valkey-io.github.io",
    ])
      expect(emulator.state.repos[repo]?.pulls).toHaveLength(1);
    // A base that moved meanwhile: the branch is found the same way and its single commit rebuilt.
    const gh = github.rest.git;
    const repo = { owner: "valkey-io", repo: "valkey-hashes" };
    const base = (await gh.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
    const tree = (
      await gh.createTree({
        ...repo,
        base_tree: (await gh.getCommit({ ...repo, commit_sha: base })).data.tree.sha,
        tree: [{ path: "NOTES", mode: "100644", type: "blob", content: "unrelated\n" }],
      })
    ).data.sha;
    const commit = (await gh.createCommit({ ...repo, message: "moved", tree, parents: [base] })).data.sha;
    await gh.updateRef({ ...repo, ref: "heads/main", sha: commit });
    const moved = await run(configWith(), github, []);
    expect(moved[0]?.outcome).toBe("updated");
    expect(
      await emulator
        .git("valkey-io/valkey-hashes")
        .text(["rev-list", "--count", "main..release-relay/8.0.2/hashes"]),
    ).toBe("1");
  });

  it("isolates a failing downstream: the others still open their PRs and the failure is named", async () => {
    const limited = createGitHubClient({ token: "no-hashes", baseUrl: emulator.url, retryAfterBaseValue: 1 });
    const results = await run(configWith(), limited);
    expect(results.map((r) => r.outcome)).toEqual(["failed", "opened", "opened"]);
    expect(results[0]?.error).toContain(
      "could not open the pull request in valkey-io/valkey-hashes: GitHub answered 403",
    );
    expect(results[0]?.error).toContain(
      'give the token "Contents" and "Pull requests" read and write on valkey-io/valkey-hashes',
    );
    expect(renderPrSummary(results)).toContain("| hashes | valkey-io/valkey-hashes | failed |");
  });

  it("does not attempt a downstream whose `after:` dependency failed, and says which", async () => {
    const limited = createGitHubClient({
      token: "no-container",
      baseUrl: emulator.url,
      retryAfterBaseValue: 1,
    });
    const results = await run(configWith(), limited);
    expect(results.map((r) => r.outcome)).toEqual(["opened", "failed", "failed"]);
    expect(results[1]?.error).toContain('give the token "Contents" and "Pull requests" read and write');
    expect(results[2]?.error).toContain("not attempted: it comes after container, which failed");
    expect(emulator.state.repos["valkey-io/valkey-io.github.io"]?.pulls).toHaveLength(0);
  });

  it("rebuilds the single commit on a base that moved, keeping both releases' lines", async () => {
    await run(configWith());
    // Another release's line lands on main meanwhile.
    const gh = github.rest.git;
    const base = (await gh.getRef({ owner: "valkey-io", repo: "valkey-hashes", ref: "heads/main" })).data
      .object.sha;
    const baseTree = (await gh.getCommit({ owner: "valkey-io", repo: "valkey-hashes", commit_sha: base }))
      .data.tree.sha;
    const other = `${read("hashes/8.0.2/README.before")}\nhash valkey-7.2.8.tar.gz sha256 ${"2".repeat(64)} https://x/7.2.8.tar.gz\n`;
    const tree = (
      await gh.createTree({
        owner: "valkey-io",
        repo: "valkey-hashes",
        base_tree: baseTree,
        tree: [{ path: "README", mode: "100644", type: "blob", content: other }],
      })
    ).data.sha;
    const moved = (
      await gh.createCommit({
        owner: "valkey-io",
        repo: "valkey-hashes",
        message: "7.2.8",
        tree,
        parents: [base],
      })
    ).data.sha;
    await gh.updateRef({ owner: "valkey-io", repo: "valkey-hashes", ref: "heads/main", sha: moved });
    const [hashes] = await run(configWith());
    expect(hashes?.outcome).toBe("updated");
    const git = emulator.git("valkey-io/valkey-hashes");
    expect(await git.text(["rev-parse", "release-relay/8.0.2/hashes^"])).toBe(moved);
    const readme = await show("valkey-io/valkey-hashes", "release-relay/8.0.2/hashes", "README");
    expect(
      readme
        .trim()
        .split("\n")
        .slice(-2)
        .map((l) => l.split(" ")[1]),
    ).toEqual(["valkey-7.2.8.tar.gz", "valkey-8.0.2.tar.gz"]);
    expect(emulator.state.repos["valkey-io/valkey-hashes"]?.pulls).toHaveLength(1);
  });

  it("adds the release line to a downstream file over 1 MB without losing the rest of it", async () => {
    // Past 1 MB the contents API answers `content: ""`, `encoding: "none"`: read as empty, the PR
    // would replace the whole list with the release's one line.
    const gh = github.rest.git;
    const repo = { owner: "valkey-io", repo: "valkey-hashes" };
    const history = Array.from(
      { length: 9000 },
      (_, i) => `hash valkey-0.${i}.0.tar.gz sha256 ${"a".repeat(64)} https://x/0.${i}.0.tar.gz`,
    ).join("\n");
    const before = `${read("hashes/8.0.2/README.before")}\n${history}\n`;
    expect(Buffer.byteLength(before)).toBeGreaterThan(1024 * 1024);
    const base = (await gh.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
    const tree = (
      await gh.createTree({
        ...repo,
        base_tree: (await gh.getCommit({ ...repo, commit_sha: base })).data.tree.sha,
        tree: [{ path: "README", mode: "100644", type: "blob", content: before }],
      })
    ).data.sha;
    const commit = (await gh.createCommit({ ...repo, message: "history", tree, parents: [base] })).data.sha;
    await gh.updateRef({ ...repo, ref: "heads/main", sha: commit });
    const hashesOnly = configWith((d) => {
      keepOnlyHashes(d);
    });
    const [hashes] = await run(hashesOnly, github, []);
    expect(hashes?.outcome).toBe("opened");
    const after = await emulator
      .git("valkey-io/valkey-hashes")
      .run(["show", "release-relay/8.0.2/hashes:README"])
      .then((b) => b.toString("utf8"));
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe(
      `hash valkey-8.0.2.tar.gz sha256 ${SHA_802} https://github.com/valkey-io/valkey/archive/refs/tags/8.0.2.tar.gz\n`,
    );
  });

  it("labels the PR with labels the repo lacked, creating them once", async () => {
    const labelled = configWith((d) => {
      keepOnlyHashes(d);
      d.setIn(["downstream", 0, "pr", "labels"], ["release", "automated"]);
    });
    const hashes = () => emulator.state.repos["valkey-io/valkey-hashes"];
    expect(hashes()?.labels).toEqual([]);
    const [opened] = await run(labelled, github, []);
    expect(opened?.outcome).toBe("opened");
    const { data: pr } = await github.rest.pulls.get({
      owner: "valkey-io",
      repo: "valkey-hashes",
      pull_number: opened?.number as number,
    });
    expect(pr.labels.map((l) => l.name)).toEqual(["release", "automated"]);
    expect(hashes()?.labels).toMatchObject([
      { name: "release", color: "1d76db", description: "A release change proposed by release-relay" },
      { name: "automated", color: "1d76db" },
    ]);
    const mark = emulator.log.mark();
    expect((await run(labelled, github, ["hashes"]))[0]?.outcome).toBe("unchanged");
    expect(emulator.log.summary(mark).mutating).toBe(0);
    expect(hashes()?.labels).toHaveLength(2);
  });

  it("opens every PR while GitHub lags behind each branch just pushed (422 No commits between, mergeable null)", async () => {
    // Each new branch's first two PR creates are refused, and each new PR's first reads show no mergeability.
    consistencyOf(emulator.state).setPlan({ pullCreates: 2, mergeableReads: 3 });
    const results = await run(configWith());
    expect(results.map((r) => [r.downstream, r.outcome, r.number])).toEqual([
      ["hashes", "opened", 1],
      ["container", "opened", 1],
      ["website", "opened", 1],
    ]);
    const refused = emulator.log
      .calls()
      .filter((c) => c.route === "POST /repos/{owner}/{repo}/pulls" && c.status === 422);
    expect(refused).toHaveLength(6);
    // The PRs' mergeable was null when they were opened (release-relay never reads it); a rerun
    // finds them and changes nothing.
    const mark = emulator.log.mark();
    expect((await run(configWith())).map((r) => r.outcome)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(emulator.log.summary(mark).mutating).toBe(0);
  });

  it("opens the PR when its first create meets GitHub not yet seeing the branch (a fault)", async () => {
    consistencyOf(emulator.state).failPullCreates(1);
    const hashesOnly = configWith((d) => {
      keepOnlyHashes(d);
    });
    const [hashes] = await run(hashesOnly, github, []);
    expect(hashes?.outcome).toBe("opened");
    expect(emulator.state.repos["valkey-io/valkey-hashes"]?.pulls).toHaveLength(1);
  });

  it("dry-run shows the full diff and opens nothing; off skips", async () => {
    const config = configWith((d) => {
      d.setIn(["downstream", 0, "mode"], "dry-run");
      d.setIn(["downstream", 1, "mode"], "off");
      d.setIn(["downstream", 2, "mode"], "off");
    });
    const mark = emulator.log.mark();
    const results = await run(config);
    expect(results.map((r) => r.outcome)).toEqual(["dry-run", "skipped", "skipped"]);
    expect(results[0]?.diff).toContain(`+hash valkey-8.0.2.tar.gz sha256 ${SHA_802}`);
    expect(emulator.log.summary(mark).mutating).toBe(0);
    expect(renderPrSummary(results)).toContain("```diff");
  });

  it("does nothing when the change is already on the base branch (the PR was merged)", async () => {
    await run(configWith());
    await github.rest.pulls.merge({ owner: "valkey-io", repo: "valkey-hashes", pull_number: 1 });
    const [hashes] = await run(configWith());
    expect(hashes?.outcome).toBe("unchanged");
  });
});

describe.runIf(hasTool("jq", "jq"))("release-relay edit", () => {
  it("applies a downstream's edits to a local checkout in place and prints the diff", async () => {
    const { runCli } = await import("../../src/cli/main.js");
    const dir = mkdtempSync(join(tmpdir(), "checkout-"));
    writeFileSync(join(dir, "README"), read("hashes/8.0.2/README.before"));
    const editArgs = [
      "edit",
      "--config",
      examplePath,
      "--downstream",
      "hashes",
      "--version",
      "8.0.2",
      "--hashes",
      hashesFile,
      "--dir",
      dir,
    ];
    const lines: string[] = [];
    const code = await runCli(editArgs, (t) => lines.push(t));
    expect(code).toBe(0);
    expect(readFileSync(join(dir, "README"), "utf8")).toBe(`${read("hashes/8.0.2/README.after")}\n`);
    expect(lines.join("\n")).toContain(`+hash valkey-8.0.2.tar.gz sha256 ${SHA_802}`);
    // The headers git diff writes, which `git apply` and reviewers read.
    expect(lines[0]?.split("\n").slice(0, 1)).toEqual(["diff --git a/README b/README"]);
    expect(lines[0]).toMatch(/\n--- a\/README\n\+\+\+ b\/README\n/);
    const again: string[] = [];
    await runCli(editArgs, (t) => again.push(t));
    expect(again.at(-1)).toContain("nothing to change");
    // 8.0.2's hashes are already in the README, but they are not 8.0.3's: refused, not "up to date".
    const other: string[] = [];
    const otherArgs = editArgs.map((a) => (a === "8.0.2" ? "8.0.3" : a));
    expect(await runCli(otherArgs, (t) => other.push(t))).toBe(1);
    expect(other.join("\n")).not.toContain("already has release");
    const { previewDownstreamEdit } = await import("../../src/steps/downstream/edit-preview.js");
    const preview = { configPath: examplePath, downstream: "hashes", hashesFile, set: [], dir };
    await expect(previewDownstreamEdit({ ...preview, version: "8.0.3" }, configWith())).rejects.toThrow(
      `--hashes ${hashesFile} is not release 8.0.3's: it lists valkey-8.0.2.tar.gz, valkey-8.0.2-jammy-x86_64.tar.gz`,
    );
  });

  it("diffs a file the edits create against /dev/null with git's headers", async () => {
    const { unifiedDiff } = await import("../../src/adapters/downstream/text-diff.js");
    expect(unifiedDiff("docs/new.md", undefined, "x\n").split("\n").slice(0, 5)).toEqual([
      "diff --git a/docs/new.md b/docs/new.md",
      "new file mode 100644",
      "index 0000000..587be6b",
      "--- /dev/null",
      "+++ b/docs/new.md",
    ]);
  });

  it("runs a downstream's script in the checkout, prints its outputs, and takes them for the next with --set", async () => {
    const { runCli } = await import("../../src/cli/main.js");
    const container = mkdtempSync(join(tmpdir(), "container-"));
    for (const f of ["versions.json", "8.0/debian/Dockerfile", "8.0/alpine/Dockerfile"]) {
      mkdirSync(dirname(join(container, f)), { recursive: true });
      writeFileSync(join(container, f), read(`container/8.0.2/before/${f}`));
    }
    writeFileSync(
      join(container, "dockerhub-description.md"),
      read("container/8.0.0/after/dockerhub-description.md"),
    );
    const base = ["edit", "--config", examplePath, "--version", "8.0.2", "--hashes", hashesFile];
    const lines: string[] = [];
    expect(
      await runCli([...base, "--downstream", "container", "--dir", container], (t) => lines.push(t)),
    ).toBe(0);
    const outputs = lines.filter((l) => l.startsWith("output: ")).map((l) => l.slice("output: ".length));
    expect(outputs).toEqual([
      "container.tags[]=8.0.2",
      "container.tags[]=8.0.2-bookworm",
      "container.tags[]=8.0.2-alpine",
      "container.tags[]=8.0.2-alpine3.20",
    ]);
    expect(lines.at(-1)).toBe(`4 file(s) changed in ${container}`);
    // The Docker Hub page lists 8.0.2 with 8.0's floating tags, taken from versions.json in the checkout.
    expect(readFileSync(join(container, "dockerhub-description.md"), "utf8")).toContain(
      "- [`8.0.2`, `8.0`, `8`, `latest`, `8.0.2-bookworm`, `8.0-bookworm`, `8-bookworm`, `bookworm`]",
    );

    const site = mkdtempSync(join(tmpdir(), "site-"));
    const page: string[] = [];
    const setArgs = outputs.flatMap((o) => ["--set", o]);
    const args = [...base, "--downstream", "website", "--dir", site, "--date", "2025-01-07", ...setArgs];
    expect(await runCli(args, (t) => page.push(t))).toBe(0);
    expect(readFileSync(join(site, "content/download/releases/v8-0-2.md"), "utf8")).toContain(
      '                - "8.0.2-alpine3.20"\n    packages:',
    );
    // Without the container's outputs the page is refused, not written with an empty list.
    const refused: string[] = [];
    const other = mkdtempSync(join(tmpdir(), "site-"));
    expect(
      await runCli([...base, "--downstream", "website", "--dir", other], (t) => refused.push(t)),
    ).not.toBe(0);
  });
});
