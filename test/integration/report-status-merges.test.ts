// report-status finds the release an image build on the base branch belongs to from GitHub's list of
// the PRs its commit came from, so it works for squash and rebase merges too (only a merge commit's
// message names the branch: GitHub community discussion #30439). Its decision script runs here
// against the emulator served over HTTP.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { ALL_PERMISSIONS } from "../../src/rehearsal/github/permissions.js";

const root = join(import.meta.dirname, "../..");
const REPO = "cachet-io/cachet-container";
const [owner, name] = REPO.split("/") as [string, string];
let emulator: GitHubEmulator;
let gh: GitHubClient;

type Step = { id?: string; run?: string; uses?: string; with?: Record<string, string>; if?: string };
const steps = (
  parse(readFileSync(join(root, "workflows-templates/downstream/report-status.yml"), "utf8")) as {
    jobs: { report: { steps: Step[]; permissions: Record<string, string> } };
  }
).jobs.report;
const decide = steps.steps.find((s) => s.id === "report")?.run ?? "";

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  emulator.addToken("t-maintainer", { login: "maintainer", repos: { "*": ALL_PERMISSIONS } });
  // What the job's GITHUB_TOKEN holds: its permissions, on its own repo.
  emulator.addToken("t-job", {
    login: "github-actions[bot]",
    repos: { [REPO]: ["contents:read", "pull_requests:read"] },
  });
  await emulator.createRepo(REPO, { defaultBranch: "mainline", files: { "versions.json": "{}\n" } });
  // A fork starts as a copy of the repository's history.
  await emulator.createRepo(`mallory/${name}`, {
    defaultBranch: "mainline",
    files: { "versions.json": "{}\n" },
  });
  const bare = (full: string) => join(emulator.dir, "repos", `${full}.git`);
  execFileSync("git", [
    "--git-dir",
    bare(`mallory/${name}`),
    "fetch",
    "-q",
    bare(REPO),
    "+mainline:mainline",
  ]);
  gh = createGitHubClient({
    token: "t-maintainer",
    baseUrl: emulator.url,
    retryAfterBaseValue: 1,
    pace: "local",
  });
});

afterAll(async () => {
  await emulator.stop();
});

/** A branch with one commit in `repo` and a PR of it into REPO's mainline. */
async function pullFrom(repoOwner: string, branch: string, file: string) {
  const repo = { owner: repoOwner, repo: name };
  const { data: base } = await gh.rest.repos.getBranch({ ...repo, branch: "mainline" });
  const { data: tree } = await gh.rest.git.createTree({
    ...repo,
    base_tree: base.commit.commit.tree.sha,
    tree: [{ path: file, mode: "100644", type: "blob", content: `${branch}\n` }],
  });
  const { data: commit } = await gh.rest.git.createCommit({
    ...repo,
    message: "cachet 1.2.1",
    tree: tree.sha,
    parents: [base.commit.sha],
  });
  await gh.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: commit.sha });
  const { data: pr } = await gh.rest.pulls.create({
    owner,
    repo: name,
    title: "cachet 1.2.1",
    head: repoOwner === owner ? branch : `${repoOwner}:${branch}`,
    base: "mainline",
  });
  return pr;
}

/**
 * Runs the decision step as the image build's workflow_run would; returns its output and what it
 * printed. Asynchronously: the emulator answering its curl lives in this process.
 */
async function decideFor(runSha: string, runName = "Build and push images", conclusion = "success") {
  const outputFile = join(mkdtempSync(join(tmpdir(), "report-status-")), "output");
  const child = spawn("bash", ["-e", "-c", decide], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      RUNNER_TEMP: tmpdir(),
      GITHUB_OUTPUT: outputFile,
      GITHUB_API_URL: emulator.url,
      LOOKUP_TOKEN: "t-job",
      AUTOMATION_REPO: "cachet-io/cachet-release",
      PROJECT: "cachet",
      EVENT_NAME: "workflow_run",
      RUN_BRANCH: "mainline",
      RUN_NAME: runName,
      RUN_CONCLUSION: conclusion,
      RUN_URL: `${emulator.url}/${REPO}/actions/runs/7`,
      RUN_SHA: runSha,
      REPO,
      RUN_ID: "8",
      HEAD_REPO: REPO,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  let output = "";
  try {
    output = readFileSync(outputFile, "utf8");
  } catch {}
  return { status, stdout, stderr, output };
}

describe("report-status on the base branch after each merge method", () => {
  it.each([
    ["squash", 1],
    ["rebase", 2],
    ["merge", 3],
  ] as const)(
    "%s: the image build is reported for the release whose PR put the commit there",
    async (method, patch) => {
      const branch = `release-relay/1.2.${patch}/container`;
      const pr = await pullFrom(owner, branch, `${method}.txt`);
      const { data: merged } = await gh.rest.pulls.merge({
        owner,
        repo: name,
        pull_number: pr.number,
        merge_method: method,
      });
      const decided = await decideFor(merged.sha);
      expect(decided.stderr).toBe("");
      expect(decided.status).toBe(0);
      const body = JSON.parse(/^body=(.*)$/m.exec(decided.output)?.[1] ?? "{}");
      expect(body).toMatchObject({
        event_type: "downstream-report",
        client_payload: { releaseId: `cachet@1.2.${patch}`, kind: "image-build", sha: merged.sha },
      });
      expect(decided.output).toMatch(/^owner=cachet-io$/m);
      expect(decided.output).toMatch(/^name=cachet-release$/m);
    },
  );

  it("a merged fork PR with a release-named branch is not a release: nothing is reported", async () => {
    const pr = await pullFrom("mallory", "release-relay/1.2.9/container", "fork.txt");
    expect(pr.head.repo?.full_name).toBe(`mallory/${name}`);
    const { data: merged } = await gh.rest.pulls.merge({
      owner,
      repo: name,
      pull_number: pr.number,
      merge_method: "squash",
    });
    const decided = await decideFor(merged.sha);
    expect([decided.status, decided.output, decided.stderr]).toEqual([0, "", ""]);
    expect(decided.stdout).toMatch(
      /not a release branch: no merged release PR of this repo holds this commit/,
    );
  });

  it("CI on the base branch is not the release PR's CI: nothing is reported", async () => {
    const pr = await pullFrom(owner, "release-relay/1.3.0/container", "ci.txt");
    const { data: merged } = await gh.rest.pulls.merge({
      owner,
      repo: name,
      pull_number: pr.number,
      merge_method: "squash",
    });
    const decided = await decideFor(merged.sha, "CI");
    expect([decided.status, decided.output]).toEqual([0, ""]);
  });

  it("a cancelled run is not reported as a failure: it is not reported at all", async () => {
    const pr = await pullFrom(owner, "release-relay/1.3.1/container", "cancelled.txt");
    const { data: merged } = await gh.rest.pulls.merge({
      owner,
      repo: name,
      pull_number: pr.number,
      merge_method: "squash",
    });
    const decided = await decideFor(merged.sha, "Build and push images", "cancelled");
    expect([decided.status, decided.output]).toEqual([0, ""]);
    expect(decided.stdout).toContain("not reported: Build and push images was cancelled");
  });

  it("the job may read its repo's pull requests, and mints the report token only when there is something to send", () => {
    expect(steps.permissions).toEqual({ contents: "read", "pull-requests": "read" });
    const mint = steps.steps.find((s) => s.uses?.startsWith("actions/create-github-app-token@"));
    expect(mint?.if).toBe("steps.report.outputs.body != ''");
  });
});
