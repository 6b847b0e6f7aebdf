import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packagePin } from "../../src/adapters/actions-pin.js";
import { runCli } from "../../src/cli/main.js";
import { parseConfig } from "../../src/core/config/parse.js";
import { globRegExp } from "../../src/core/setup/filter-glob.js";
import { type AcmeCheckouts, acmeInitArgs } from "../support/acme-init.js";

// The notify mention is checked in the config init writes.
const args = (dirs: AcmeCheckouts) => [...acmeInitArgs(dirs), "--notify", "@acme-org/release-team"];

async function init(
  extra: string[] = [],
  dirs = {
    main: mkdtempSync(join(tmpdir(), "main-")),
    automation: mkdtempSync(join(tmpdir(), "auto-")),
    hashes: mkdtempSync(join(tmpdir(), "hashes-")),
  },
) {
  const lines: string[] = [];
  const code = await runCli([...args(dirs), ...extra], (t) => lines.push(t));
  return { code, out: lines.join("\n"), dirs };
}

describe("release-relay init", () => {
  it("writes a valid config with the project's names and the workflows, pinning release-relay's actions by commit, then says what each repo needs", async () => {
    const { code, out, dirs } = await init();
    expect(code).toBe(0);
    const config = parseConfig(readFileSync(join(dirs.automation, "release-relay.yml"), "utf8"));
    expect(config).toMatchObject({
      project: "acme",
      source: { repo: "acme-org/acme" },
      tracking: { repo: "acme-org/acme-release", notify: ["@acme-org/release-team"] },
    });
    expect(config.downstream).toMatchObject([
      { name: "hashes", repo: "acme-org/acme-hashes", mode: "dry-run" },
    ]);
    const { pin } = await packagePin();
    const pinned = (name: string) => `${pin.repo}/actions/${name}@${pin.sha} # v${pin.version}`;
    const release = readFileSync(join(dirs.automation, ".github/workflows/release.yml"), "utf8");
    expect(release).toContain(`uses: ${pinned("build-matrix")}`);
    expect(release).toContain(`uses: ${pinned("doctor")}`);
    for (const w of ["release", "status", "yank"]) {
      const text = readFileSync(join(dirs.automation, `.github/workflows/${w}.yml`), "utf8");
      expect(text, w).not.toMatch(/uses: \.\//);
      // Every action a workflow uses is pinned by a full commit SHA (ours with its version beside it).
      for (const [, uses] of text.matchAll(/uses: (\S+)/g))
        expect(uses, `${w}: ${uses}`).toMatch(/@[0-9a-f]{40}$/);
    }
    // Nothing of release-relay's own code is copied: the pinned commit holds it.
    for (const f of ["actions", "dist"]) expect(existsSync(join(dirs.automation, f)), f).toBe(false);
    expect(existsSync(join(dirs.main, ".github/release-relay"))).toBe(false);
    const trigger = readFileSync(join(dirs.main, ".github/workflows/release-relay.yml"), "utf8");
    expect(trigger).toContain(`uses: ${pin.repo}@${pin.sha} # v${pin.version}`);
    expect(trigger).not.toContain("sparse-checkout");
    expect(existsSync(join(dirs.hashes, ".github/workflows/release-relay-report-status.yml"))).toBe(true);
    expect(out).toContain(
      `The workflows use release-relay's actions from ${pin.repo}@${pin.sha} (v${pin.version}`,
    );
    expect(out).toContain("created");
    expect(out).toContain("acme-org/acme-hashes: Contents read & write, Pull requests read & write");
    expect(out).toContain("Not GITHUB_TOKEN");
    expect(out).toContain("write the project's build (build.command: the starter one fails, saying so)");
  });

  it("gives each downstream a starter edit of its own kind, and validate accepts the file", async () => {
    const { code, dirs } = await init([
      "--downstream",
      "container=acme-org/acme-container",
      "--downstream",
      "website=acme-org/acme.github.io",
      "--downstream",
      "packaging=acme-org/acme-packaging",
      "--downstream",
      "site-assets=acme-org/site-assets:hashes",
    ]);
    expect(code).toBe(0);
    const path = join(dirs.automation, "release-relay.yml");
    const config = parseConfig(readFileSync(path, "utf8"));
    const kinds = Object.fromEntries(config.downstream.map((d) => [d.name, d.edits.map((e) => e.kind)]));
    expect(kinds).toEqual({
      hashes: ["append-line"],
      container: ["regex-replace", "regex-replace"],
      website: ["template-create"],
      packaging: ["regex-replace"],
      // Its name sounds like a website; the kind after its repo says hashes.
      "site-assets": ["append-line"],
    });
    expect(kinds.website).not.toContain("append-line");
    const container = config.downstream.find((d) => d.name === "container");
    expect(container?.edits[0]).toMatchObject({
      file: "Dockerfile",
      pattern: "^(ENV ACME_VERSION[= ]).*$",
      replacement: "$1{version}",
    });
    const lines: string[] = [];
    expect(await runCli(["validate", path], (t) => lines.push(t))).toBe(0);
    expect(lines.join("\n")).toContain("downstream website → acme-org/acme.github.io (dry-run, 1 edit(s))");
  });

  it("writes a build command that fails until the maintainer writes the project's, and a qualify step that wants a program", async () => {
    const { dirs } = await init();
    const config = parseConfig(readFileSync(join(dirs.automation, "release-relay.yml"), "utf8"));
    const work = mkdtempSync(join(tmpdir(), "starter-"));
    const env = { PATH: process.env.PATH, ARTIFACT_DIR: work, ARTIFACT_NAME: "acme.tar.gz" };
    const build = spawnSync("bash", ["-euo", "pipefail", "-c", config.build.command], {
      cwd: work,
      env: { ...env, STAGING_DIR: work, TARGET_OS: "linux", TARGET_ARCH: "x86_64" },
      encoding: "utf8",
    });
    expect(build.status).toBe(1);
    expect(build.stderr).toContain("edit build.command in release-relay.yml");
    const qualify = (staging: string) => {
      const tarball = join(work, `${staging}.tar.gz`);
      execFileSync("tar", ["-czf", tarball, "-C", join(work, staging), "."]);
      const qualifyDir = mkdtempSync(join(tmpdir(), "qualify-"));
      return spawnSync("bash", ["-euo", "pipefail", "-c", config.qualify?.command as string], {
        cwd: work,
        env: { ...env, ARTIFACT_PATH: tarball, QUALIFY_DIR: qualifyDir, VERSION: "1.0.0" },
        encoding: "utf8",
      });
    };
    mkdirSync(join(work, "empty", "bin"), { recursive: true });
    const empty = qualify("empty");
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain("edit qualify.command in release-relay.yml");
    mkdirSync(join(work, "installed", "bin"), { recursive: true });
    writeFileSync(join(work, "installed", "bin", "acme"), "#!/bin/sh\n", { mode: 0o755 });
    expect(qualify("installed").status).toBe(0);
  });

  it("with --vendor, copies the actions instead: a trigger that runs in the main repo as the runner runs it (ESM bundle, whatever the repo's package.json)", async () => {
    const { dirs, out } = await init(["--vendor"]);
    for (const f of ["actions/track-status/action.yml", "dist/yank/index.js", "dist/package.json"])
      expect(existsSync(join(dirs.automation, f)), f).toBe(true);
    const release = readFileSync(join(dirs.automation, ".github/workflows/release.yml"), "utf8");
    expect(release).toContain("uses: ./actions/build-matrix\n");
    expect(out).toContain("vendored into the repos (--vendor)");
    writeFileSync(join(dirs.main, "package.json"), JSON.stringify({ name: "acme", type: "commonjs" }));
    const action = join(dirs.main, ".github/release-relay/dist/trigger/index.js");
    const run = spawnSync(process.execPath, [action], {
      cwd: dirs.main,
      env: {
        PATH: process.env.PATH,
        "INPUT_AUTOMATION-REPO": "acme-org/acme-release",
        INPUT_TOKEN: "t",
        "INPUT_CONFIG-PATH": join(dirs.automation, "release-relay.yml"),
        GITHUB_REPOSITORY: "acme-org/acme",
        GITHUB_REF: "refs/tags/v1.0.0",
        GITHUB_SHA: "a".repeat(40),
      },
      encoding: "utf8",
    });
    // It loads and refuses the tag before any call: the vendored bundle works.
    expect(run.stdout).toContain('E_TAG_PATTERN: tag "v1.0.0" does not match');
  });

  it("is idempotent, refuses to overwrite a changed file without --force, and never overwrites release-relay.yml", async () => {
    const first = await init();
    const again = await init([], first.dirs);
    expect(
      again.out.split("\n").filter((l) => l.startsWith("created") || l.startsWith("overwritten")),
    ).toEqual([]);
    const config = join(first.dirs.automation, "release-relay.yml");
    writeFileSync(config, `${readFileSync(config, "utf8")}# local change\n`);
    const kept = await init([], first.dirs);
    expect(kept.code).toBe(0);
    expect(kept.out).toMatch(/^kept {8}\S*release-relay\.yml \(yours: init never overwrites it\)$/m);
    const workflow = join(first.dirs.automation, ".github/workflows/status.yml");
    writeFileSync(workflow, `${readFileSync(workflow, "utf8")}# local change\n`);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
    const refused = await init([], first.dirs).finally(() => {
      process.stderr.write = write;
    });
    expect(refused.code).toBe(1);
    expect(stderr.join("")).toContain("these files exist with other content");
    expect(stderr.join("")).toContain("run `release-relay upgrade`");
    expect(readFileSync(workflow, "utf8")).toContain("# local change");
    const forced = await init(["--force"], first.dirs);
    expect(forced.code).toBe(0);
    expect(readFileSync(workflow, "utf8")).not.toContain("# local change");
    // The project's config survives even --force.
    expect(readFileSync(config, "utf8")).toContain("# local change");
  });

  it("derives the main repo's tag filter from --tag-pattern, writes the pattern into the config, and the trigger starts on such tags", async () => {
    const pattern = "^v(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";
    const { code, out, dirs } = await init(["--tag-pattern", pattern]);
    expect(code).toBe(0);
    const config = parseConfig(readFileSync(join(dirs.automation, "release-relay.yml"), "utf8"));
    expect(config.tags.pattern).toBe(pattern);
    const workflow = parse(readFileSync(join(dirs.main, ".github/workflows/release-relay.yml"), "utf8"));
    expect(workflow.on.push.tags).toEqual(["v[0-9]+.[0-9]+.[0-9]+", "v[0-9]+.[0-9]+.[0-9]+-rc[0-9]+"]);
    const starts = (tag: string) => workflow.on.push.tags.some((g: string) => globRegExp(g).test(tag));
    expect([starts("v8.0.2"), starts("v8.1.0-rc1"), starts("8.0.2")]).toEqual([true, true, false]);
    expect(out).toContain('The main repo\'s workflow starts on tags matching "v[0-9]+.[0-9]+.[0-9]+", ');

    const wide = await init(["--tag-pattern", "^v(?!0\\.)(?<version>\\d+\\.\\d+\\.\\d+)$"]);
    expect(
      parse(readFileSync(join(wide.dirs.main, ".github/workflows/release-relay.yml"), "utf8")).on.push.tags,
    ).toEqual(["v*"]);
    expect(wide.out).toMatch(
      /starts on tags matching "v\*": .* a lookaround .* the trigger refuses every tag tags\.pattern does not accept/,
    );
  });

  it("refuses a --tag-pattern that does not compile or names no version, with the fix", async () => {
    for (const [pattern, said] of [
      ["^v(\\d+", "--tag-pattern: not a valid regular expression"],
      ["^v\\d+\\.\\d+\\.\\d+$", "--tag-pattern: expected a (?<version>…) group"],
    ]) {
      const stderr: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string) =>
        stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
      const code = await runCli(
        [
          ...args({ main: "/tmp/x", automation: "/tmp/y", hashes: "/tmp/z" }),
          "--tag-pattern",
          pattern as string,
        ],
        () => {},
      ).finally(() => {
        process.stderr.write = write;
      });
      expect(code).toBe(1);
      expect(stderr.join("")).toContain(said);
    }
  });

  it("names what is missing when not interactive", async () => {
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
    const code = await runCli(
      ["init", "--yes", "--project", "acme", "--automation-dir", "/tmp/x"],
      () => {},
    ).finally(() => {
      process.stderr.write = write;
    });
    expect(code).toBe(1);
    expect(stderr.join("")).toContain("--source: expected string, got nothing");
  });

  it("takes the answers from a file, flags over it, and refuses an unknown key before writing anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "answers-"));
    const file = join(dir, "acme-init.yml");
    writeFileSync(
      file,
      [
        "project: acme",
        "source: acme-org/acme",
        "automation: acme-org/acme-release",
        "bucket: acme-dl",
        "downstream:",
        "  - { name: site-assets, repo: acme-org/site-assets, kind: hashes }",
        "  - { name: web, repo: acme-org/acme.dev }",
        'notify: ["@acme-org/release-team"]',
        "tag-pattern: '^v(?<version>\\d+\\.\\d+\\.\\d+)$'",
        `automation-dir: ${join(dir, "auto")}`,
        "",
      ].join("\n"),
    );
    const lines: string[] = [];
    const code = await runCli(["init", "--answers", file, "--bucket", "acme-downloads"], (t) =>
      lines.push(t),
    );
    expect(code).toBe(0);
    const config = parseConfig(readFileSync(join(dir, "auto", "release-relay.yml"), "utf8"));
    expect(config.upload.bucket).toBe("acme-downloads");
    expect(config.tags.pattern).toBe("^v(?<version>\\d+\\.\\d+\\.\\d+)$");
    expect(Object.fromEntries(config.downstream.map((d) => [d.name, d.edits.map((e) => e.kind)]))).toEqual({
      "site-assets": ["append-line"],
      web: ["template-create"],
    });
    expect(lines.join("\n")).toContain("Let anyone read acme-downloads/releases/*");

    writeFileSync(file, "project: acme\nautomation-dirr: ../x\n");
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
    const refused = await runCli(["init", "--answers", file], () => {}).finally(() => {
      process.stderr.write = write;
    });
    expect(refused).toBe(1);
    expect(stderr.join("")).toContain(
      `${file}: unknown key "automation-dirr" — did you mean "automation-dir"?`,
    );
  });

  it("asks its questions on a piped stdin with --interactive, asks a wrong answer again, and writes what was answered", () => {
    const root = mkdtempSync(join(tmpdir(), "interactive-"));
    const answers = [
      "acme",
      "acme", // not owner/name: asked again
      "acme-org/acme",
      "", // automation: the default acme-org/acme-release
      "downloads.acme.example",
      "web",
      "acme-org/acme.dev",
      "hashes", // the kind given wins over the name's guess (website)
      "",
      "@acme-org/release-team",
      "",
      "-", // no main repo checkout
      join(root, "auto"),
      join(root, "web"),
    ];
    const run = spawnSync(process.execPath, ["bin/release-relay.js", "init", "--interactive"], {
      input: `${answers.join("\n")}\n`,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'Main repo, where releases are tagged (owner/name): acme\n  source: expected "owner/name", got "acme"',
    );
    expect(run.stdout).toContain(
      "Automation repo, where releases run (owner/name) [acme-org/acme-release]: ",
    );
    expect(run.stdout).toContain(
      "Kind of downstream web (hashes, container, website, other): picks its starter edit [website]: hashes",
    );
    const config = parseConfig(readFileSync(join(root, "auto", "release-relay.yml"), "utf8"));
    expect(config).toMatchObject({
      source: { repo: "acme-org/acme" },
      tracking: { repo: "acme-org/acme-release", notify: ["@acme-org/release-team"] },
      downstream: [{ name: "web", repo: "acme-org/acme.dev", edits: [{ kind: "append-line" }] }],
    });
    expect(existsSync(join(root, "web", ".github/workflows/release-relay-report-status.yml"))).toBe(true);
    expect(run.stdout).toContain("downloads.acme.example has dots");

    const short = spawnSync(process.execPath, ["bin/release-relay.js", "init", "--interactive"], {
      input: "acme\n",
      encoding: "utf8",
    });
    expect(short.status).toBe(1);
    expect(short.stderr).toContain("stdin ended before init's question source was answered");

    // Without --interactive a piped stdin is not read: the flags alone, and what is missing is named.
    const unasked = spawnSync(process.execPath, ["bin/release-relay.js", "init", "--project", "acme"], {
      input: `${answers.join("\n")}\n`,
      encoding: "utf8",
    });
    expect(unasked.status).toBe(1);
    expect(unasked.stdout).not.toContain("Main repo");
    expect(unasked.stderr).toContain("--source: expected string, got nothing");
  });

  it("writes the downstream checkout's pull_request workflow names into its report-status workflow, and says so", async () => {
    const hashes = mkdtempSync(join(tmpdir(), "hashes-"));
    mkdirSync(join(hashes, ".github/workflows"), { recursive: true });
    writeFileSync(
      join(hashes, ".github/workflows/ci.yml"),
      "name: Unit tests\non:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{ run: make test }]\n",
    );
    writeFileSync(
      join(hashes, ".github/workflows/nightly.yaml"),
      "name: Nightly\non:\n  schedule: [{ cron: '0 3 * * *' }]\njobs: {}\n",
    );
    const { code, out } = await init([], {
      main: mkdtempSync(join(tmpdir(), "main-")),
      automation: mkdtempSync(join(tmpdir(), "auto-")),
      hashes,
    });
    expect(code).toBe(0);
    const reportStatus = join(hashes, ".github/workflows/release-relay-report-status.yml");
    expect(parse(readFileSync(reportStatus, "utf8")).on.workflow_run.workflows).toEqual([
      "Unit tests",
      "Build and push images",
    ]);
    expect(out).toContain(
      '- acme-org/acme-hashes: written: "Unit tests" (its workflows that run on pull_request).',
    );
    // Run again: the same file, unchanged.
    const again = await init([], {
      main: mkdtempSync(join(tmpdir(), "main-")),
      automation: mkdtempSync(join(tmpdir(), "auto-")),
      hashes,
    });
    expect(again.out).toMatch(/unchanged +\S*release-relay-report-status\.yml/);

    const bare = await init();
    expect(
      parse(readFileSync(join(bare.dirs.hashes, ".github/workflows/release-relay-report-status.yml"), "utf8"))
        .on.workflow_run.workflows,
    ).toEqual(["CI", "Build and push images"]);
    expect(bare.out).toContain(
      "- acme-org/acme-hashes: no workflow in .github/workflows runs on pull_request:",
    );
  });
});
