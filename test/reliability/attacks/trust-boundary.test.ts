// Attacks on the automation side's trust decisions, each against the GitHub emulator (real git, real
// Octokit): a clear refusal, and nothing planned, recorded as fact or published.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../../src/adapters/github/client.js";
import { LedgerStore } from "../../../src/adapters/ledger/ledger-store.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import {
  buildReleaseRequested,
  type ReleaseRequested,
  type ReleaseRequestedPayload,
} from "../../../src/core/request/release-requested.js";
import { parseVersion } from "../../../src/core/request/version.js";
import { GitHubEmulator } from "../../../src/rehearsal/github/emulator.js";
import { hashRelease } from "../../../src/steps/hash.js";
import { planRequest } from "../../../src/steps/plan.js";
import { trackRelease } from "../../../src/steps/track/track.js";
import { verifyStageRuns } from "../../../src/steps/track/verify-stage-runs.js";
import { runBundledAction } from "../../support/run-action.js";
import { reportChecks, seedReleasableCommit } from "../../support/source-ci.js";
import { trackSettings } from "../../support/track-settings.js";

const configPath = join(import.meta.dirname, "../../../examples/valkey/release-relay.yml");
const config = parseConfig(readFileSync(configPath, "utf8"));
const SOURCE = config.source.repo;
const AUTOMATION = config.tracking.repo;
const HASHES = "valkey-io/valkey-hashes";
const REQUESTER = "valkey-release-bot";
const REPORTER = "valkey-release-relay[bot]";

let emulator: GitHubEmulator;
let github: GitHubClient;
let tagged: string;

/** Another commit on the release branch of the source repo (a real one GitHub has). */
async function commitOn(repo: string, branch: string, file: string): Promise<string> {
  const git = emulator.git(repo);
  const parent = (await git.text(["rev-parse", `refs/heads/${branch}`])).trim();
  const blob = (await git.text(["hash-object", "-w", "--stdin"], { input: `${file}\n` })).trim();
  const tree = await git.writeTree(undefined, [{ path: file, mode: "100644", sha: blob }]);
  const who = { name: "mallory", email: "m@example.invalid", date: "2025-01-07T09:00:00Z" };
  const sha = await git.writeCommit(tree, [parent], `${file}\n`, who, who);
  await git.run(["update-ref", `refs/heads/${branch}`, sha]);
  return sha;
}

const request = (overrides: Partial<ReleaseRequestedPayload> = {}, tag = "8.0.2"): string =>
  JSON.stringify({
    ...buildReleaseRequested(config.project, parseVersion(tag), tagged, SOURCE, {
      actor: "maintainer",
      event: "push",
      at: "2025-01-07T10:00:00Z",
    }),
    ...overrides,
  });

const plan = (payload: string, sender = REQUESTER) =>
  planRequest(
    {
      configPath,
      environment: undefined,
      token: "app",
      payload,
      version: undefined,
      sha: undefined,
      requestedAt: undefined,
    },
    config,
    { github, serverUrl: emulator.url, sender, now: () => new Date(), log: () => {} },
  );

/** The bundled build-matrix as the runner starts it for a dispatch in run 77 (no event file: no sender). */
const bundledPlan = (payload: string) =>
  runBundledAction(
    "build-matrix",
    { "config-path": configPath, token: "app", payload },
    {
      GITHUB_REPOSITORY: AUTOMATION,
      GITHUB_API_URL: emulator.url,
      GITHUB_SERVER_URL: emulator.url,
      GITHUB_RUN_ID: "77",
    },
  );

const ledger = async (version = "8.0.2") =>
  deriveState((await new LedgerStore(github, AUTOMATION, version).read()).events);
const issues = () => emulator.state.repos[AUTOMATION.toLowerCase()]?.issues ?? [];
const trackDeps = (sender: string, n = 1) => ({
  github,
  run: { runId: `9${n}-1`, runUrl: undefined, serverUrl: emulator.url, sender },
  now: () => new Date("2025-01-07T12:00:00Z"),
  sleep: async () => {},
});

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(SOURCE, { files: { "src/server.c": "int main(void) { return 0; }\n" } });
  await emulator.createRepo(AUTOMATION);
  await emulator.createRepo(HASHES, { files: { README: "hashes\n" } });
  tagged = await seedReleasableCommit(emulator, SOURCE);
  // The App: the automation repo and the downstreams; the source repo is public, so it reads it.
  emulator.addToken("app", {
    login: "release-relay[bot]",
    repos: {
      [AUTOMATION]: ["contents:write", "issues:write"],
      [HASHES]: ["contents:write", "pull_requests:write"],
    },
  });
  github = createGitHubClient({ token: "app", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
});
afterEach(async () => {
  await emulator.stop();
});

