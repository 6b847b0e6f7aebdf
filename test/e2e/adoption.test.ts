// release-relay as somebody outside this repository gets it: the packed tarball installed into an
// empty directory, with an empty npm cache and no network, then run through npx from there — its
// version, every command's --help, init for a made-up project into empty repos, and validate and
// plan on the config init wrote.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/main.js";

const exec = promisify(execFile);
const root = realpathSync(resolve(import.meta.dirname, "../.."));
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** What an installed package needs at run time, and nothing else (README and LICENSE come with any package). */
const SHIPPED = [
  "LICENSE",
  "README.md",
  "action.yml",
  "actions",
  "bin",
  "dist",
  "examples",
  "package.json",
  "schema",
  "workflows-templates",
];

const outsideRepo = (path: string) => relative(root, realpathSync(path)).startsWith("..");

// Nothing of the clone may leak in: npm's own variables (`npm test` sets npm_config_local_prefix to the
// clone) and PATH entries inside it are dropped; HOME and the npm cache are fresh and empty.
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && !key.startsWith("INIT_CWD")) env[key] = value;
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && relative(root, resolve(dir)).startsWith(".."))
    .join(delimiter);
  env.HOME = home;
  env.npm_config_cache = join(home, "npm-cache");
  env.npm_config_update_notifier = "false";
  env.GITHUB_TOKEN = "";
  return env;
}

let work = "";
let installDir = "";
let env: NodeJS.ProcessEnv = {};
let packed: { size: number; files: { path: string }[] } = { size: 0, files: [] };

async function relay(...args: string[]) {
  try {
    const { stdout, stderr } = await exec("npx", ["--no-install", "release-relay", ...args], {
      cwd: installDir,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code?: number; stdout?: string; stderr?: string };
    return { code: error.code ?? 1, stdout: error.stdout ?? "", stderr: error.stderr ?? "" };
  }
}

describe("release-relay installed from its tarball", () => {
  beforeAll(async () => {
    work = mkdtempSync(join(realpathSync(tmpdir()), "release-relay-adoption-"));
    expect(outsideRepo(work)).toBe(true);
    const home = join(work, "home");
    mkdirSync(home);
    env = isolatedEnv(home);
    const packDir = join(work, "pack");
    mkdirSync(packDir);
    const pack = await exec("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: root, env });
    const [result] = JSON.parse(pack.stdout);
    packed = result;
    installDir = join(work, "user");
    mkdirSync(installDir);
    // Its own package.json: npm installs here, never into a project found further up.
    writeFileSync(join(installDir, "package.json"), '{ "private": true }\n');
    await exec("npm", ["install", "--offline", "--no-audit", "--no-fund", join(packDir, result.filename)], {
      cwd: installDir,
      env,
    });
  }, 120_000);

  // The tarball and the installed package are 40 MB a run.
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("ships what runs and nothing of the clone (tests, sources, benchmarks, dependencies)", () => {
    const top = [...new Set(packed.files.map((f) => f.path.split("/")[0] as string))].sort();
    expect(top.filter((name) => !SHIPPED.includes(name))).toEqual([]);
    for (const needed of ["bin/release-relay.js", "dist/cli/index.js", "examples/cachet/release-relay.yml"])
      expect(packed.files.map((f) => f.path)).toContain(needed);
    expect(packed.size).toBeLessThan(10 * 1024 * 1024);
    const installed = JSON.parse(
      readFileSync(join(installDir, "node_modules/release-relay/package.json"), "utf8"),
    );
    expect(installed.dependencies ?? {}).toEqual({});
  });

  it("--version prints the package's version", async () => {
    const result = await relay("--version");
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("answers --help for every command its own --help lists", async () => {
    const list = await relay("--help");
    expect(list.code).toBe(0);
    const names = [...list.stdout.matchAll(/^ {2}([a-z][a-z0-9-]*) {2,}/gm)].map((m) => m[1] as string);
    expect(names).toEqual(COMMANDS.map((c) => c.name));
    const helps = await Promise.all(names.map(async (name) => ({ name, ...(await relay(name, "--help")) })));
    for (const help of helps) {
      expect(help.code, help.name).toBe(0);
      expect(help.stdout, help.name).toContain(`Usage: release-relay ${help.name}`);
    }
  });

  it("inits a made-up project into empty repos; validate and plan accept what it wrote", async () => {
    const repos = join(work, "repos");
    for (const repo of ["main", "automation", "hashes"])
      await exec("git", ["init", "-q", join(repos, repo)], { env });
    const init = await relay(
      "init",
      "--yes",
      "--project",
      "acme",
      "--source",
      "acme-org/acme",
      "--automation",
      "acme-org/acme-release",
      "--bucket",
      "downloads.acme.example",
      "--downstream",
      "hashes=acme-org/acme-hashes",
      "--main-dir",
      join(repos, "main"),
      "--automation-dir",
      join(repos, "automation"),
      "--downstream-dir",
      `hashes=${join(repos, "hashes")}`,
    );
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("dist/track-status/index.js");
    expect(init.stdout).toContain("Before the first release");
    // The vendored bundles are the installed package's, byte for byte.
    for (const bundle of ["yank", "track-status"]) {
      const vendored = readFileSync(join(repos, "automation/dist", bundle, "index.js"));
      const shipped = readFileSync(join(installDir, "node_modules/release-relay/dist", bundle, "index.js"));
      expect(vendored.equals(shipped), bundle).toBe(true);
    }

    const config = join(repos, "automation/release-relay.yml");
    const validate = await relay("validate", config);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain(`${config}: valid`);
    expect(validate.stdout).toContain("downstream hashes → acme-org/acme-hashes (dry-run");

    const plan = await relay("plan", config, "--tag", "1.0.0", "--sha", "a".repeat(40));
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      releaseId: "acme@1.0.0",
      version: "1.0.0",
      downstream: [{ name: "hashes", repo: "acme-org/acme-hashes", mode: "dry-run" }],
    });
  });
});
