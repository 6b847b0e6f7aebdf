import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packagePin } from "../../src/adapters/actions-pin.js";
import { runCli } from "../../src/cli/main.js";
import { ciWorkflowNamesIn } from "../../src/core/setup/ci-workflow-names.js";
import { acmeInitArgs } from "../support/acme-init.js";

async function cli(args: string[]) {
  const lines: string[] = [];
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
  const code = await runCli(args, (t) => lines.push(t)).finally(() => {
    process.stderr.write = write;
  });
  return { code, out: lines.join("\n"), err: stderr.join("") };
}

/** Three checkouts set up by init with vendored actions, as every project was before pins. */
async function vendoredProject() {
  const root = mkdtempSync(join(tmpdir(), "upgrade-"));
  const dirs = {
    main: join(root, "acme"),
    automation: join(root, "acme-release"),
    hashes: join(root, "acme-hashes"),
  };
  mkdirSync(join(dirs.hashes, ".github/workflows"), { recursive: true });
  writeFileSync(
    join(dirs.hashes, ".github/workflows/ci.yml"),
    "name: Check hashes\non: [pull_request]\njobs: {}\n",
  );
  const init = await cli([...acmeInitArgs(dirs), "--vendor"]);
  expect(init.err).toBe("");
  expect(init.code).toBe(0);
  // The project's own config, with a key written before it was renamed.
  const config = join(dirs.automation, "release-relay.yml");
  writeFileSync(
    config,
    readFileSync(config, "utf8")
      .replace("  downstream-report:", "  downstream-status:")
      .concat("# the project's own notes\n"),
  );
  const checkouts = [
    "--automation-dir",
    dirs.automation,
    "--main-dir",
    dirs.main,
    "--downstream-dir",
    `hashes=${dirs.hashes}`,
  ];
  return { dirs, config, checkouts };
}

const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) walk(join(d, e.name));
      else out[join(d, e.name)] = readFileSync(join(d, e.name), "utf8");
  };
  walk(dir);
  return out;
};

describe("release-relay upgrade", () => {
  it("shows the diff with --dry-run and writes nothing", async () => {
    const { dirs, checkouts } = await vendoredProject();
    const before = { ...snapshot(dirs.automation), ...snapshot(dirs.main), ...snapshot(dirs.hashes) };
    const dry = await cli(["upgrade", ...checkouts, "--pin", "--dry-run"]);
    expect(dry.err).toBe("");
    expect(dry.code).toBe(0);
    const { pin } = await packagePin();
    expect(dry.out).toMatch(/^── \S*acme-release\n/m);
    expect(dry.out).toContain("diff --git a/.github/workflows/release.yml b/.github/workflows/release.yml");
    expect(dry.out).toContain("-        uses: ./actions/build-matrix");
    expect(dry.out).toContain(`+        uses: ${pin.repo}/actions/build-matrix@${pin.sha} # v${pin.version}`);
    expect(dry.out).toMatch(/^removed {5}dist\/doctor\/index\.js \(a vendored copy/m);
    expect(dry.out).toContain("(--dry-run: nothing written)");
    expect({ ...snapshot(dirs.automation), ...snapshot(dirs.main), ...snapshot(dirs.hashes) }).toEqual(
      before,
    );
  });

  it("pins the actions, removes the vendored copies, keeps the project's parts, never writes release-relay.yml, and prints the migration", async () => {
    const { dirs, config, checkouts } = await vendoredProject();
    const configBefore = readFileSync(config);
    const up = await cli(["upgrade", ...checkouts, "--pin"]);
    expect(up.code).toBe(0);
    expect(readFileSync(config).equals(configBefore)).toBe(true);
    expect(up.out).toContain("is read, never written");
    expect(up.out).toMatch(
      /Migrations \(upgrade never edits release-relay\.yml\):\n {2}- \S+release-relay\.yml: rename senders\.downstream-status → senders\.downstream-report/,
    );
    for (const gone of ["actions", "dist"]) expect(existsSync(join(dirs.automation, gone)), gone).toBe(false);
    expect(existsSync(join(dirs.main, ".github/release-relay"))).toBe(false);
    const { pin } = await packagePin();
    expect(readFileSync(join(dirs.main, ".github/workflows/release-relay.yml"), "utf8")).toContain(
      `uses: ${pin.repo}@${pin.sha} # v${pin.version}`,
    );
    const report = readFileSync(
      join(dirs.hashes, ".github/workflows/release-relay-report-status.yml"),
      "utf8",
    );
    expect(ciWorkflowNamesIn(report)).toEqual(["Check hashes"]);
    // The project's own files are never touched.
    expect(readFileSync(join(dirs.hashes, ".github/workflows/ci.yml"), "utf8")).toContain("Check hashes");
    // Twice is once.
    const again = await cli(["upgrade", ...checkouts]);
    expect(again.out).toContain("nothing to change: the checkouts hold this version's files");
    expect(again.out).toMatch(/acme-release: pinned \(as it is; --vendor switches\)/);
  });

  it("keeps a vendored checkout vendored unless told, replacing a copy of another version with this one's", async () => {
    const { dirs, checkouts } = await vendoredProject();
    const bundle = join(dirs.automation, "dist/track-status/index.js");
    const current = readFileSync(bundle, "utf8");
    writeFileSync(
      bundle,
      "// Bundled by release-relay's scripts/build.mjs; do not edit. Source: src/.\n// 0.0.1\n",
    );
    const up = await cli(["upgrade", ...checkouts]);
    expect(up.code).toBe(0);
    expect(up.out).toMatch(/acme-release: vendored \(as it is; --pin switches\)/);
    expect(up.out).toMatch(/^replaced {4}dist\/track-status\/index\.js \(vendored bundle, \d+ KiB\)$/m);
    expect(up.out).toContain("1 file changed");
    expect(readFileSync(bundle, "utf8")).toBe(current);
  });

  it("refuses a bad --actions-ref or a missing config before writing anything", async () => {
    const { dirs, checkouts } = await vendoredProject();
    const before = snapshot(dirs.automation);
    const bad = await cli(["upgrade", ...checkouts, "--pin", "--actions-ref", "relay-org/release-relay@v1"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("--actions-ref relay-org/release-relay@v1 is not OWNER/REPO@SHA");
    expect(snapshot(dirs.automation)).toEqual(before);
    const noConfig = await cli(["upgrade", "--main-dir", dirs.main]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.err).toContain("pass --config path/to/release-relay.yml");
  });

  it("never replaces or removes a file of the project's own at one of its paths without --force", async () => {
    const { dirs, checkouts } = await vendoredProject();
    const mine = join(dirs.automation, "dist/package.json");
    writeFileSync(mine, '{ "name": "mine", "private": true }\n');
    const before = snapshot(dirs.automation);
    for (const layout of [[], ["--pin"]]) {
      const refused = await cli(["upgrade", ...checkouts, ...layout]);
      expect(refused.code, layout.join()).toBe(1);
      expect(refused.err).toContain("these files are not release-relay's, yet are where it installs its own");
      expect(refused.err).toContain("dist/package.json");
      expect(snapshot(dirs.automation)).toEqual(before);
    }
    const forced = await cli(["upgrade", ...checkouts, "--pin", "--force"]);
    expect(forced.code).toBe(0);
    expect(existsSync(mine)).toBe(false);
  });
});
