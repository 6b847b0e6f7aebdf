import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfigFile } from "../../src/adapters/config-file.js";
import { probePublishedKey } from "../../src/adapters/doctor-probes.js";
import { installedContent } from "../../src/adapters/package-files.js";
import { ed25519Signer } from "../../src/adapters/storage/signing.js";
import { runCli } from "../../src/cli/main.js";
import { installedFilesByRepo } from "../../src/core/setup/installed-files.js";
import { withTagFilters } from "../../src/core/setup/request-workflow-tags.js";
import { tagFilterFor } from "../../src/core/setup/tag-filter.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { LocalS3 } from "../../src/rehearsal/s3/local-s3.js";
import { setEnv } from "../support/process-env.js";
import { runBundledAction } from "../support/run-action.js";
import { makeEd25519Key } from "../support/tools.js";

const BUCKET = "downloads.acme.test";
let github: GitHubEmulator;
let s3: LocalS3;
let keyServer: Server;
let publishedKey = "";
const key = makeEd25519Key();
const otherKey = makeEd25519Key();

async function publicKeyOf(pem: string): Promise<string> {
  const signer = ed25519Signer(pem);
  const dir = mkdtempSync(join(tmpdir(), "pub-"));
  const [file] = await signer.writePublicKeys(dir);
  await signer.close();
  return (await import("node:fs")).readFileSync(file as string, "utf8");
}

const configFile = (
  bucket = BUCKET,
  repos = { automation: "acme/release", site: "acme/site" },
  tagPattern?: string,
  githubRelease = false,
) => {
  const path = join(mkdtempSync(join(tmpdir(), "doctor-")), "release-relay.yml");
  writeFileSync(
    path,
    `project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
signing: { method: ed25519, key-secret: DEMO_SIGNING_KEY, public-key-url: "http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/demo.pub" }
upload: { bucket: ${bucket}, prefix: releases/, endpoint: "${s3.endpoint}" }
downstream:
  - { name: hashes, repo: acme/hashes, mode: pr, edits: [{ kind: append-line, file: README, line: "{version}" }] }
  - { name: site, repo: ${repos.site}, mode: dry-run, edits: [{ kind: append-line, file: README, line: "{version}" }] }
tracking: { repo: ${repos.automation} }
${tagPattern ? `tags: { pattern: ${JSON.stringify(tagPattern)} }\n` : ""}${githubRelease ? "github-release: { mode: publish }\n" : ""}`,
  );
  return path;
};

async function doctor(path: string, token: string, env: Record<string, string | undefined> = {}) {
  const restore = setEnv({ GITHUB_TOKEN: token, DEMO_SIGNING_KEY: key, ...env });
  const lines: string[] = [];
  try {
    const code = await runCli(["doctor", "--config", path, "--api-url", github.url], (t) => lines.push(t));
    return { code, text: lines.join("\n") };
  } finally {
    restore();
  }
}

let restoreEnv = () => {};
beforeAll(async () => {
  github = new GitHubEmulator();
  await github.start();
  const rw = ["contents:write", "pull_requests:write", "issues:write"] as const;
  github.addToken("good", { login: "bot[bot]", repos: { "*": [...rw] } });
  github.addToken("release", { login: "release[bot]", repos: { "acme/demo": ["contents:write"] } });
  github.addToken("release-ro", { login: "release[bot]", repos: { "acme/demo": ["contents:read"] } });
  github.addToken("no-issues-no-pulls", {
    login: "bot[bot]",
    repos: {
      "acme/release": ["contents:write"],
      "acme/hashes": ["contents:write"],
      "acme/demo": ["contents:read"],
      "acme/site": ["contents:read"],
    },
  });
  s3 = new LocalS3();
  await s3.start([BUCKET]);
  publishedKey = await publicKeyOf(key);
  keyServer = createServer((_req, res) => res.end(publishedKey));
  await new Promise<void>((r) => keyServer.listen(0, "127.0.0.1", r));
  // Each repo holds what `release-relay init` of this version installs there.
  const installed = installedFilesByRepo(await readConfigFile(configFile()), installedContent);
  for (const repo of ["acme/demo", "acme/release", "acme/hashes", "acme/site"]) {
    const files: Record<string, string> = { README: "x\n" };
    for (const [path, content] of installed.get(repo) ?? []) files[path] = await content;
    await github.createRepo(repo, { files });
  }
  restoreEnv = setEnv({
    AWS_ACCESS_KEY_ID: "release-relay-local",
    AWS_SECRET_ACCESS_KEY: "release-relay-local-secret",
  });
});

