// release-relay as somebody outside this repository gets it: the packed tarball installed into an
// empty directory, with an empty npm cache and no network, then run through npx from there — its
// version, every command's --help, init for a made-up project into empty repos (pinned by the
// commit the package was packed from, or vendored), upgrade, and validate and plan on the config
// init wrote.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/main.js";
import { acmeCheckoutsUnder, acmeInitArgs } from "../support/acme-init.js";
import {
  exec,
  type InstalledPackage,
  installPackedPackage,
  outsideRepo,
  root,
  packageVersion as version,
} from "../support/installed-package.js";

/** What an installed package needs at run time, and nothing else (README and LICENSE come with any package). */
const SHIPPED = [
  "LICENSE",
  "README.md",
  "action.yml",
  "actions",
  "actions-ref.json",
  "bin",
  "dist",
  "examples",
  "package.json",
  "schema",
  "workflows-templates",
];

let pkg: InstalledPackage;

describe("release-relay installed from its tarball", () => {
  beforeAll(async () => {
    pkg = await installPackedPackage();
    expect(outsideRepo(pkg.work)).toBe(true);
  }, 120_000);

  // The tarball and the installed package are 40 MB a run.
  afterAll(() => pkg?.remove());

  it("ships what runs and nothing of the clone (tests, sources, benchmarks, dependencies)", () => {
    const top = [...new Set(pkg.packed.files.map((f) => f.path.split("/")[0] as string))].sort();
    expect(top.filter((name) => !SHIPPED.includes(name))).toEqual([]);
    for (const needed of ["bin/release-relay.js", "dist/cli/index.js", "examples/cachet/release-relay.yml"])
      expect(pkg.packed.files.map((f) => f.path)).toContain(needed);
    expect(pkg.packed.size).toBeLessThan(10 * 1024 * 1024);
    const installed = JSON.parse(
      readFileSync(join(pkg.installDir, "node_modules/release-relay/package.json"), "utf8"),
    );
    expect(installed.dependencies ?? {}).toEqual({});
  });

  it("was packed with the commit it was made from, which the clone does not keep", () => {
    const ref = JSON.parse(
      readFileSync(join(pkg.installDir, "node_modules/release-relay/actions-ref.json"), "utf8"),
    );
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    expect(ref).toMatchObject({ repo: "release-relay/release-relay", sha: head, version });
    // Written for the pack only: a clone asks git, so a stale file can never pin an old commit.
    expect(existsSync(join(root, "actions-ref.json"))).toBe(false);
  });

  it("installed globally, runs from any directory, as the README says", async () => {
    const prefix = join(pkg.work, "global");
    await exec(
      "npm",
      ["install", "--global", "--offline", "--prefix", prefix, join(pkg.work, "pack", pkg.packed.filename)],
      {
        env: pkg.env,
      },
    );
    const elsewhere = join(pkg.work, "some-checkout");
    await exec("git", ["init", "-q", elsewhere], { env: pkg.env });
    const { stdout } = await exec(join(prefix, "bin", "release-relay"), ["--version"], {
      cwd: elsewhere,
      env: pkg.env,
    });
    expect(stdout).toBe(`${version}\n`);
  });

  it("--version prints the package's version", async () => {
    const result = await pkg.relay("--version");
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("answers --help for every command its own --help lists", async () => {
    const list = await pkg.relay("--help");
    expect(list.code).toBe(0);
    const names = [...list.stdout.matchAll(/^ {2}([a-z][a-z0-9-]*) {2,}/gm)].map((m) => m[1] as string);
    expect(names).toEqual(COMMANDS.map((c) => c.name));
    const helps = await Promise.all(
      names.map(async (name) => ({ name, ...(await pkg.relay(name, "--help")) })),
    );
    for (const help of helps) {
      expect(help.code, help.name).toBe(0);
      expect(help.stdout, help.name).toContain(`Usage: release-relay ${help.name}`);
    }
  });

  const initArgs = (repos: string) => acmeInitArgs(acmeCheckoutsUnder(repos));

  const emptyRepos = async (name: string) => {
    const repos = join(pkg.work, name);
    for (const repo of ["main", "automation", "hashes"])
      await exec("git", ["init", "-q", join(repos, repo)], { env: pkg.env });
    return repos;
  };

  it("inits a made-up project into empty repos, pinning the actions to the packed commit; validate, plan and upgrade accept what it wrote", async () => {
    const repos = await emptyRepos("repos");
    const init = await pkg.relay(...initArgs(repos));
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("Before the first release");
    const ref = JSON.parse(
      readFileSync(join(pkg.installDir, "node_modules/release-relay/actions-ref.json"), "utf8"),
    );
    expect(init.stdout).toContain(
      `from ${ref.repo}@${ref.sha} (v${version}; from the actions-ref.json of this package)`,
    );
    const release = readFileSync(join(repos, "automation/.github/workflows/release.yml"), "utf8");
    expect(release).toContain(`uses: ${ref.repo}/actions/build-matrix@${ref.sha} # v${version}\n`);
    expect(existsSync(join(repos, "automation/dist"))).toBe(false);

    const config = join(repos, "automation/release-relay.yml");
    const validate = await pkg.relay("validate", config);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain(`${config}: valid`);
    expect(validate.stdout).toContain("downstream hashes → acme-org/acme-hashes (dry-run");

    const plan = await pkg.relay("plan", config, "--tag", "1.0.0", "--sha", "a".repeat(40));
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      releaseId: "acme@1.0.0",
      version: "1.0.0",
      downstream: [{ name: "hashes", repo: "acme-org/acme-hashes", mode: "dry-run" }],
    });

    const upgrade = await pkg.relay(
      "upgrade",
      "--automation-dir",
      join(repos, "automation"),
      "--main-dir",
      join(repos, "main"),
      "--downstream-dir",
      `hashes=${join(repos, "hashes")}`,
    );
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toContain("nothing to change: the checkouts hold this version's files");
  });

  it("with --vendor, copies the installed package's bundles byte for byte", async () => {
    const repos = await emptyRepos("vendored");
    const init = await pkg.relay(...initArgs(repos), "--vendor");
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("dist/track-status/index.js");
    for (const bundle of ["yank", "track-status"]) {
      const vendored = readFileSync(join(repos, "automation/dist", bundle, "index.js"));
      const shipped = readFileSync(
        join(pkg.installDir, "node_modules/release-relay/dist", bundle, "index.js"),
      );
      expect(vendored.equals(shipped), bundle).toBe(true);
    }
  });
});
