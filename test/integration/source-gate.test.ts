import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/adapters/github/client.js";
import { readRunContext } from "../../src/adapters/run-context.js";
import { parseConfig } from "../../src/core/config/parse.js";
import { parseReleaseRequested } from "../../src/core/request/release-requested.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { type RequestSettings, requestRelease } from "../../src/steps/request.js";
import { runBundledAction, tagPushEnv } from "../support/run-action.js";
import { reportChecks, seedSourceRepo, triggerInputs, VALKEY_REQUIRED_CHECKS } from "../support/source-ci.js";

const configPath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const configText = readFileSync(configPath, "utf8");
const AUTOMATION = "valkey-io/valkey-release-automation";
const SOURCE = "valkey-io/valkey";
let emulator: GitHubEmulator;
let green: string;

const inputs = (overrides: Record<string, string> = {}) => triggerInputs(AUTOMATION, configPath, overrides);

/** A new commit on top of `parent` in the source repo, on no branch yet. */
async function commitOn(parent: string, message: string): Promise<string> {
  const git = emulator.git(SOURCE);
  const tree = (await git.text(["rev-parse", `${parent}^{tree}`])).trim();
  const who = { name: "Maintainer", email: "maintainer@example.org", date: "2026-11-23T10:00:00Z" };
  return git.writeCommit(tree, [parent], message, who, who);
}

/** Tags `sha` as `tag`, runs the bundled trigger for that tag push and returns what it did. */
async function pushTag(
  tag: string,
  sha: string,
  extra: { inputs?: Record<string, string>; env?: Record<string, string> } = {},
) {
  await emulator.git(SOURCE).run(["tag", "-f", tag, sha]);
  const mark = emulator.log.mark();
  const result = await runBundledAction(
    "trigger",
    inputs(extra.inputs),
    tagPushEnv(SOURCE, sha, emulator.url, { GITHUB_REF: `refs/tags/${tag}`, ...extra.env }),
  );
  return {
    result,
    mutating: emulator.log.calls({ since: mark, mutating: true }),
    dispatches: emulator.takeDispatches(),
  };
}

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  green = await seedSourceRepo(emulator, SOURCE);
  await emulator.createRepo(AUTOMATION);
  emulator.addToken("dispatch-token", {
    login: "release-bot[bot]",
    repos: { [AUTOMATION]: ["contents:write"] },
  });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.takeDispatches();
});

describe("release branch (source.release-branches)", () => {
  it("sends a tag whose commit is on its line's branch", async () => {
    const done = await pushTag("8.0.2", green);
    expect(done.result.exitCode, done.result.stdout).toBe(0);
    expect(done.result.stdout).toContain(`Release branch: ${green.slice(0, 12)} is on 8.0.`);
    expect(done.dispatches).toHaveLength(1);
  });

  it("refuses a tag on a commit that is not on the line's branch, and sends nothing", async () => {
    const stray = await commitOn(green, "work in progress");
    await reportChecks(
      emulator,
      SOURCE,
      stray,
      Object.fromEntries(VALKEY_REQUIRED_CHECKS.map((c) => [c, "success" as const])),
    );
    const done = await pushTag("8.0.3", stray);
    expect(done.result.exitCode).toBe(1);
    expect(done.result.stdout).toContain(
      `E_RELEASE_BRANCH: tag 8.0.3 points at ${stray.slice(0, 12)}, which is not on 8.0 in valkey-io/valkey`,
    );
    expect(done.result.stdout).toContain("git push --delete origin 8.0.3");
    expect(done.mutating).toEqual([]);
    expect(done.dispatches).toEqual([]);
  });

  it("says when the line has no branch at all", async () => {
    const done = await pushTag("9.9.0", green);
    expect(done.result.exitCode).toBe(1);
    expect(done.result.stdout).toContain("which is not on 9.9 in valkey-io/valkey (9.9: no such branch");
    expect(done.dispatches).toEqual([]);
  });
});

