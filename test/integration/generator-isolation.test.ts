// A downstream's generator is that repo's code: it runs only where no token is. The real bundled
// actions run here as the Actions runner runs them, against the GitHub emulator.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeGeneratedEdits } from "../../src/adapters/downstream/generated-edits-file.js";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { parseConfig } from "../../src/core/config/parse.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { openDownstreamPrs } from "../../src/steps/downstream/open-prs.js";
import { generateEdits } from "../support/generate-then-open.js";
import { runBundledAction } from "../support/run-action.js";

// Recognisable, and in the shape of an installation token, so a scan for ghs_ would find it.
const TOKEN = "ghs_CanaryAppToken0123456789abcdefXYZ";

// A compromised generator looks for the release's token everywhere a step's child could reach it:
// the environment of the processes above it (where INPUT_TOKEN was, when scripts ran in the step
// that held it), the step's GITHUB_OUTPUT and credentials files; then it tries to publish what it found.
const STEAL_SH = `#!/usr/bin/env bash
set -u
# Up to the step's own process (bash -c, then the action): what is above belongs to the test run.
ancestors="" chain="" pid=$PPID
for _ in 1 2; do
  ancestors+="$(tr '\\0' '\\n' < /proc/$pid/environ 2>/dev/null)"$'\\n'
  chain+="$(tr '\\0' ' ' < /proc/$pid/cmdline 2>/dev/null) < "
  pid=$(awk '/^PPid:/ {print $2}' /proc/$pid/status)
done
out=$(printf '%s\\n' "$ancestors" | sed -n 's/^GITHUB_OUTPUT=//p' | head -n1)
homes=$(printf '%s\\n' "$ancestors" | sed -n 's/^HOME=//p')
{
  echo "== ancestors' environ"; printf '%s\\n' "$ancestors"
  echo "== GITHUB_OUTPUT $out"; [ -n "$out" ] && cat "$out"
  echo "== credentials"; for h in ~ $homes; do cat "$h/.git-credentials"; done
  echo "== own environ"; env
} > loot.txt 2>&1
echo "loot=$(grep -o 'ghs_[A-Za-z0-9]*' loot.txt | head -n1)" >> "$RELEASE_RELAY_OUTPUT"
echo "ran-under=$chain" >> "$RELEASE_RELAY_OUTPUT"
[ -n "$out" ] && echo "stolen=$(grep -o 'ghs_[A-Za-z0-9]*' loot.txt | head -n1)" >> "$out"
exit 0
`;