describe("release requests: only the tag's real commit is built", () => {
  it("refuses a request naming another commit of the repo, naming both commits, and records nothing", async () => {
    const other = await commitOn(SOURCE, "8.0", "backdoor.c");
    await expect(plan(request({ sha: other }))).rejects.toThrow(
      `release-requested names commit ${other} for tag 8.0.2, but in ${SOURCE} the tag points at ${tagged}`,
    );
    expect((await ledger()).eventCount).toBe(0);
    expect(issues()).toEqual([]);
  });

  it("refuses a commit that exists only in a fork, and a tag whose commit is on no release branch", async () => {
    await emulator.createRepo("mallory/valkey", { files: { "src/server.c": "evil\n" } });
    const forkOnly = (await emulator.git("mallory/valkey").text(["rev-parse", "HEAD"])).trim();
    await expect(plan(request({ sha: forkOnly }))).rejects.toMatchObject({ code: "E_REQUEST_FORGED" });
    // A tag pushed on a stray branch: GitHub has it, but no release branch holds its commit.
    await emulator.git(SOURCE).run(["update-ref", "refs/heads/stray", tagged]);
    const stray = await commitOn(SOURCE, "stray", "stray.c");
    await emulator.git(SOURCE).run(["tag", "8.0.3", stray]);
    await expect(
      plan(request({ sha: stray, version: "8.0.3", tag: "8.0.3", releaseId: "valkey@8.0.3" }, "8.0.3")),
    ).rejects.toThrow(/which is on none of 8\.0 in valkey-io\/valkey/);
    expect((await ledger("8.0.3")).eventCount).toBe(0);
  });

  it("follows an annotated tag to its commit: an honest request for it is planned", async () => {
    const tagger = { GIT_COMMITTER_NAME: "maintainer", GIT_COMMITTER_EMAIL: "m@example.invalid" };
    await emulator.git(SOURCE).run(["tag", "-f", "-a", "-m", "8.0.2", "8.0.2", tagged], { env: tagger });
    expect((await emulator.git(SOURCE).text(["cat-file", "-t", "refs/tags/8.0.2"])).trim()).toBe("tag");
    expect((await plan(request())).commit).toBe(tagged);
  });

  it("refuses a tag GitHub does not have", async () => {
    await expect(
      plan(request({ version: "8.0.9", tag: "8.0.9", releaseId: "valkey@8.0.9" }, "8.0.9")),
    ).rejects.toThrow("valkey-io/valkey has no tag 8.0.9");
  });

  it("refuses a true request from a sender the config does not name, recording nothing", async () => {
    await expect(plan(request(), "a-collaborator")).rejects.toThrow(
      "release-requested was sent by a-collaborator, who is not in senders.release-requested",
    );
    expect(emulator.log.calls({ mutating: true, login: "release-relay[bot]" })).toEqual([]);
    expect((await ledger()).eventCount).toBe(0);
  });

  it("drops a forged CI override and a forged actor; with red CI the request is refused", async () => {
    const forged = request({
      options: {
        checksOverride: {
          by: "maintainer",
          reason: "trust me",
          failing: ["test-sanitizer-address (failure)"],
        },
      },
      trigger: { actor: "maintainer", event: "workflow_dispatch", at: "2025-01-07T10:00:00Z" },
    });
    const green = await plan(forged);
    expect(green.checksOverride).toBeUndefined();
    expect(green.requestedBy).toBeUndefined();
    expect(green.unverified?.join("\n")).toContain("override of red CI by maintainer dropped");
    await reportChecks(emulator, SOURCE, tagged, { "test-sanitizer-address": "failure" });
    await expect(plan(forged)).rejects.toMatchObject({ code: "E_SOURCE_CHECKS" });
    // The run the payload names exists, but it is a push run of someone else: still not believed.
    emulator.startWorkflowRun(SOURCE, {
      id: 77,
      name: "request-release",
      path: ".github/workflows/release-relay.yml",
      event: "push",
      headBranch: "8.0.2",
      headSha: tagged,
      actor: "mallory",
    });
    const pointing = JSON.parse(forged) as ReleaseRequested;
    pointing.trigger.runUrl = `${emulator.url}/${SOURCE}/actions/runs/77`;
    await expect(plan(JSON.stringify(pointing))).rejects.toMatchObject({ code: "E_SOURCE_CHECKS" });
  });

  it("refuses to publish the source archive of a tag moved after the request", async () => {
    const planned = await plan(request());
    const moved = await commitOn(SOURCE, "8.0", "moved.c");
    await emulator.git(SOURCE).run(["tag", "-f", "8.0.2", moved]);
    const work = mkdtempSync(join(tmpdir(), "moved-tag-"));
    for (const a of planned.artifacts.filter((x) => x.target)) {
      const dir = join(work, `build-${a.target}-${tagged}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, a.name), `built for ${a.target} from ${tagged}\n`);
    }
    await expect(
      hashRelease(
        { artifacts: "build-*/*", algorithms: ["sha256"], outputDir: ".", plan: JSON.stringify(planned) },
        work,
      ),
    ).rejects.toThrow(`is of commit ${moved}, not ${tagged}, the commit this release built`);
  });

  it("refuses the same version requested again from another commit, naming both", async () => {
    const first = await plan(request());
    await trackRelease(
      { ...trackSettings(configPath, "8.0.2", {}), plan: JSON.stringify(first) },
      config,
      trackDeps(REQUESTER),
    );
    const moved = await commitOn(SOURCE, "8.0", "fix.c");
    await emulator.git(SOURCE).run(["tag", "-f", "8.0.2", moved]);
    await expect(plan(request({ sha: moved }))).rejects.toThrow(
      `8.0.2 is already being released from ${tagged}; it was requested again from ${moved}`,
    );
    expect((await ledger()).request?.commit).toBe(tagged);
  });

  it("the bundled build-matrix, given a payload whose sha is not the tag's commit, fails and writes no matrix", async () => {
    const other = await commitOn(SOURCE, "8.0", "other.c");
    const result = await bundledPlan(request({ sha: other }));
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toContain("E_REQUEST_FORGED");
    expect(result.outputs.matrix).toBeUndefined();
    expect(result.outputs.plan).toBeUndefined();
    // No release 8.0.2 exists yet: the refusal starts no ledger (nothing to record it in).
    expect(result.outputs.refused).toBeUndefined();
  });

  it("hands a refused request for an existing release on as one refused ledger line", async () => {
    const first = await plan(request());
    await trackRelease(
      { ...trackSettings(configPath, "8.0.2", {}), plan: JSON.stringify(first) },
      config,
      trackDeps(REQUESTER),
    );
    const other = await commitOn(SOURCE, "8.0", "other.c");
    const result = await bundledPlan(request({ sha: other }));
    expect(result.exitCode).not.toBe(0);
    expect(result.outputs.matrix).toBeUndefined();
    expect(result.outputs["refused-version"]).toBe("8.0.2");
    expect(JSON.parse(result.outputs.refused ?? "{}")).toMatchObject({
      id: "refused:77-1",
      type: "refused",
      what: "release-requested",
      sender: "(nobody)",
    });
    expect(JSON.parse(result.outputs.refused ?? "{}").reason).toContain(
      `names commit ${other} for tag 8.0.2`,
    );
  });
});

describe("downstream reports: only what GitHub confirms is recorded", () => {
  const report = (fields: Record<string, unknown>) =>
    JSON.stringify({ schemaVersion: 1, releaseId: "valkey@8.0.2", repo: HASHES, runId: "5", ...fields });
  let prNumber: number;

  beforeEach(async () => {
    const first = await plan(request());
    await trackRelease(
      { ...trackSettings(configPath, "8.0.2", {}), plan: JSON.stringify(first) },
      config,
      trackDeps(REQUESTER),
    );
    // The release's own PR, open, and the report-status run GitHub knows.
    const git = emulator.git(HASHES);
    const head = (await git.text(["rev-parse", "HEAD"])).trim();
    await git.run(["update-ref", "refs/heads/release-relay/8.0.2/hashes", head]);
    const branchCommit = await commitOn(HASHES, "release-relay/8.0.2/hashes", "README");
    const [owner, repo] = HASHES.split("/") as [string, string];
    const pr = await github.rest.pulls.create({
      owner,
      repo,
      head: "release-relay/8.0.2/hashes",
      base: "main",
      title: "8.0.2",
    });
    prNumber = pr.data.number;
    await trackRelease(
      {
        ...trackSettings(configPath, "8.0.2", {}),
        event: JSON.stringify({
          id: `pr:hashes:${prNumber}`,
          type: "pull-request",
          downstream: "hashes",
          repo: HASHES,
          number: prNumber,
          url: `${emulator.url}/${HASHES}/pull/${prNumber}`,
          headSha: branchCommit,
          action: "opened",
        }),
      },
      config,
      trackDeps(REQUESTER, 2),
    );
    for (const [id, event] of [
      [5, "pull_request_target"],
      [6, "workflow_run"],
    ] as const)
      emulator.startWorkflowRun(HASHES, {
        id,
        name: "report-status",
        path: ".github/workflows/release-relay-report.yml",
        event,
        headBranch: "release-relay/8.0.2/hashes",
        headSha: branchCommit,
        actor: REPORTER,
      });
  });

  const send = (payload: string, sender = REPORTER, n = 3) =>
    trackRelease(
      { ...trackSettings(configPath, "8.0.2", {}), report: payload },
      config,
      trackDeps(sender, n),
    );

  it("refuses a merged report for a PR GitHub says is open, and records the refusal only", async () => {
    await expect(send(report({ kind: "merged" }))).rejects.toThrow(
      `GitHub says PR #${prNumber} is still open`,
    );
    const state = await ledger();
    expect(state.downstream.find((d) => d.name === "hashes")?.merged).toBe(false);
    expect(state.refused).toHaveLength(1);
    expect(state.refused[0]?.sender).toBe(REPORTER);
    // The refusal is on the tracking issue at once, as one line.
    expect(issues()[0]?.body).toContain(
      `refused: \`merged report from ${HASHES}: GitHub says PR #${prNumber} is still open\``,
    );
  });

  it("refuses a closed report, a CI success and an image build for runs GitHub does not know", async () => {
    await expect(send(report({ kind: "closed" }))).rejects.toMatchObject({ code: "E_REPORT_FORGED" });
    await expect(
      send(
        report({ kind: "ci", state: "success", url: `${emulator.url}/${HASHES}/actions/runs/4040` }),
        REPORTER,
        4,
      ),
    ).rejects.toThrow("its url names no run GitHub knows");
    await expect(
      send(
        report({ kind: "image-build", state: "success", url: `${emulator.url}/${HASHES}/actions/runs/4041` }),
        REPORTER,
        5,
      ),
    ).rejects.toMatchObject({ code: "E_REPORT_FORGED" });
    const state = await ledger();
    const hashes = state.downstream.find((d) => d.name === "hashes");
    expect([hashes?.ci, hashes?.closed, hashes?.image]).toEqual(["unknown", false, undefined]);
  });

  it("records CI as GitHub reports the run, not as the report says", async () => {
    const head = (
      await emulator.git(HASHES).text(["rev-parse", "refs/heads/release-relay/8.0.2/hashes"])
    ).trim();
    emulator.startWorkflowRun(HASHES, {
      id: 300,
      name: "CI",
      path: ".github/workflows/ci.yml",
      event: "pull_request",
      headBranch: "release-relay/8.0.2/hashes",
      headSha: head,
      actor: REPORTER,
    });
    emulator.finishWorkflowRun(HASHES, 300, "failure");
    await send(
      report({ kind: "ci", state: "success", runId: "6", url: `${emulator.url}/${HASHES}/actions/runs/300` }),
    );
    expect((await ledger()).downstream.find((d) => d.name === "hashes")?.ci).toBe("failure");
  });

  it("refuses a report with a run id past any real one, and from a sender the config does not name", async () => {
    await expect(send(report({ kind: "merged", runId: "99999999999999999999" }))).rejects.toThrow(
      "which GitHub does not know",
    );
    await expect(send(report({ kind: "merged" }), "mallory", 4)).rejects.toMatchObject({ code: "E_SENDER" });
    expect((await ledger()).refused.map((r) => r.sender)).toEqual([REPORTER, "mallory"]);
  });

  it("shows hostile URLs of a believed report as text, never as a link", async () => {
    await send(report({ kind: "page-published", url: "https://evil.example/x)](javascript:alert(1))" }));
    const body = issues()[0]?.body ?? "";
    expect(body).not.toMatch(/\]\(https:\/\/evil\.example/);
    expect(body).not.toMatch(/\]\(javascript:/);
  });
});

describe("a report for a release PR the ledger has not recorded yet", () => {
  // The run that opened the PR died before recording it: the report finds it on GitHub, but only the
  // PR the App opened from the release branch in the repo itself.
  const report = (fields: Record<string, unknown>) =>
    JSON.stringify({ schemaVersion: 1, releaseId: "valkey@8.0.2", repo: HASHES, runId: "5", ...fields });
  const [owner, repo] = HASHES.split("/") as [string, string];
  const openAs = async (client: GitHubClient) => {
    const git = emulator.git(HASHES);
    const head = (await git.text(["rev-parse", "HEAD"])).trim();
    await git.run(["update-ref", "refs/heads/release-relay/8.0.2/hashes", head]);
    const commit = await commitOn(HASHES, "release-relay/8.0.2/hashes", "README");
    const pr = await client.rest.pulls.create({
      owner,
      repo,
      head: "release-relay/8.0.2/hashes",
      base: "main",
      title: "8.0.2",
    });
    await client.rest.pulls.merge({ owner, repo, pull_number: pr.data.number });
    emulator.startWorkflowRun(HASHES, {
      id: 5,
      name: "report-status",
      path: ".github/workflows/release-relay-report.yml",
      event: "pull_request_target",
      headBranch: "release-relay/8.0.2/hashes",
      headSha: commit,
      actor: REPORTER,
    });
    return pr.data.number;
  };
  const send = (payload: string) =>
    trackRelease(
      { ...trackSettings(configPath, "8.0.2", { appSlug: "release-relay" }), report: payload },
      config,
      trackDeps(REPORTER, 3),
    );

  beforeEach(async () => {
    const first = await plan(request());
    await trackRelease(
      { ...trackSettings(configPath, "8.0.2", {}), plan: JSON.stringify(first) },
      config,
      trackDeps(REQUESTER),
    );
  });

  it("believes a merged report for the PR the App opened, and records that PR with it", async () => {
    const number = await openAs(github);
    await send(report({ kind: "merged", url: `${emulator.url}/${HASHES}/pull/${number}` }));
    const hashes = (await ledger()).downstream.find((d) => d.name === "hashes");
    expect(hashes?.pr?.number).toBe(number);
    expect(hashes?.merged).toBe(true);
  });

  it("refuses it for a PR someone else opened from a release-named branch", async () => {
    emulator.addToken("mallory", {
      login: "mallory",
      repos: { [HASHES]: ["contents:write", "pull_requests:write"] },
    });
    const mallory = createGitHubClient({ token: "mallory", baseUrl: emulator.url, pace: "local" });
    const number = await openAs(mallory);
    await expect(
      send(report({ kind: "merged", url: `${emulator.url}/${HASHES}/pull/${number}` })),
    ).rejects.toThrow("the ledger records no pull request of this release there");
    const hashes = (await ledger()).downstream.find((d) => d.name === "hashes");
    expect(hashes?.pr).toBeUndefined();
    expect(hashes?.merged ?? false).toBe(false);
  });
});

describe("what others write in the automation repo", () => {
  it("never adopts a tracking issue someone else opened with the right title and label", async () => {
    emulator.addToken("mallory", { login: "mallory", repos: { [AUTOMATION]: ["issues:write"] } });
    const [owner, repo] = AUTOMATION.split("/") as [string, string];
    const mallory = createGitHubClient({ token: "mallory", baseUrl: emulator.url, pace: "local" });
    // The repo has the tracking label (GitHub drops labels a repo lacks), so the planted issue has it.
    await mallory.rest.issues.createLabel({ owner, repo, name: "release", color: "0e8a16" });
    const planted = await mallory.rest.issues.create({
      owner,
      repo,
      title: "Release 8.0.2",
      labels: ["release"],
    });
    const first = await plan(request());
    // Given the App's slug, as release.yml does: only an issue this App opened could be taken over.
    const done = await trackRelease(
      { ...trackSettings(configPath, "8.0.2", { appSlug: "release-relay" }), plan: JSON.stringify(first) },
      config,
      trackDeps(REQUESTER),
    );
    expect(done.issue.number).not.toBe(planted.data.number);
    expect((await ledger()).trackingIssue?.number).toBe(done.issue.number);
    // Left as it was: not written to, not closed.
    expect(planted.data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["release"]);
    const after = issues().find((i) => i.number === planted.data.number);
    expect([after?.state, after?.body ?? null]).toEqual(["open", null]);
  });

  it("takes a rerun's artifacts only from runs GitHub reports as this repo's release workflow", async () => {
    const path = ".github/workflows/release.yml";
    emulator.startWorkflowRun(AUTOMATION, {
      id: 501,
      name: "release",
      path,
      event: "repository_dispatch",
      headBranch: "main",
      headSha: tagged,
      actor: REQUESTER,
    });
    emulator.startWorkflowRun(AUTOMATION, {
      id: 502,
      name: "scratch",
      path: ".github/workflows/scratch.yml",
      event: "push",
      headBranch: "main",
      headSha: tagged,
      actor: "mallory",
    });
    await verifyStageRuns(github, AUTOMATION, path, { build: "501" });
    await expect(verifyStageRuns(github, AUTOMATION, path, { build: "502" })).rejects.toThrow(
      "run 502 is a run of .github/workflows/scratch.yml, not .github/workflows/release.yml",
    );
    await expect(verifyStageRuns(github, AUTOMATION, path, { "sign-upload": "999" })).rejects.toThrow(
      "GitHub knows no run 999",
    );
  });
});
