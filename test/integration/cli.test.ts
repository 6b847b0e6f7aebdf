// `release-relay` as a user runs it (bin/release-relay.js over the bundle): --version, every
// command's --help, and wrong invocations answered in the tool's own words.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/main.js";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "bin/release-relay.js");
// Nowhere near a release-relay.yml: a command that fell back to ./release-relay.yml would fail here.
const cwd = mkdtempSync(join(tmpdir(), "release-relay-cli-"));
const example = join(root, "examples/cachet/release-relay.yml");

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runIn({}, ...args);
}

function runIn(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...process.env, GITHUB_TOKEN: "", ...env } },
      (e, stdout, stderr) =>
        done({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Refused as a wrong invocation: one line of the tool's, the --help to run, none of Node's text. */
function expectUsageError(result: { code: number; stdout: string; stderr: string }, problem: string) {
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(problem);
  expect(result.stderr).toMatch(/run `release-relay (\w[\w-]* )?--help`/);
  expect(result.stderr).not.toMatch(/ERR_PARSE_ARGS|^\s+at /m);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
}

describe("release-relay", () => {
  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    for (const flag of ["--version", "-v"])
      expect(await run(flag)).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("--help lists every command with its line", async () => {
    const { code, stdout } = await run("--help");
    expect(code).toBe(0);
    for (const c of COMMANDS) expect(stdout).toContain(`  ${c.name} `);
    expect(stdout).toContain("--version");
  });

  it("the README's CLI table has a row for every command", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const table = readme.slice(
      readme.indexOf("## CLI"),
      readme.indexOf("\n## ", readme.indexOf("## CLI") + 1),
    );
    for (const c of COMMANDS) expect(table).toContain(`| \`release-relay ${c.name}`);
  });

  for (const command of COMMANDS)
    it(`${command.name} --help shows its options and an example`, async () => {
      const { code, stdout, stderr } = await run(command.name, "--help");
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      expect(stdout).toContain(`Usage: release-relay ${command.name}`);
      for (const option of Object.keys(command.options)) expect(stdout).toContain(`--${option}`);
      for (const p of command.positionals ?? []) expect(stdout).toContain(p.name);
      expect(stdout).toContain(`Example:\n  ${command.example}`);
      expect(command.example).toMatch(new RegExp(`(^|\\s)release-relay ${command.name}( |$)`));
    });

  it("refuses an unknown command, an unknown option, a missing value and an argument too many", async () => {
    expectUsageError(await run("publish"), "unknown command publish");
    expectUsageError(await run("validate", "--confg", "x.yml"), "unknown option --confg");
    expectUsageError(await run("plan", "--tag"), "--tag needs a value");
    expectUsageError(await run("plan", "--tag", "--sha", "abc"), "--tag needs a value");
    expectUsageError(await run("yank", "1.0.0", "--dry-run=no"), "--dry-run takes no value");
    expectUsageError(await run("validate", "a.yml", "b.yml"), 'unexpected argument "b.yml"');
    expectUsageError(await run("schema", "extra"), "schema takes no arguments");
    expectUsageError(await run("validate", example, "--config", "other.yml"), "config given twice");
  });

  it("validate takes the config's path positionally, and refuses one that is not there, naming it", async () => {
    const typo = await run("validate", "typo.yml");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("E_CONFIG: typo.yml: no such file");
    expect(typo.stdout).toBe("");
    const missingDefault = await run("validate");
    expect(missingDefault.stderr).toContain("release-relay.yml: no such file");
    for (const args of [[example], ["--config", example]]) {
      const { code, stdout } = await run("validate", ...args);
      expect(code).toBe(0);
      expect(stdout).toContain(`${example}: valid`);
      expect(stdout).toContain("project cachet from cachet-io/cachet");
    }
  });

  it("rehearse refuses a wrong argument before its world exists: nothing is left in the temp dir", async () => {
    const temp = mkdtempSync(join(tmpdir(), "release-relay-rehearse-refused-"));
    for (const [args, problem] of [
      [["--attack", "nope"], "nope"],
      [["--faults", "2"], "--faults 2 is not a number from 0 to 0.5"],
      [["--revoke", "everything"], "--revoke everything is not TOKEN:OWNER/REPO:PERMISSION"],
      [
        ["--merge-method", "fast-forward"],
        "--merge-method fast-forward is not one of GitHub's merge methods",
      ],
      [["--attack", "forged-commit", "--faults", "0.1"], "--attack is judged on a plain production release"],
      [["--version", "not-a-version"], "not-a-version"],
      [["--environment", "nowhere"], "nowhere"],
    ] as const) {
      const refused = await runIn({ TMPDIR: temp }, "rehearse", ...args);
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toContain(problem);
      expect(readdirSync(temp)).toEqual([]);
    }
  });
});