const CONFIG = (run: string) => `
project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
upload: { bucket: acme-downloads }
downstream:
  - name: container
    repo: acme/demo-container
    mode: pr
    edits:
      - { kind: json-set, file: versions.json, path: '"{line}"', value: "{version}" }
      - { kind: script, run: '${run}', timeout-seconds: 60 }
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
let work: string;
let hashesFile: string;

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo("acme/demo-container", {
    files: { "steal.sh": STEAL_SH, "versions.json": '{\n  "1.2": "1.2.2"\n}\n' },
  });
  await emulator.createRepo("acme/demo-site", { files: { "index.md": "# demo\n" } });
  emulator.addToken(TOKEN, {
    login: "release-bot[bot]",
    repos: { "*": ["contents:write", "pull_requests:write", "issues:write"] },
  });
  github = createGitHubClient({ token: TOKEN, baseUrl: emulator.url, retryAfterBaseValue: 1 });
  work = mkdtempSync(join(tmpdir(), "isolation-"));
  hashesFile = join(work, "hashes.json");
  writeFileSync(
    hashesFile,
    JSON.stringify([{ name: "demo-1.2.3.tgz", kind: "binary", size: 1, sha256: "c".repeat(64) }]),
  );
});
afterEach(async () => {
  await emulator.stop();
});

const everything = async (repo: string) => emulator.git(repo).text(["log", "--all", "-p"]);
const runnerEnv = { GITHUB_REPOSITORY: "acme/demo-release", GITHUB_API_URL: "" };

describe("a downstream's generator never sees a token", () => {
  it("finds no token in its parent, GITHUB_OUTPUT or credentials, and none reaches what it publishes", async () => {
    const configPath = join(work, "release-relay.yml");
    writeFileSync(configPath, CONFIG("./steal.sh; echo tags=1.2.3 >> $RELEASE_RELAY_OUTPUT"));
    const env = { ...runnerEnv, GITHUB_API_URL: emulator.url };
    const generatedFile = join(work, "generated", "generated-edits.json");
    // The generate job's step: no token among its inputs or anywhere in its environment.
    const generate = await runBundledAction(
      "generate-downstream-edits",
      { "config-path": configPath, version: "1.2.3", "hashes-file": hashesFile, output: generatedFile },
      env,
    );
    expect(generate.exitCode, generate.stdout + generate.stderr).toBe(0);
    const artifact = readFileSync(generatedFile, "utf8");
    const container = JSON.parse(artifact).downstreams.container;
    const loot = container.files.find((f: { path: string }) => f.path === "loot.txt")?.content as string;
    // It did read the action's environment and the step's GITHUB_OUTPUT: there was nothing to find.
    expect(loot).toContain("INPUT_VERSION=1.2.3");
    expect(loot).toContain(`== GITHUB_OUTPUT ${join(tmpdir())}`);
    expect(container.outputs).toMatchObject({ loot: "", tags: "1.2.3" });
    expect(container.outputs["ran-under"]).toContain("dist/generate-downstream-edits/index.js");
    expect(container.outputs["ran-under"]).not.toContain("open-downstream-prs");

    // The downstream job's step holds the App token (and a credentials file beside it); it runs no script.
    const home = join(work, "home");
    mkdirSync(home);
    writeFileSync(join(home, ".git-credentials"), `https://x-access-token:${TOKEN}@github.com\n`);
    const open = await runBundledAction(
      "open-downstream-prs",
      {
        "config-path": configPath,
        version: "1.2.3",
        "hashes-file": hashesFile,
        token: TOKEN,
        "generated-edits": generatedFile,
        "release-date": "2025-01-07",
      },
      { ...env, HOME: home },
    );
    expect(open.exitCode, open.stdout + open.stderr).toBe(0);
    expect(JSON.parse(open.outputs.prs as string).map((p: { outcome: string }) => p.outcome)).toEqual([
      "opened",
      "opened",
    ]);
    expect(
      await emulator.git("acme/demo-site").text(["show", "release-relay/1.2.3/website:releases/1.2.3.md"]),
    ).toBe("# 1.2.3\n\nImages: 1.2.3");
    for (const text of [
      artifact,
      generate.stdout,
      generate.summary,
      JSON.stringify(generate.outputs),
      open.summary,
      await everything("acme/demo-container"),
      await everything("acme/demo-site"),
    ])
      expect(text).not.toContain(TOKEN);
    expect(generate.outputs.stolen ?? "").toBe("");
  });

  it("refuses a script that writes 10 MB of outputs (and logs 10 MB), and nothing is pushed", async () => {
    const flood =
      "seq 1 800000 | sed s/^/tags[]=1.2./ >> $RELEASE_RELAY_OUTPUT; seq 1 1500000 | sed s/^/log-line-/";
    const config = parseConfig(CONFIG(flood));
    const mark = emulator.log.mark();
    const settings = { version: "1.2.3", hashesFile, releasedVersions: [], releaseDate: "2025-01-07" };
    const { file, generated } = await generateEdits(emulator.url, settings, config, work);
    expect(generated.downstreams.container).toMatchObject({ status: "failed" });
    const results = await openDownstreamPrs(
      {
        ...settings,
        configPath: join(work, "release-relay.yml"),
        environment: undefined,
        token: TOKEN,
        trackingIssueUrl: undefined,
        recordedPrs: undefined,
        generatedEdits: file,
      },
      config,
      { github, configDir: work, today: "2025-01-07" },
    );
    expect(results[0]?.error).toContain("wrote more than 65536 bytes of outputs to $RELEASE_RELAY_OUTPUT");
    expect(results[1]?.error).toContain("not attempted: it comes after container, which failed");
    expect(emulator.log.summary(mark).mutating).toBe(0);
    expect(readFileSync(file).length).toBeLessThan(10_000);
  });

  it.each([
    ["a symlink to /dev/zero", 'ln -sf /dev/zero "$RELEASE_RELAY_OUTPUT"', "is not a file it wrote"],
    ["a FIFO", 'rm -f "$RELEASE_RELAY_OUTPUT"; mkfifo "$RELEASE_RELAY_OUTPUT"', "is not a regular file"],
  ])("refuses outputs that are %s, without waiting on it", async (_name, run, message) => {
    const settings = { version: "1.2.3", hashesFile, releasedVersions: [], releaseDate: "2025-01-07" };
    const { generated } = await generateEdits(emulator.url, settings, parseConfig(CONFIG(run)), work);
    expect(generated.downstreams.container).toMatchObject({ status: "failed" });
    expect(JSON.stringify(generated.downstreams.container)).toContain(message);
  });

  it("refuses a script that leaves a symlink: a generated change is regular files only", async () => {
    const settings = { version: "1.2.3", hashesFile, releasedVersions: [], releaseDate: "2025-01-07" };
    const run = "ln -s /etc/passwd passwd";
    const { generated } = await generateEdits(emulator.url, settings, parseConfig(CONFIG(run)), work);
    expect(JSON.stringify(generated.downstreams.container)).toContain("the script made passwd a symlink");
  });

  it("names the fix when a downstream that runs a script is private: it cannot be read without a token", async () => {
    await emulator.createRepo("acme/private-container", {
      private: true,
      files: { "versions.json": '{\n  "1.2": "1.2.2"\n}\n' },
    });
    const config = parseConfig(
      CONFIG("true").replace("repo: acme/demo-container", "repo: acme/private-container"),
    );
    const settings = { version: "1.2.3", hashesFile, releasedVersions: [], releaseDate: "2025-01-07" };
    const { generated } = await generateEdits(emulator.url, settings, config, work);
    const entry = generated.downstreams.container;
    expect(entry).toMatchObject({ status: "failed" });
    expect(entry && "error" in entry ? entry.error : "").toContain(
      "cannot read acme/private-container without a token: GitHub answered 401",
    );
    expect(entry && "error" in entry ? entry.error : "").toContain("make the repo public");
  });
});

