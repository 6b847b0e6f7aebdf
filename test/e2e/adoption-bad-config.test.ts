// A new adopter's first mistakes in release-relay.yml, met as they would meet them: the packed tarball
// installed into an empty directory, `init --yes`, then one realistic mistake at a time in the config
// init wrote, checked with `npx release-relay validate` (and plan). Each is refused with exit 1, no
// stack trace, the config path or file line it is at, and what to do about it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acmeCheckoutsUnder, acmeInitArgs } from "../support/acme-init.js";
import { exec, type InstalledPackage, installPackedPackage } from "../support/installed-package.js";

let installed: InstalledPackage;
let starter = "";
let configDir = "";

/** One mistake: how it changes init's config, and what the refusal must say (where, and the fix). */
interface Mistake {
  name: string;
  edit: (text: string) => string;
  says: (string | RegExp)[];
  fix: string | RegExp;
}

const MISTAKES: Mistake[] = [
  {
    name: "a misspelled top-level key",
    edit: (t) => t.replace(/^tracking:/m, "trakcing:"),
    says: ['(top level): unknown key "trakcing" — did you mean "tracking"?'],
    fix: "correct the keys listed above",
  },
  {
    name: "build.targets as a string",
    edit: (t) => t.replace(/ {2}targets:\n(?: {4}- .*\n)+/, '  targets: "linux/x86_64"\n'),
    says: ['build.targets: expected array, got "linux/x86_64"'],
    fix: "correct the keys listed above",
  },
  {
    name: "a tag pattern without (?<version>)",
    edit: (t) => t.replace("(?<version>", "("),
    says: ["tags.pattern: no (?<version>...) group", /\(got "\^\(\\\\d\+/],
    fix: "correct the keys listed above",
  },
  {
    name: "an unknown placeholder",
    edit: (t) => t.replace("{source-archive.sha256}", "{source-archive.sha265}"),
    says: [
      "downstream[0].edits[0].line: unknown placeholder {source-archive.sha265} — did you mean {source-archive.sha256}?",
    ],
    fix: "correct the keys listed above",
  },
  {
    name: "a template file that does not exist",
    edit: (t) =>
      t.replace(
        /( {6}- kind: append-line\n(?: {8}.*\n)+)/,
        "      - kind: template-create\n        file: RELEASES.md\n        template: templates/release-note.md\n",
      ),
    says: ["templates/release-note.md"],
    fix: "relative to release-relay.yml's directory",
  },
  {
    name: "a downstream repo that is not owner/name",
    edit: (t) => t.replace("repo: acme-org/acme-hashes", "repo: acme-hashes"),
    says: ['downstream[0].repo: expected "owner/name", got "acme-hashes"'],
    fix: "correct the keys listed above",
  },
  {
    name: "two downstreams with one name",
    edit: (t) =>
      t.replace(
        /^downstream:\n((?: {2}.*\n)+)/m,
        (_, items: string) =>
          `downstream:\n${items}${items.replace("acme-org/acme-hashes", "acme-org/acme-hashes-mirror")}`,
      ),
    says: ['downstream[1].name: name "hashes" is used twice'],
    fix: "correct the keys listed above",
  },
  {
    name: "a bucket name with uppercase letters",
    edit: (t) => t.replace("bucket: downloads.acme.example", "bucket: Downloads.Acme.example"),
    says: [
      'upload.bucket: expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got "Downloads.Acme.example"',
    ],
    fix: "correct the keys listed above",
  },
  {
    name: "an unknown signing method",
    edit: (t) => t.replace("method: ed25519", "method: pgp"),
    says: ['signing.method: expected one of "none", "gpg", "ed25519", got "pgp"'],
    fix: "correct the keys listed above",
  },
  {
    name: "a public URL over plain http",
    edit: (t) =>
      t.replace(
        "  prefix: releases/\n",
        "  prefix: releases/\n  public-url: http://downloads.acme.example/\n",
      ),
    says: [
      'upload.public-url: expected an https:// URL (users download from it), got "http://downloads.acme.example/"',
    ],
    fix: "correct the keys listed above",
  },
  {
    name: "an unclosed quote",
    edit: (t) => t.replace('archive: "acme-{version}.tar.gz"', 'archive: "acme-{version}.tar.gz'),
    says: [
      "is not valid YAML",
      /line \d+, column \d+: Missing closing "quote/,
      /the quote opened on line \d+: archive: "acme-\{version\}\.tar\.gz\)/,
    ],
    fix: "fix the YAML syntax at the line shown",
  },
  {
    name: "an empty file",
    edit: () => "",
    says: ["is empty: it holds no settings"],
    fix: "write one with `release-relay init`",
  },
];

/** Whatever went wrong, never a crash: no Node stack trace, no parser's or validator's internals. */
function expectNoCrash(output: string): void {
  expect(output).not.toMatch(/^\s+at \S/m);
  expect(output).not.toMatch(/SyntaxError|ZodError|TypeError|at Object\.|node:internal/);
}

describe("a new adopter's mistakes in release-relay.yml, with the installed package", () => {
  beforeAll(async () => {
    installed = await installPackedPackage();
    const repos = join(installed.work, "repos");
    for (const repo of ["main", "automation", "hashes"])
      await exec("git", ["init", "-q", join(repos, repo)], { env: installed.env });
    const init = await installed.relay(...acmeInitArgs(acmeCheckoutsUnder(repos)));
    expect(init.code, init.stderr).toBe(0);
    configDir = join(repos, "automation");
    starter = readFileSync(join(configDir, "release-relay.yml"), "utf8");
  }, 180_000);

  afterAll(() => installed?.remove());

  it("init's config is valid to begin with", async () => {
    const result = await installed.relay("validate", join(configDir, "release-relay.yml"));
    expect(result.code, result.stderr).toBe(0);
  });

  for (const mistake of MISTAKES)
    it(`${mistake.name}: exit 1, where it is and the fix`, async () => {
      const text = mistake.edit(starter);
      expect(text, "the mistake changes the config").not.toBe(starter);
      // Beside init's config: template paths are read from the config's directory.
      const file = join(configDir, `${mistake.name.replace(/\W+/g, "-")}.yml`);
      writeFileSync(file, text);
      const result = await installed.relay("validate", file);
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toBe("");
      expectNoCrash(result.stderr);
      expect(result.stderr).toMatch(/^release-relay validate: E_CONFIG(_YAML)?: /);
      expect(result.stderr).toContain(file);
      // No rule quotes the whole config back at the adopter.
      expect(result.stderr).not.toContain('{"project"');
      for (const part of mistake.says)
        if (typeof part === "string") expect(result.stderr).toContain(part);
        else expect(result.stderr).toMatch(part);
      if (typeof mistake.fix === "string") expect(result.stderr).toContain(mistake.fix);
      else expect(result.stderr).toMatch(mistake.fix);
    });

  it("plan refuses the same mistakes before planning anything", async () => {
    const file = join(configDir, "plan-mistake.yml");
    writeFileSync(file, starter.replace("method: ed25519", "method: pgp"));
    const result = await installed.relay("plan", file, "--tag", "1.0.0", "--sha", "a".repeat(40));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expectNoCrash(result.stderr);
    expect(result.stderr).toContain('signing.method: expected one of "none", "gpg", "ed25519", got "pgp"');
    expect(result.stderr).toContain("correct the keys listed above");
  });

  it("a config path that does not exist", async () => {
    mkdirSync(join(installed.installDir, "elsewhere"), { recursive: true });
    const result = await installed.relay("validate", "elsewhere/release-relay.yaml");
    expect(result.code).toBe(1);
    expectNoCrash(result.stderr);
    expect(result.stderr).toBe(
      "release-relay validate: E_CONFIG: elsewhere/release-relay.yaml: no such file — check the path; the config is given positionally or with --config\n",
    );
  });
});