afterAll(async () => {
  restoreEnv();
  keyServer.close();
  await s3.stop();
  await github.stop();
});

describe("release-relay doctor against the emulator and the local S3", () => {
  it("passes a healthy setup, and changes nothing while checking", async () => {
    const mark = github.log.mark();
    const { code, text } = await doctor(configFile(), "good");
    expect(text).toContain("ok    acme/release: contents write");
    expect(text).toContain("ok    acme/release: issues write");
    expect(text).toContain("ok    acme/hashes: pull requests write");
    expect(text).toContain("ok    acme/site: contents read");
    // A token given by hand may be a person's, whose access differs from repo to repo: every repo's
    // writes are probed.
    expect(text).toContain("ok    acme/hashes: contents write\n");
    expect(github.log.calls({ since: mark, route: "POST /repos/{owner}/{repo}/git/refs" })).toHaveLength(2);
    expect(text).toContain(`ok    s3://${BUCKET}/releases/ is writable`);
    expect(text).toContain("ok    published public key");
    expect(text).toMatch(
      /ok {4}acme\/release: files installed by release-relay init match this version \(22 files\)/,
    );
    expect(text).toContain(
      "ok    acme/demo: files installed by release-relay init match this version (4 files)",
    );
    expect(text).toContain(
      "ok    acme/hashes: files installed by release-relay init match this version (1 file)",
    );
    expect(text).not.toContain("acme/site: files");
    expect(text).toMatch(/all \d+ checks passed$/);
    expect(code).toBe(0);
    // Every probe write was refused as invalid: nothing was created anywhere.
    expect(github.log.summary(mark).mutating).toBe(0);
    for (const repo of ["acme/release", "acme/hashes"]) {
      expect(github.state.repos[repo]?.issues ?? []).toHaveLength(0);
      expect(github.state.repos[repo]?.pulls ?? []).toHaveLength(0);
      expect(await github.git(repo).text(["for-each-ref", "--format=%(refname)"])).toBe("refs/heads/main");
    }
    const listed = await s3
      .client()
      .send(new (await import("@aws-sdk/client-s3")).ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });

  it("lists every problem at once, each with its fix: moved repos, missing permissions, bucket, key", async () => {
    const path = configFile("no-such-bucket", { automation: "acme-old/release", site: "acme/site" });
    const { code, text } = await doctor(path, "no-issues-no-pulls", { DEMO_SIGNING_KEY: otherKey });
    expect(code).toBe(1);
    expect(text).toContain(
      "FAIL  acme-old/release exists (automation (ledger branch, tracking issue)): not found",
    );
    expect(text).toContain("did the project move to another organisation?");
    expect(text).toContain("FAIL  acme/hashes: pull requests write: refused (GitHub answered 403)");
    expect(text).toContain('fix: give the release token "Pull requests: read and write" on acme/hashes');
    expect(text).toContain("FAIL  s3://no-such-bucket/releases/ is writable");
    expect(text).toContain("FAIL  published public key");
    expect(text).toContain("the signing key is not the key users verify with");
    expect(text).toContain("4 of 15 checks failed; fix them all before releasing");
  });

  it("counts a probe whose reply was lost, then refused as taken on the retry, as written; and removes it", async () => {
    // The PUT is stored and its answer lost: the SDK retries, and the conditional PUT finds the key taken.
    s3.failNext("PUT", "reset", { phase: "after" });
    const before = s3.operations.length;
    const { code, text } = await doctor(configFile(), "good");
    expect(s3.operations.slice(before).map((o) => o.op)).toContain("Fault:reset:after");
    expect(text).toContain(`ok    s3://${BUCKET}/releases/ is writable`);
    expect(text).not.toContain("the probe object was removed");
    expect(code).toBe(0);
    const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });

  it("names a missing signing key and an invalid token", async () => {
    const missing = await doctor(configFile(), "good", { DEMO_SIGNING_KEY: undefined });
    expect(missing.code).toBe(1);
    expect(missing.text).toContain("DEMO_SIGNING_KEY is not set in the environment");
    const invalid = await doctor(configFile(), "not-a-token");
    expect(invalid.text).toContain("the token is not valid (GitHub answered 401)");
  });

  it("finds vendored code of another version and missing files; warns on a workflow changed by hand", async () => {
    const git = github.git("acme/release");
    const before = await git.text(["rev-parse", "refs/heads/main"]);
    const blob = async (text: string) => git.writeBlob(Buffer.from(text));
    const workflow = await git.text(["cat-file", "blob", `${before}:.github/workflows/release.yml`]);
    const tree = await git.writeTree(before, [
      { path: "dist/track-status/index.js", mode: "100644", sha: await blob("// release-relay 0.9\n") },
      { path: ".github/workflows/status.yml", mode: "100644", sha: null },
      {
        path: ".github/workflows/release.yml",
        mode: "100644",
        sha: await blob(workflow.replace("runs-on: ubuntu-latest", "runs-on: self-hosted")),
      },
    ]);
    const who = { name: "acme", email: "acme@example.org", date: "2026-11-23T10:00:00Z" };
    const changed = await git.writeCommit(tree, [before], "hand edits\n", who, who);
    await git.run(["update-ref", "refs/heads/main", changed]);
    try {
      const { code, text } = await doctor(configFile(), "good");
      expect(code).toBe(1);
      expect(text).toContain(
        "FAIL  acme/release: files installed by release-relay init match this version: missing .github/workflows/status.yml; from another release-relay version: dist/track-status/index.js",
      );
      expect(text).toContain(
        "fix: in a checkout of the repo, run `npx release-relay upgrade` of this version",
      );
      expect(text).toMatch(/1 of \d+ checks failed; fix them all/);
      // Put the code back: only the hand-edited workflow is left, which warns without failing.
      const codeBack = await git.writeTree(changed, [
        {
          path: "dist/track-status/index.js",
          mode: "100644",
          sha: await git.text(["rev-parse", `${before}:dist/track-status/index.js`]),
        },
        {
          path: ".github/workflows/status.yml",
          mode: "100644",
          sha: await git.text(["rev-parse", `${before}:.github/workflows/status.yml`]),
        },
      ]);
      await git.run([
        "update-ref",
        "refs/heads/main",
        await git.writeCommit(codeBack, [changed], "restore\n", who, who),
      ]);
      const warned = await doctor(configFile(), "good");
      expect(warned.text).toContain(
        "warn  acme/release: files installed by release-relay init match this version: differs from this version's template (changed by hand, or from another version): .github/workflows/release.yml",
      );
      expect(warned.text).toMatch(/all \d+ checks passed \(1 warning\)/);
      expect(warned.code).toBe(0);
    } finally {
      await git.run(["update-ref", "refs/heads/main", before]);
    }
  });

  it("fails when a tag tags.pattern accepts would not start the main repo's workflow, naming the line to change; the filter is the project's own", async () => {
    const pattern = "^v(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";
    const path = configFile(BUCKET, undefined, pattern);
    const { code, text } = await doctor(path, "good");
    expect(code).toBe(1);
    expect(text).toContain(
      `FAIL  acme/demo: .github/workflows/release-relay.yml starts on every tag tags.pattern accepts: tags "v0.0.0", "v777.777.777", "v0.0.0-rc0" match tags.pattern ${pattern} but not on.push.tags ["[0-9]+.[0-9]+.[0-9]+","[0-9]+.[0-9]+.[0-9]+-rc[0-9]+"]: pushing such a tag requests no release`,
    );
    expect(text).toContain(
      'fix: in .github/workflows/release-relay.yml of acme/demo, replace the list at line 16 with:\n        tags:\n          - "v[0-9]+.[0-9]+.[0-9]+"\n          - "v[0-9]+.[0-9]+.[0-9]+-rc[0-9]+"',
    );
    expect(text).toMatch(/1 of \d+ checks failed/);
    // The filter init writes for that pattern: both checks pass, and the file is this version's.
    const git = github.git("acme/demo");
    const before = await git.text(["rev-parse", "refs/heads/main"]);
    const workflow = readFileSync(
      join(import.meta.dirname, "../../workflows-templates/main-repo/release.yml"),
      "utf8",
    );
    const who = { name: "acme", email: "acme@example.org", date: "2026-11-23T10:00:00Z" };
    const tree = await git.writeTree(before, [
      {
        path: ".github/workflows/release-relay.yml",
        mode: "100644",
        sha: await git.writeBlob(Buffer.from(withTagFilters(workflow, tagFilterFor(pattern).filters))),
      },
    ]);
    await git.run([
      "update-ref",
      "refs/heads/main",
      await git.writeCommit(tree, [before], "v tags\n", who, who),
    ]);
    try {
      const fixed = await doctor(path, "good");
      expect(fixed.text).toContain(
        "ok    acme/demo: .github/workflows/release-relay.yml starts on every tag tags.pattern accepts",
      );
      expect(fixed.text).toContain(
        "ok    acme/demo: files installed by release-relay init match this version (4 files)",
      );
      expect(fixed.code).toBe(0);
    } finally {
      await git.run(["update-ref", "refs/heads/main", before]);
    }
  });
});

describe("the doctor action, as vendored into an automation repo: the release workflow's first job", () => {
  // Only its own bundle is there: no templates or other bundles to compare the repos' files with.
  const automation = mkdtempSync(join(tmpdir(), "vendored-doctor-"));
  mkdirSync(join(automation, "dist", "doctor"), { recursive: true });
  copyFileSync(
    join(import.meta.dirname, "../../dist/doctor/index.js"),
    join(automation, "dist/doctor/index.js"),
  );
  writeFileSync(join(automation, "dist/package.json"), '{ "type": "module" }\n');
  const runDoctorAction = (token: string, inputs: Record<string, string> = {}, config = configFile()) =>
    runBundledAction(
      "doctor",
      { "config-path": config, token, ...inputs },
      {
        GITHUB_REPOSITORY: "acme/release",
        GITHUB_REF: "refs/heads/main",
        GITHUB_SHA: "0".repeat(40),
        GITHUB_ACTOR: "maintainer",
        GITHUB_EVENT_NAME: "repository_dispatch",
        GITHUB_RUN_ID: "7",
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_API_URL: github.url,
        GITHUB_WORKSPACE: automation,
        AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID as string,
        AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY as string,
      },
      automation,
    );

  it("passes a healthy setup with the file versions built into it, and changes nothing", async () => {
    const mark = github.log.mark();
    const run = await runDoctorAction(
      "good",
      { "signing-key": key, "release-token": "release" },
      configFile(BUCKET, undefined, undefined, true),
    );
    expect(run.exitCode, run.stdout).toBe(0);
    // The repos hold what init of this version installs: the bundle knows each file's sha.
    expect(run.stdout).toContain(
      "ok    acme/release: files installed by release-relay init match this version (22 files)",
    );
    expect(run.stdout).toContain("ok    acme/demo: files installed by release-relay init match this version");
    expect(run.stdout).toContain(`ok    s3://${BUCKET}/releases/ is writable`);
    expect(run.stdout).toContain("ok    published public key");
    expect(run.summary).toContain("release-relay doctor");
    expect(run.summary).toMatch(/all \d+ checks passed/);
    expect(github.log.summary(mark).mutating).toBe(0);
    // Installation tokens: one refused write per owner and permission answers for all that owner's
    // repos (acme/release's Contents probe for acme/hashes too).
    expect(run.stdout).toContain(
      "ok    acme/hashes: contents write (as on acme/release, the same installation)",
    );
    const probes = github.log.calls({ since: mark }).filter((c) => c.method !== "GET");
    expect(probes.map((c) => `${c.route} ${c.path.split("/")[3]} ${c.login}`).sort()).toEqual([
      // The source repo's GitHub Release is kept with the release token: probed with it, alone.
      "POST /repos/{owner}/{repo}/git/refs demo release[bot]",
      "POST /repos/{owner}/{repo}/git/refs release bot[bot]",
      "POST /repos/{owner}/{repo}/issues release bot[bot]",
      "POST /repos/{owner}/{repo}/pulls hashes bot[bot]",
    ]);
    expect(run.stdout).toMatch(/ok {4}acme\/demo: contents write/);
    const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.KeyCount ?? 0).toBe(0);
    // The key never shows in the log or the summary (the runner takes ::add-mask:: lines to mask it).
    const log = run.stdout
      .split("\n")
      .filter((l) => !l.startsWith("::add-mask::"))
      .join("\n");
    expect(log + run.summary).not.toContain(key.split("\n")[1]);
  });

  it("fails listing every problem as an error with its fix, before anything is recorded", async () => {
    const mark = github.log.mark();
    const run = await runDoctorAction("no-issues-no-pulls");
    expect(run.exitCode).toBe(1);
    const errors = run.stdout.split("\n").filter((l) => l.startsWith("::error::"));
    expect(errors.some((l) => l.includes('"Pull requests: read and write" on acme/hashes'))).toBe(true);
    expect(errors.some((l) => l.includes('"Issues: read and write" on acme/release'))).toBe(true);
    expect(errors.at(-1)).toMatch(
      /^::error::E_DOCTOR: 2 of \d+ checks failed before the release started: nothing was recorded, built or published — fix every problem listed above/,
    );
    // The signing key lives in the release environment and never reaches the doctor: it says so, as a pass.
    expect(run.stdout).not.toContain("::warning::signing key");
    expect(run.stdout).toContain("signing key: held by the release environment only");
    expect(run.summary).toContain("FAIL  acme/hashes: pull requests write");
    expect(github.log.summary(mark).mutating).toBe(0);
  });

  it("fails when the release token may not write to the source repo that keeps the GitHub Release", async () => {
    const config = configFile(BUCKET, undefined, undefined, true);
    const mark = github.log.mark();
    const run = await runDoctorAction("good", { "release-token": "release-ro" }, config);
    expect(run.exitCode).toBe(1);
    const errors = run.stdout.split("\n").filter((l) => l.startsWith("::error::"));
    expect(errors.filter((l) => !l.includes("E_DOCTOR"))).toEqual([
      expect.stringContaining("acme/demo: contents write"),
    ]);
    // The release token's refusal says nothing of the installation's repos: acme/release was probed too.
    expect(
      github.log
        .calls({ since: mark })
        .filter((c) => c.method !== "GET")
        .map((c) => `${c.path.split("/")[3]} ${c.login}`),
    ).toEqual(expect.arrayContaining(["demo release[bot]", "release bot[bot]"]));
    // Without the release token, the first installation's is tried on the source repo (and refused here).
    const without = await runDoctorAction("no-issues-no-pulls", {}, config);
    expect(without.summary).toContain("FAIL  acme/demo: contents write");
  });

  it("fails on vendored code of another version in the automation repo; only warns on the trigger that sent the release", async () => {
    const who = { name: "acme", email: "acme@example.org", date: "2026-11-23T10:00:00Z" };
    const replace = async (repo: string, path: string) => {
      const git = github.git(repo);
      const before = await git.text(["rev-parse", "refs/heads/main"]);
      const tree = await git.writeTree(before, [
        { path, mode: "100644", sha: await git.writeBlob(Buffer.from("// release-relay 0.9\n")) },
      ]);
      await git.run([
        "update-ref",
        "refs/heads/main",
        await git.writeCommit(tree, [before], "old\n", who, who),
      ]);
      return () => git.run(["update-ref", "refs/heads/main", before]);
    };
    const trigger = ".github/release-relay/dist/trigger/index.js";
    const restoreDemo = await replace("acme/demo", trigger);
    try {
      const warned = await runDoctorAction("good", { "signing-key": key, bucket: "skip" });
      expect(warned.stdout).toContain(
        `::warning::acme/demo: files installed by release-relay init match this version: from another release-relay version: ${trigger}`,
      );
      expect(warned.stdout).not.toContain("s3://");
      expect(warned.exitCode).toBe(0);
      const restoreRelease = await replace("acme/release", "dist/sign-upload/index.js");
      try {
        const failed = await runDoctorAction("good", { "signing-key": key, bucket: "skip" });
        expect(failed.stdout).toContain(
          "::error::acme/release: files installed by release-relay init match this version: from another release-relay version: dist/sign-upload/index.js",
        );
        expect(failed.exitCode).toBe(1);
      } finally {
        await restoreRelease();
      }
    } finally {
      await restoreDemo();
    }
  });
});

describe("the published public key, checked without the private key", () => {
  it("passes a minisign public key and names what is wrong with anything else", async () => {
    const dir = mkdtempSync(join(tmpdir(), "doctor-pubkey-"));
    const signer = ed25519Signer(makeEd25519Key());
    const [pub] = await signer.writePublicKeys(dir);
    await signer.close();
    const url = "https://downloads.example/minisign.pub";
    const text = readFileSync(pub as string, "utf8");
    expect(await probePublishedKey(url, async () => text)).toMatchObject({ ok: true });
    expect(await probePublishedKey(url, async () => "<html>not found</html>")).toMatchObject({
      ok: false,
      problem: "it is not a minisign public key",
    });
    expect(
      await probePublishedKey(url, async () => {
        throw new Error("HTTP 404");
      }),
    ).toMatchObject({ ok: false, problem: "cannot read it: HTTP 404" });
  });
});
