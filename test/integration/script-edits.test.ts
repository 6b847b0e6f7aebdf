import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runScriptEdit } from "../../src/adapters/downstream/script-edit.js";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { parseConfig } from "../../src/core/config/parse.js";
import { renderTemplate } from "../../src/core/downstream/template.js";
import { parseVersion } from "../../src/core/request/version.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { generateThenOpen } from "../support/generate-then-open.js";
import { hasTool } from "../support/tools.js";

// A container repo whose own generator updates versions.json and says which image tags it made.
const UPDATE_SH = `#!/usr/bin/env bash
set -euo pipefail
line="$1"
sed -i "s|\\"$line\\": \\"[^\\"]*\\"|\\"$line\\": \\"$VERSION\\"|" versions.json
env | sort > build-env.txt
echo "tags=$VERSION $line" >> "$RELEASE_RELAY_OUTPUT"
echo "# last run for $VERSION" >> update.sh
`;

const CONFIG = (run: string, timeout = 30) => `
project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
upload: { bucket: acme-downloads }
downstream:
  - name: container
    repo: acme/demo-container
    mode: pr
    edits:
      - { kind: script, run: "${run}", timeout-seconds: ${timeout}, env: { VERSION: "{version}" } }
  - name: website
    repo: acme/demo-site
    mode: pr
    after: [container]
    edits:
      - { kind: template-create, file: "releases/{version}.md", template: "# {version}\\n\\nImages: {container.tags}\\n" }
tracking: { repo: acme/demo-release }
`;

let emulator: GitHubEmulator;
let github: GitHubClient;
let hashesFile: string;

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo("acme/demo-container", {
    files: { "update.sh": UPDATE_SH, "versions.json": '{\n  "1.2": "1.2.2",\n  "1.1": "1.1.9"\n}\n' },
  });
  await emulator.createRepo("acme/demo-site", { files: { "index.md": "# demo\n" } });
  emulator.addToken("secret-token-canary", {
    login: "bot[bot]",
    repos: { "*": ["contents:write", "pull_requests:write", "issues:write"] },
  });
  github = createGitHubClient({
    token: "secret-token-canary",
    baseUrl: emulator.url,
    retryAfterBaseValue: 1,
  });
  hashesFile = join(mkdtempSync(join(tmpdir(), "h-")), "hashes.json");
  writeFileSync(
    hashesFile,
    JSON.stringify([{ name: "demo-1.2.3.tgz", kind: "binary", size: 1, sha256: "c".repeat(64) }]),
  );
  process.env.AWS_SECRET_ACCESS_KEY = "aws-secret-canary";
});
afterEach(async () => {
  delete process.env.AWS_SECRET_ACCESS_KEY;
  await emulator.stop();
});

// The generate job (no token) runs the scripts; the downstream job publishes what they made.
const run = (config: string) =>
  generateThenOpen(
    emulator.url,
    {
      configPath: "release-relay.yml",
      environment: undefined,
      version: "1.2.3",
      hashesFile,
      token: "secret-token-canary",
      releasedVersions: [],
      trackingIssueUrl: undefined,
      releaseDate: "2025-01-07",
      recordedPrs: undefined,
    },
    parseConfig(config),
    { github, configDir: tmpdir(), today: "2025-01-07" },
  );
const show = (repo: string, ref: string, path: string) => emulator.git(repo).text(["show", `${ref}:${path}`]);