describe("source CI (source.required-checks)", () => {
  let red: string;
  beforeAll(async () => {
    red = await commitOn(green, "8.0.4 with a failing sanitizer run");
    await emulator.git(SOURCE).run(["update-ref", "refs/heads/8.0", red]);
    await reportChecks(emulator, SOURCE, red, {
      "test-ubuntu-latest": "success",
      "test-sanitizer-address": "failure",
      "build-macos-latest": "success",
    });
  });

  it("refuses a tag whose required check failed, naming it, and sends nothing", async () => {
    const done = await pushTag("8.0.4", red);
    expect(done.result.exitCode).toBe(1);
    expect(done.result.stdout).toContain(
      `E_SOURCE_CHECKS: the tagged commit ${red.slice(0, 12)} of valkey-io/valkey does not have green CI: test-sanitizer-address (failure); nothing was sent`,
    );
    expect(done.result.stdout).toContain("with the tag and an override-reason");
    expect(done.mutating).toEqual([]);
    expect(done.dispatches).toEqual([]);
  });

  it("a rerun of the failed check that passes lets the same tag through", async () => {
    const fixed = await commitOn(red, "8.0.5");
    await emulator.git(SOURCE).run(["update-ref", "refs/heads/8.0", fixed]);
    await reportChecks(emulator, SOURCE, fixed, {
      "test-ubuntu-latest": "success",
      "test-sanitizer-address": "failure",
      "build-macos-latest": "success",
    });
    expect((await pushTag("8.0.5", fixed)).result.exitCode).toBe(1);
    // Re-running the job adds a newer check run of the same name; the newest decides.
    await reportChecks(emulator, SOURCE, fixed, { "test-sanitizer-address": "success" });
    const done = await pushTag("8.0.5", fixed);
    expect(done.result.exitCode, done.result.stdout).toBe(0);
    expect(done.result.stdout).toContain(
      `Source CI passed on ${fixed.slice(0, 12)}: test-ubuntu-latest, test-sanitizer-address, build-macos-latest.`,
    );
    expect(done.dispatches).toHaveLength(1);
  });

  it("a maintainer's override, run by hand for the tag, is sent with who, why and what was red", async () => {
    const done = await pushTag("8.0.4", red, {
      inputs: { tag: "8.0.4", "override-reason": "sanitizer flake in an unrelated test; see #1234" },
      // A run by hand is on a branch: its GITHUB_SHA is not the tag's commit, which is read from GitHub.
      env: { GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_REF: "refs/heads/unstable", GITHUB_SHA: green },
    });
    expect(done.result.exitCode, done.result.stdout).toBe(0);
    const payload = parseReleaseRequested(done.dispatches[0]?.clientPayload);
    expect(payload.sha).toBe(red);
    expect(payload.trigger.event).toBe("workflow_dispatch");
    expect(payload.checksOverride).toEqual({
      by: "maintainer",
      reason: "sanitizer flake in an unrelated test; see #1234",
      failing: ["test-sanitizer-address (failure)"],
    });
  });

  it("refuses an override outside a run started by hand", async () => {
    const done = await pushTag("8.0.4", red, { inputs: { "override-reason": "in a push run" } });
    expect(done.result.exitCode).toBe(1);
    expect(done.result.stdout).toContain(
      "E_INPUT: override-reason is only taken from a run a maintainer starts by hand",
    );
    expect(done.dispatches).toEqual([]);
  });

  it("names the permission when the source token may not read checks", async () => {
    emulator.addToken("contents-only", {
      login: "github-actions[bot]",
      repos: { [SOURCE]: ["contents:read"] },
    });
    const done = await pushTag("8.0.2", green, { inputs: { "source-token": "contents-only" } });
    expect(done.result.exitCode).toBe(1);
    expect(done.result.stdout).toContain("could not read the check runs of");
    expect(done.result.stdout).toContain('"Checks: read" on valkey-io/valkey');
    expect(done.dispatches).toEqual([]);
  });
});

describe("waiting for checks still running", () => {
  const settings = (): RequestSettings => ({
    automationRepo: AUTOMATION,
    token: "dispatch-token",
    sourceToken: "source-reader",
    tag: undefined,
    configPath,
    environment: undefined,
    overrideReason: undefined,
  });
  let running: string;
  beforeAll(async () => {
    running = await commitOn(green, "8.0.6");
    await emulator.git(SOURCE).run(["update-ref", "refs/heads/8.0", running]);
    await emulator.git(SOURCE).run(["tag", "8.0.6", running]);
    await reportChecks(emulator, SOURCE, running, {
      "test-ubuntu-latest": "success",
      "test-sanitizer-address": "in_progress",
    });
  });
  /** requestRelease in-process, with a clock that a sleep moves on (and a hook to report checks while it "waits"). */
  const run = async (onSleep: (n: number) => Promise<void>) => {
    const client = (token: string) => createGitHubClient({ token, baseUrl: emulator.url, pace: "local" });
    let now = Date.parse("2026-11-23T10:00:00Z");
    const sleeps: number[] = [];
    const lines: string[] = [];
    const context = readRunContext(
      tagPushEnv(SOURCE, running, emulator.url, { GITHUB_REF: "refs/tags/8.0.6" }),
    );
    const outcome = requestRelease(settings(), context, {
      github: client("dispatch-token"),
      source: client("source-reader"),
      loadConfig: async () => parseConfig(configText, configPath),
      now: () => new Date(now),
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
        await onSleep(sleeps.length);
      },
      log: (line) => lines.push(line),
    });
    return { outcome, sleeps, lines };
  };

  it("gives up after checks-wait-minutes with the checks still running, and sends nothing", async () => {
    const { outcome, sleeps } = await run(async () => {});
    await expect(outcome).rejects.toThrow(
      "does not have green CI after waiting 30 minutes: test-sanitizer-address (in_progress), build-macos-latest (not reported)",
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(30 * 60_000);
    expect(emulator.takeDispatches()).toEqual([]);
  });

  it("sends the request as soon as the running checks pass", async () => {
    const { outcome, sleeps, lines } = await run(async (n) => {
      if (n === 2)
        await reportChecks(emulator, SOURCE, running, {
          "test-sanitizer-address": "success",
          "build-macos-latest": "success",
        });
    });
    const payload = await outcome;
    expect(sleeps).toEqual([30_000, 30_000]);
    expect(lines.filter((l) => l.startsWith("Waiting for source CI"))).toHaveLength(2);
    expect(payload.sha).toBe(running);
    expect(payload.checksOverride).toBeUndefined();
    expect(emulator.takeDispatches()).toHaveLength(1);
  });
});