describe("the downstream job checks what the generate job handed over", () => {
  const settings = () => ({
    configPath: join(work, "release-relay.yml"),
    environment: undefined,
    version: "1.2.3",
    hashesFile,
    token: TOKEN,
    releasedVersions: [],
    trackingIssueUrl: undefined,
    releaseDate: "2025-01-07",
    recordedPrs: undefined,
  });
  const config = () => parseConfig(CONFIG("echo tags=1.2.3 >> $RELEASE_RELAY_OUTPUT"));
  const open = async (change: (g: Record<string, unknown>) => void) => {
    const { file, generated } = await generateEdits(emulator.url, settings(), config(), work);
    const tampered = JSON.parse(JSON.stringify(generated));
    change(tampered.downstreams.container);
    await writeGeneratedEdits(file, tampered);
    const mark = emulator.log.mark();
    const results = await openDownstreamPrs({ ...settings(), generatedEdits: file }, config(), {
      github,
      configDir: work,
      today: "2025-01-07",
    });
    expect(emulator.log.summary(mark).mutating).toBe(0);
    return results;
  };

  it.each([
    ["a path that leaves the repo", "../escape", "a path that leaves the repository"],
    ["an absolute path", "/etc/passwd", "an absolute path"],
    ["a path under .git", "sub/.git/hooks/pre-commit", "a path under .git"],
  ])("refuses %s, for every downstream", async (_name, path, message) => {
    const results = await open((c) => {
      (c.files as { path: string }[])[0] = { ...(c.files as { path: string }[])[0], path } as never;
    });
    expect(results.map((r) => r.outcome)).toEqual(["failed", "failed"]);
    expect(results[0]?.error).toContain(message);
  });

  it("refuses a change made for other edits, or on a base that has moved since", async () => {
    const other = await open((c) => {
      c.edits = "0".repeat(64);
    });
    expect(other[0]?.error).toContain("were made for other edits than release-relay.yml gives it here");
    const moved = await open((c) => {
      c.baseSha = "1".repeat(40);
    });
    expect(moved[0]?.error).toMatch(/main moved from 111111111111 to [0-9a-f]{12} after its script ran/);
  });

  it("refuses a downstream that runs a script when no generated edits were handed over", async () => {
    const results = await openDownstreamPrs(
      { ...settings(), generatedEdits: join(work, "missing.json") },
      config(),
      { github, configDir: work, today: "2025-01-07" },
    );
    expect(results[0]?.error).toContain("scripts run only in the generate job, which holds no token");
    expect(results[1]?.error).toContain("not attempted");
  });
});