describe("script edits: the downstream repo's own generator", () => {
  it("runs on the base as anyone can read it; its changes become the PR's one commit and its outputs reach later downstreams", async () => {
    const results = await run(CONFIG("./update.sh {line}"));
    expect(results.map((r) => [r.downstream, r.outcome])).toEqual([
      ["container", "opened"],
      ["website", "opened"],
    ]);
    expect(results[0]?.files).toEqual(["build-env.txt", "update.sh", "versions.json"]);
    // The generator changed itself: it stays executable in the PR.
    expect(
      await emulator
        .git("acme/demo-container")
        .text(["ls-tree", "release-relay/1.2.3/container", "update.sh"]),
    ).toMatch(/^100755 /);
    expect(
      await emulator
        .git("acme/demo-container")
        .text(["ls-tree", "release-relay/1.2.3/container", "versions.json"]),
    ).toMatch(/^100644 /);
    expect(await show("acme/demo-container", "release-relay/1.2.3/container", "versions.json")).toBe(
      '{\n  "1.2": "1.2.3",\n  "1.1": "1.1.9"\n}',
    );
    expect(await show("acme/demo-site", "release-relay/1.2.3/website", "releases/1.2.3.md")).toBe(
      "# 1.2.3\n\nImages: 1.2.3 1.2",
    );
  });

  it("gives the script no secret: neither the GitHub token nor cloud credentials are in its environment", async () => {
    await run(CONFIG("./update.sh {line}"));
    const env = await show("acme/demo-container", "release-relay/1.2.3/container", "build-env.txt");
    expect(env).toContain("VERSION=1.2.3");
    expect(env).not.toContain("secret-token-canary");
    expect(env).not.toContain("aws-secret-canary");
    expect(env).not.toMatch(/^GITHUB_TOKEN=|^AWS_/m);
  });

  it("names a failing script; the downstream that needs its outputs is not attempted", async () => {
    const mark = emulator.log.mark();
    const results = await run(CONFIG("echo generator broke >&2; exit 3"));
    expect(results[0]).toMatchObject({ outcome: "failed" });
    expect(results[0]?.error).toContain("its generator failed in the generate job:");
    expect(results[0]?.error).toContain("exited 3: generator broke");
    expect(emulator.log.summary(mark).mutating).toBe(0);
    // The website needed the container's tags: it fails by name rather than publishing an empty list.
    expect(results[1]?.error).toContain("not attempted: it comes after container, which failed");
    expect(emulator.state.repos["acme/demo-site"]?.pulls).toHaveLength(0);
  });

  it("stops a script that runs past its timeout", async () => {
    const results = await run(CONFIG("sleep 30", 1));
    expect(results[0]?.error).toContain("did not finish within 1s");
  });
});

describe.runIf(hasTool("jq", "jq"))("the Valkey example's image tags, read from the container repo", () => {
  const example = parseConfig(
    readFileSync(join(import.meta.dirname, "../../examples/valkey/release-relay.yml"), "utf8"),
  );
  const script = example.downstream
    .find((d) => d.name === "container")
    ?.edits.find((e) => e.kind === "script") as { run: string };
  const tagsFor = async (version: string, versions: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), "container-"));
    writeFileSync(join(dir, "versions.json"), JSON.stringify(versions, null, 2));
    const v = parseVersion(version);
    const run = renderTemplate(script.run, { version: v.version, line: v.line }, "run");
    return (await runScriptEdit(dir, run, {}, 30)).outputs.tags;
  };
  const line = (debian: string, alpine: string) => ({
    version: "x",
    debian: { version: debian },
    alpine: { version: alpine },
  });

  it("names the exact version's tags as generate-stackbrew-library.sh does, without floating ones", async () => {
    expect(await tagsFor("9.0.6", { "9.0": line("trixie", "3.24") })).toEqual([
      "9.0.6",
      "9.0.6-trixie",
      "9.0.6-alpine",
      "9.0.6-alpine3.24",
    ]);
    expect(await tagsFor("9.1.0-rc1", { "9.1": line("trixie", "3.23") })).toEqual([
      "9.1.0-rc1",
      "9.1.0-rc1-trixie",
      "9.1.0-rc1-alpine",
      "9.1.0-rc1-alpine3.23",
    ]);
  });

  it("fails, naming why, when the line or a variant is missing (no empty tag list reaches the page)", async () => {
    await expect(tagsFor("8.1.9", { "9.0": line("trixie", "3.24") })).rejects.toThrow(
      /versions.json has no entry for 8.1/,
    );
    await expect(
      tagsFor("8.1.9", { "8.1": { version: "x", debian: { version: "bookworm" } } }),
    ).rejects.toThrow(/no alpine variant/);
  });
});