describe("required-checks: all, with the trigger's own job a check run on the tag's commit", () => {
  // On GitHub the request-release job is itself a check run on the commit it checks
  // (lewagon/wait-on-check-action#10); the local runner creates one for every job, as here.
  const allConfig = configText.replace(/^ {2}required-checks: .*$/m, "  required-checks: all");
  const settings = (): RequestSettings => ({
    automationRepo: AUTOMATION,
    token: "dispatch-token",
    sourceToken: "source-reader",
    tag: undefined,
    configPath,
    environment: undefined,
    overrideReason: undefined,
  });
  let sha: string;
  let runId = 7000;
  beforeAll(async () => {
    sha = await commitOn(green, "8.0.7");
    await emulator.git(SOURCE).run(["update-ref", "refs/heads/8.0", sha]);
    await emulator.git(SOURCE).run(["tag", "8.0.7", sha]);
    await reportChecks(emulator, SOURCE, sha, { "test-ubuntu-latest": "success" });
  });
  /** requestRelease as the request-release job of a new run, whose check run is in progress on the commit. */
  const trigger = async () => {
    runId++;
    emulator.startJobCheckRun(SOURCE, { runId, name: "request-release", headSha: sha });
    const client = (token: string) => createGitHubClient({ token, baseUrl: emulator.url, pace: "local" });
    let now = Date.parse("2026-11-23T10:00:00Z");
    const sleeps: number[] = [];
    const context = readRunContext(
      tagPushEnv(SOURCE, sha, emulator.url, {
        GITHUB_REF: "refs/tags/8.0.7",
        GITHUB_RUN_ID: String(runId),
        GITHUB_SERVER_URL: emulator.url,
      }),
    );
    const outcome = requestRelease(settings(), context, {
      github: client("dispatch-token"),
      source: client("source-reader"),
      loadConfig: async () => parseConfig(allConfig, configPath),
      now: () => new Date(now),
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      log: () => {},
    });
    return { outcome, sleeps };
  };

  it("GitHub's check runs API shows the job as an in-progress check run by github-actions, linked to its run", async () => {
    const id = emulator.startJobCheckRun(SOURCE, { runId: 6999, name: "request-release", headSha: sha });
    const gh = createGitHubClient({ token: "source-reader", baseUrl: emulator.url, pace: "local" });
    const [owner, repo] = SOURCE.split("/") as [string, string];
    const { data } = await gh.rest.checks.listForRef({
      owner,
      repo,
      ref: sha,
      check_name: "request-release",
    });
    const mine = data.check_runs.find((c) => c.id === id);
    expect(mine).toMatchObject({
      status: "in_progress",
      conclusion: null,
      head_sha: sha,
      details_url: `${emulator.url}/${SOURCE}/actions/runs/6999/job/${id}`,
      app: { slug: "github-actions" },
    });
    emulator.completeJobCheckRun(SOURCE, id, "success");
  });

  it("sends the request when the only check still running is its own job", async () => {
    const { outcome, sleeps } = await trigger();
    const payload = await outcome;
    expect(payload.sha).toBe(sha);
    expect(sleeps).toEqual([]);
    expect(emulator.takeDispatches()).toHaveLength(1);
  });

  it("still waits for another check running on the commit, and sends nothing while it runs", async () => {
    await reportChecks(emulator, SOURCE, sha, { "build-macos-latest": "in_progress" });
    const { outcome, sleeps } = await trigger();
    await expect(outcome).rejects.toThrow(
      "does not have green CI after waiting 30 minutes: build-macos-latest (in_progress)",
    );
    // Thirty minutes, looked at every thirty seconds.
    expect(sleeps).toEqual(Array.from({ length: 60 }, () => 30_000));
    expect(emulator.takeDispatches()).toEqual([]);
  });

  it("refuses a commit with a failed check, whatever its own job says", async () => {
    await reportChecks(emulator, SOURCE, sha, { "build-macos-latest": "failure" });
    const { outcome } = await trigger();
    await expect(outcome).rejects.toThrow("does not have green CI: build-macos-latest (failure)");
    expect(emulator.takeDispatches()).toEqual([]);
  });
});
