import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseReleaseRequested } from "../../src/core/request/release-requested.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { runBundledAction, tagPushEnv } from "../support/run-action.js";
import { seedReleasableCommit, seedSourceRepo, triggerInputs } from "../support/source-ci.js";

const configPath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const AUTOMATION = "valkey-io/valkey-release-automation";
const SOURCE = "valkey-io/valkey";
let SHA: string;
let emulator: GitHubEmulator;

const runnerEnv = (overrides: Record<string, string> = {}) =>
  tagPushEnv(SOURCE, SHA, emulator.url, overrides);
const inputs = (overrides: Record<string, string> = {}) => triggerInputs(AUTOMATION, configPath, overrides);

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  SHA = await seedSourceRepo(emulator, SOURCE);
  await seedReleasableCommit(emulator, SOURCE, { line: "8.1", tag: "8.1.0-rc1" });
  await emulator.createRepo(AUTOMATION, { files: { "release-relay.yml": readFileSync(configPath, "utf8") } });
  emulator.addToken("dispatch-token", {
    login: "release-bot[bot]",
    repos: { [AUTOMATION]: ["contents:write"] },
  });
  emulator.addToken("read-only-token", { login: "reader", repos: { [AUTOMATION]: ["contents:read"] } });
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => {
  emulator.takeDispatches();
});

describe("root action.yml (trigger) run as the Actions runner runs it", () => {
  it("validates the pushed tag and sends one release-requested with a payload the receivers accept", async () => {
    const result = await runBundledAction("trigger", inputs(), runnerEnv());
    expect(result.stdout).not.toContain("::error::");
    expect(result.exitCode).toBe(0);
    const [dispatch, ...more] = emulator.takeDispatches();
    expect(more).toEqual([]);
    expect(dispatch).toMatchObject({
      repo: AUTOMATION,
      eventType: "release-requested",
      sender: "release-bot[bot]",
    });
    expect(dispatch?.clientPayload).toMatchObject({ schemaVersion: 2 });
    const payload = parseReleaseRequested(dispatch?.clientPayload);
    expect(payload).toMatchObject({
      releaseId: "valkey@8.0.2",
      version: "8.0.2",
      tag: "8.0.2",
      sha: SHA,
      sourceRepo: "valkey-io/valkey",
      prerelease: false,
      trigger: {
        actor: "maintainer",
        event: "push",
        runUrl: "https://github.com/valkey-io/valkey/actions/runs/42",
      },
    });
    expect(result.outputs["release-id"]).toBe("valkey@8.0.2");
    expect(JSON.parse(result.outputs.payload ?? "")).toEqual(dispatch?.clientPayload);
  });

  it("reads release-relay.yml from the automation repo when the main repo has none", async () => {
    const mark = emulator.log.mark();
    const result = await runBundledAction("trigger", inputs({ "config-path": "release-relay.yml" }), {
      ...runnerEnv({ GITHUB_REF: "refs/tags/8.1.0-rc1" }),
      GITHUB_WORKSPACE: "/tmp",
    });
    expect(result.exitCode).toBe(0);
    expect(emulator.log.calls({ since: mark }).map((c) => c.route)).toEqual([
      "GET /repos/{owner}/{repo}/contents/{path}",
      "GET /repos/{owner}/{repo}/compare/{basehead}",
      "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
      "GET /repos/{owner}/{repo}/commits/{ref}/status",
      "POST /repos/{owner}/{repo}/dispatches",
    ]);
    expect(parseReleaseRequested(emulator.takeDispatches()[0]?.clientPayload).prerelease).toBe(true);
  });

  it.each([
    ["refs/tags/v8.0.2", 'E_TAG_PATTERN: tag "v8.0.2" does not match tags.pattern', 'push "8.0.2"'],
    ["refs/tags/8.0", 'E_TAG_PATTERN: tag "8.0" does not match', "change tags.pattern"],
    ["refs/tags/8.0.2;rm -rf /", "E_TAG_UNSAFE", "push one like 8.0.2"],
    ["refs/heads/main", "E_INPUT: no tag to release", "run the workflow on `push: tags`"],
  ])("refuses %s before any call to GitHub", async (ref, problem, fix) => {
    const mark = emulator.log.mark();
    const result = await runBundledAction("trigger", inputs(), runnerEnv({ GITHUB_REF: ref }));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(problem);
    expect(result.stdout).toContain(fix);
    expect(emulator.log.calls({ since: mark })).toEqual([]);
    expect(emulator.takeDispatches()).toEqual([]);
  });

  it("refuses a tag pushed in another repository (a fork) and sends nothing", async () => {
    const result = await runBundledAction(
      "trigger",
      inputs(),
      runnerEnv({ GITHUB_REPOSITORY: "someone/valkey-fork" }),
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "E_SOURCE_REPO: this run is in someone/valkey-fork, but release-relay.yml releases valkey-io/valkey",
    );
    expect(emulator.takeDispatches()).toEqual([]);
  });

  it("names the missing permission when the token may not dispatch, and never prints the token", async () => {
    const result = await runBundledAction("trigger", inputs({ token: "read-only-token" }), runnerEnv());
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "E_GITHUB: could not send release-requested to valkey-io/valkey-release-automation: GitHub answered 403",
    );
    expect(result.stdout).toContain(
      'give the token "Contents: read and write" on valkey-io/valkey-release-automation',
    );
    // `::add-mask::` is the runner's masking command, consumed by the runner and never shown.
    const shown = `${result.stdout}${result.stderr}`.replace(/^::add-mask::.*$/gm, "");
    expect(result.stdout).toContain("::add-mask::read-only-token");
    expect(shown).not.toContain("read-only-token");
  });

  it("requires the automation repo and token inputs", async () => {
    const result = await runBundledAction("trigger", { "config-path": configPath }, runnerEnv());
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("input automation-repo: expected string, got nothing");
    expect(result.stdout).toContain("input token: expected string, got nothing");
  });
});
