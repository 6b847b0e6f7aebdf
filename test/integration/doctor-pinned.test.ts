import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packagePin } from "../../src/adapters/actions-pin.js";
import { runCli } from "../../src/cli/main.js";
import { type ActionsPin, pinWorkflow } from "../../src/core/install/action-pins.js";
import { withCiWorkflowNames } from "../../src/core/setup/ci-workflow-names.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { installedFiles } from "../../src/steps/init-files.js";
import { setEnv } from "../support/process-env.js";

let github: GitHubEmulator;
let pin: ActionsPin;
let owners = 0;

beforeAll(async () => {
  github = new GitHubEmulator();
  await github.start();
  github.addToken("good", {
    login: "bot[bot]",
    repos: { "*": ["contents:write", "pull_requests:write", "issues:write"] },
  });
  pin = (await packagePin()).pin;
});

afterAll(async () => {
  await github.stop();
});

type Edit = (path: string, text: string) => string;

/** A project whose repos hold what `init` of this version installs with pinned actions, then `edit`ed. */
async function project(edit: Edit = (_, t) => t) {
  const owner = `acme${++owners}`;
  const repos = { main: `${owner}/demo`, automation: `${owner}/release`, hashes: `${owner}/hashes` };
  const config = join(mkdtempSync(join(tmpdir(), "doctor-pinned-")), "release-relay.yml");
  writeFileSync(
    config,
    `project: demo
source: { repo: ${repos.main} }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
signing: { method: none }
upload: { bucket: downloads.acme.test, prefix: releases/ }
downstream:
  - { name: hashes, repo: ${repos.hashes}, mode: pr, edits: [{ kind: append-line, file: README, line: "{version}" }] }
tracking: { repo: ${repos.automation} }
`,
  );
  const files = await installedFiles(
    {
      downstream: [{ name: "hashes", repo: repos.hashes }],
      tagPattern: "^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$",
    },
    { main: "main", automation: "automation", downstream: { hashes: "hashes" } },
    { layout: "pinned", pin },
  );
  for (const [dir, repo] of [
    ["main", repos.main],
    ["automation", repos.automation],
    ["hashes", repos.hashes],
  ] as const) {
    const seed: Record<string, string> = { README: "x\n" };
    for (const [path, { content }] of files)
      if (path.startsWith(`${dir}/`))
        seed[path.slice(dir.length + 1)] = edit(path.slice(dir.length + 1), content);
    await github.createRepo(repo, { files: seed });
  }
  const lines: string[] = [];
  const restore = setEnv({ GITHUB_TOKEN: "good" });
  const code = await runCli(
    ["doctor", "--config", config, "--api-url", github.url, "--skip-bucket", "--skip-signing"],
    (t) => lines.push(t),
  ).finally(restore);
  return { code, text: lines.join("\n"), repos };
}

describe("the doctor on repos whose workflows pin release-relay's actions", () => {
  it("passes what init of this version installs, reading no workflow it can match by blob id", async () => {
    const mark = github.log.mark();
    const { code, text, repos } = await project();
    expect(text).toContain(
      `ok    ${repos.automation}: files installed by release-relay init match this version (3 files)`,
    );
    expect(text).toContain(
      `ok    ${repos.automation}: workflows pin release-relay ${pin.version} (${pin.sha.slice(0, 12)})`,
    );
    expect(text).toContain(
      `ok    ${repos.main}: files installed by release-relay init match this version (1 file)`,
    );
    expect(code).toBe(0);
    // Trees and the request workflow's text (its tag filter is checked): no other blob is read.
    const blobs = github.log.calls({ since: mark, route: "GET /repos/{owner}/{repo}/git/blobs/{file_sha}" });
    expect(blobs).toHaveLength(1);
  });

  it("fails an automation repo whose workflows pin different commits, with upgrade as the fix", async () => {
    const old = { ...pin, sha: "1".repeat(40), version: "0.0.1" };
    const { code, text, repos } = await project((path, t) =>
      path === ".github/workflows/status.yml"
        ? pinWorkflow(
            t.replaceAll(
              `${pin.repo}/actions/track-status@${pin.sha} # v${pin.version}`,
              "./actions/track-status",
            ),
            old,
          )
        : t,
    );
    expect(code).toBe(1);
    expect(text).toContain(
      `FAIL  ${repos.automation}: workflows pin release-relay ${pin.version}: its workflows pin 2 different commits`,
    );
    expect(text).toContain(".github/workflows/status.yml → 111111111111 (v0.0.1)");
    expect(text).toContain(`npx release-relay@${pin.version} upgrade`);
  });

  it("takes a downstream's own CI workflow names as its own, and warns on a workflow changed by hand", async () => {
    const { code, text, repos } = await project((path, t) =>
      path.endsWith("report-status.yml")
        ? withCiWorkflowNames(t, ["Check hashes"])
        : path === ".github/workflows/yank.yml"
          ? t.replace("runs-on: ubuntu-latest", "runs-on: self-hosted")
          : t,
    );
    expect(text).toContain(
      `ok    ${repos.hashes}: files installed by release-relay init match this version (1 file)`,
    );
    expect(text).toMatch(
      new RegExp(
        `warn  ${repos.automation}: files installed by release-relay init match this version: differs from this version's template \\(changed by hand, or from another version\\): \\.github/workflows/yank\\.yml`,
      ),
    );
    expect(code).toBe(0);
  });
});
