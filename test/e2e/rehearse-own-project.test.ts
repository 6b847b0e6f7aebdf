// `release-relay rehearse --config … --repo …=…`: a maintainer's own project, made here from the
// example's files under other names (git checkouts, one plain directory, one repo not given at all),
// released through its own workflows, with one line for each piece the rehearsal had to stand in for.

import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageActionsRepo } from "../../src/adapters/actions-pin.js";
import { withCiWorkflowNames } from "../../src/core/setup/ci-workflow-names.js";
import { INSTALLED_FILES, REQUEST_WORKFLOW_PATH } from "../../src/core/setup/installed-files.js";
import { installedText } from "../../src/steps/init-files.js";
import { cli, rehearsalSuite } from "../support/rehearsal-checks.js";
import { gitIn, readSummary } from "../support/rehearsal-world.js";
import { spawnCollect } from "../support/spawn-collect.js";

const ready = rehearsalSuite();
const example = join(import.meta.dirname, "../../examples/cachet");
const PIN = "0123456789abcdef0123456789abcdef01234567";
const REPORT_STATUS = ".github/workflows/release-relay-report-status.yml";

/** A workflow as this version's init writes it for a project, pinned to some commit of the actions repo. */
async function asInitWrites(path: string, tagPattern: string): Promise<string> {
  const file = INSTALLED_FILES.find((f) => f.path === path);
  const repo = (await packageActionsRepo()) ?? "release-relay/release-relay";
  return installedText(file as (typeof INSTALLED_FILES)[number], tagPattern, {
    layout: "pinned",
    pin: { repo, sha: "1".repeat(40), version: "0.0.1" },
  });
}
const CACHET_PATTERN = "^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";
// Init's files, written by this version before tags.pattern accepted release candidates.
const initWritten = {
  // The CI workflow names init writes in (the repo's own): no difference from this version's.
  sums: withCiWorkflowNames(await asInitWrites(REPORT_STATUS, CACHET_PATTERN), ["CI"]),
  // Edited by hand since: a real difference.
  images: `${await asInitWrites(REPORT_STATUS, CACHET_PATTERN)}# runs with the org's larger runners\n`,
  request: await asInitWrites(REQUEST_WORKFLOW_PATH, "^(?<version>\\d+\\.\\d+\\.\\d+)$"),
};

/** The example under other owners and names: nothing in it is the example's any more. */
function ownProject(root: string): string {
  const config = readFileSync(join(example, "release-relay.yml"), "utf8")
    .replaceAll("cachet-io/cachet-release-automation", "tinker-labs/tinker-releases")
    .replaceAll("cachet-io/cachet-hashes", "tinker-labs/tinker-sums")
    .replaceAll("cachet-io/cachet-container", "tinker-labs/tinker-images")
    .replaceAll("cachet-io/cachet-website", "tinker-labs/tinker-site")
    .replaceAll("cachet-io/cachet", "tinker-labs/tinker-core")
    .replaceAll("@cachet-io/maintainers", "@tinker-labs/maintainers")
    // The site is not given: it starts empty, and is only a dry run (no PR opened).
    .replace("    mode: pr\n    after: [container]\n", "    mode: dry-run\n    after: [container]\n")
    // The project's real Apps: the rehearsal sends as its own.
    .replace('["cachet-release-requester[bot]"]', '["tinker-release-requester[bot]"]')
    .replace('["release-relay-reporter[bot]"]', '["tinker-release-reporter[bot]"]');
  // The automation repo's checkout: a config committed before its last edit, its template never.
  const releases = join(root, "tinker-releases");
  mkdirSync(releases, { recursive: true });
  writeFileSync(join(releases, "release-relay.yml"), config.replace("labels: [release]", "labels: []"));
  execFileSync("git", ["-C", releases, "init", "-q", "-b", "main"]);
  execFileSync("git", ["-C", releases, "add", "release-relay.yml"]);
  execFileSync("git", [
    "-C",
    releases,
    "-c",
    "user.name=t",
    "-c",
    "user.email=t@t",
    "commit",
    "-q",
    "-m",
    "config",
  ]);
  writeFileSync(join(releases, "release-relay.yml"), config);
  cpSync(join(example, "templates"), join(releases, "templates"), { recursive: true });
  const checkout = (from: string, to: string, branch: string) => {
    cpSync(join(example, "repos", from), join(root, to), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", join(root, to), ...args], { stdio: "ignore" });
    git("init", "-q", "-b", branch);
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "import");
  };
  checkout("cachet", "tinker-core", "main");
  checkout("cachet-hashes", "tinker-sums", "main");
  writeFileSync(join(root, "tinker-sums", REPORT_STATUS), initWritten.sums);
  // A lint workflow whose action the local runner has no stand-in for.
  writeFileSync(
    join(root, "tinker-sums", ".github", "workflows", "lint.yml"),
    `name: Lint\non:\n  pull_request:\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: tinker-labs/lint-action@${PIN}\n`,
  );
  execFileSync("git", ["-C", join(root, "tinker-sums"), "add", "-A"]);
  execFileSync("git", [
    "-C",
    join(root, "tinker-sums"),
    "-c",
    "user.name=t",
    "-c",
    "user.email=t@t",
    "commit",
    "-q",
    "-m",
    "lint",
  ]);
  // Uncommitted work is not part of what a push would publish.
  writeFileSync(join(root, "tinker-core", "scratch.txt"), "not committed\n");
  // The images repo is a plain directory, not a git checkout.
  cpSync(join(example, "repos", "cachet-container"), join(root, "tinker-images"), { recursive: true });
  writeFileSync(join(root, "tinker-images", REPORT_STATUS), initWritten.images);
  // A job with a service container: syntax outside the local runner's subset.
  writeFileSync(
    join(root, "tinker-images", ".github", "workflows", "db.yml"),
    "name: Database\non:\n  pull_request:\njobs:\n  db:\n    runs-on: ubuntu-latest\n    services:\n      redis: { image: 'redis:7' }\n    steps:\n      - run: echo hi\n",
  );
  return join(root, "tinker-releases", "release-relay.yml");
}

describe.skipIf(!ready)(
  "release-relay rehearse --config (the maintainer's own project)",
  { timeout: 300_000 },
  () => {
    const root = mkdtempSync(join(tmpdir(), "own-project-"));
    const config = ownProject(root);
    const world = join(root, "world");
    afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));
    const repos = [
      "--repo",
      `tinker-labs/tinker-releases=${join(root, "tinker-releases")}`,
      "--repo",
      `tinker-labs/tinker-core=${join(root, "tinker-core")}`,
      "--repo",
      `tinker-labs/tinker-sums=${join(root, "tinker-sums")}`,
      "--repo",
      `tinker-labs/tinker-images=${join(root, "tinker-images")}`,
    ];
    let run: { code: number; stdout: string; stderr: string } | undefined;
    const rehearsed = async () => {
      run ??= await spawnCollect(process.execPath, [
        cli,
        "rehearse",
        "--config",
        config,
        ...repos,
        "--uncommitted",
        "--version",
        "1.2.1",
        "--keep",
        world,
      ]);
      return run;
    };

    it("releases the project from its own checkouts: PRs merged, the dry run's diff shown, files verified", async () => {
      const { code, stdout, stderr } = await rehearsed();
      expect(stderr).toBe("");
      expect(code, stdout.slice(-3000)).toBe(0);
      expect(stdout).toMatch(/── hashes: tinker-labs\/tinker-sums #\d+ \(merged\)/);
      // The dry-run downstream's diff, from the release's job summary: labelled, no PR claimed.
      const site = stdout.indexOf(
        "── website: tinker-labs/tinker-site (dry-run: no PR opened; this diff is what it would propose)",
      );
      expect(site, stdout.slice(-3000)).toBeGreaterThan(0);
      expect(stdout.slice(site)).toMatch(/^\+\+\+ b\/content\/download\/releases\/v1-2-1\.md$/m);
      expect(stdout).toContain(
        "✅ 1.2.1 released: every stage done, 2 downstream PR(s) merged and reported, artifacts verified; 1 downstream in dry-run: its diff is above, no PR was opened.",
      );
      expect(stdout).not.toContain("every downstream PR merged");
      expect(stdout).toContain("2 of 2 downstream repos done · 1 in dry-run (no PR opened)");
      expect(stdout).toContain("════ release-relay verify ════");
      const summary = readSummary(world);
      expect(summary.completed).toBe(true);
      expect(summary.prs.map((p) => `${p.repo}:${p.state}`).sort()).toEqual([
        "tinker-labs/tinker-images:merged",
        "tinker-labs/tinker-sums:merged",
      ]);
      // Only the host's architecture is built; the other target is left out, saying why.
      expect(stdout).toMatch(/target left out: linux\/(arm64|x86_64): this machine is (x86_64|arm64)/);
      expect(
        summary.artifacts.map((a) => a.name).filter((n) => n.endsWith(".tar.gz") && n.includes("linux")),
      ).toHaveLength(1);
    });

    it("explains each piece it stood in for, in one line each", async () => {
      const { stdout } = await rehearsed();
      const lines = stdout.split("\n");
      const line = (text: string) => lines.filter((l) => l.includes(text));
      expect(
        line(
          "tinker-labs/tinker-site: no --repo given; it starts empty, so its edits may fail (pass --repo tinker-labs/tinker-site=../tinker-site)",
        ),
      ).toHaveLength(1);
      // The config and template are read from disk; each one not committed as it is says so.
      expect(stdout).toMatch(
        /tinker-labs\/tinker-releases: from \S+tinker-releases: the 1 files git tracks at HEAD [0-9a-f]{12} \(main\); uncommitted changes are not used; release-relay.yml and its templates are read as they are on disk/,
      );
      expect(
        line(
          "release-relay.yml has uncommitted changes in tinker-labs/tinker-releases: the rehearsal uses them as they are on disk; a real release would use what is committed; commit them",
        ),
      ).toHaveLength(1);
      expect(
        line(
          "templates/website-release.md is not committed in tinker-labs/tinker-releases: a real release would not find it; commit it (used as it is on disk: --uncommitted)",
        ),
      ).toHaveLength(1);
      // Only a real difference from what this version's init installs; never the project's config.
      expect(lines.filter((l) => l.includes("from what this version's init installs"))).toEqual([
        `• tinker-labs/tinker-images: ${REPORT_STATUS} differs from what this version's init installs and is used as it is; \`release-relay upgrade\` would bring it to this version`,
      ]);
      expect(
        line(
          `tinker-labs/tinker-sums: stand-in: .github/workflows/lint.yml uses tinker-labs/lint-action@${PIN}, which the local runner cannot run`,
        ),
      ).toHaveLength(1);
      expect(
        line(
          'tinker-labs/tinker-images: stand-in: .github/workflows/db.yml cannot be read by the local runner (line 8: job key "services" is not supported by the local runner)',
        ),
      ).toHaveLength(1);
      expect(
        line(
          "senders: the rehearsal's Apps send as cachet-release-requester[bot] and release-relay-reporter[bot]",
        ),
      ).toHaveLength(1);
      expect(stdout).toMatch(
        /tinker-labs\/tinker-core: from \S+tinker-core: the \d+ files git tracks at HEAD [0-9a-f]{12} \(main\)/,
      );
      expect(stdout).toMatch(
        /tinker-labs\/tinker-images: from \S+tinker-images: the \d+ files of the directory \(not a git checkout/,
      );
      // The stand-in ran as the repo's Lint check and passed, saying what it is.
      const lint = readdirSync(join(world, "actions", "runs"))
        .map((id) => join(world, "actions", "runs", id, "lint", "job.log"))
        .filter((f) => existsSync(f));
      expect(lint.length).toBeGreaterThan(0);
      expect(readFileSync(lint[0] as string, "utf8")).toContain(
        "stand-in: .github/workflows/lint.yml uses tinker-labs/lint-action",
      );
      // Files at HEAD only: the uncommitted scratch file is not in the emulated repo.
      const tree = gitIn(world, "tinker-labs/tinker-core", ["ls-tree", "-r", "--name-only", "main"]);
      expect(tree).toContain("build/release.sh");
      expect(tree).not.toContain("scratch.txt");
    });

    it("reruns the kept world with --resume --keep alone: the finished release changes nothing", async () => {
      await rehearsed();
      const rerun = await spawnCollect(process.execPath, [cli, "rehearse", "--resume", "--keep", world]);
      expect(rerun.code, rerun.stdout.slice(-2000)).toBe(0);
      expect(rerun.stdout).toContain("✅ 1.2.1 released");
      expect(readSummary(world).apiCalls.mutating).toBe(0);
    });

    it("says so when the pushed tag starts no request-release run: its workflow's tag filter misses it", async () => {
      // The source repo's request workflow as init wrote it before tags.pattern accepted -rc tags.
      const core = join(root, "tinker-core-old-filter");
      cpSync(join(root, "tinker-core"), core, { recursive: true });
      mkdirSync(join(core, ".github", "workflows"), { recursive: true });
      writeFileSync(join(core, REQUEST_WORKFLOW_PATH), initWritten.request);
      execFileSync("git", ["-C", core, "add", REQUEST_WORKFLOW_PATH]);
      execFileSync("git", [
        "-C",
        core,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "-m",
        "request",
      ]);
      const { code, stdout } = await spawnCollect(process.execPath, [
        cli,
        "rehearse",
        "--config",
        config,
        "--repo",
        `tinker-labs/tinker-core=${core}`,
        "--version",
        "1.3.0-rc1",
      ]);
      expect(code).toBe(1);
      expect(stdout).toContain("git push origin 1.3.0-rc1");
      const last = stdout.trimEnd().split("\n").at(-1);
      expect(last).toMatch(
        /^❌ 1\.3\.0-rc1 was never released: the tag push 1\.3\.0-rc1 started no request-release run in tinker-labs\/tinker-core: its \.github\/workflows\/release-relay\.yml does not start on that tag \(its filter does not match tags\.pattern: .*\); run `release-relay upgrade` \(or edit the filter\)\.$/,
      );
      expect(stdout).not.toContain("what failed is above");
    });

    it("refuses a --repo the config does not name, leaving nothing behind", async () => {
      const before = readdirSync(root).sort();
      const refused = join(root, "refused-world");
      const { code, stderr } = await spawnCollect(process.execPath, [
        cli,
        "rehearse",
        "--config",
        config,
        "--repo",
        `tinker-labs/elsewhere=${join(root, "tinker-sums")}`,
        "--keep",
        refused,
      ]);
      expect(code).toBe(1);
      expect(stderr).toContain("E_INPUT");
      expect(stderr).toContain("--repo tinker-labs/elsewhere: release-relay.yml names no such repo");
      expect(existsSync(refused)).toBe(false);
      expect(readdirSync(root).sort()).toEqual(before);
      // A template the automation repo never committed: a real release would not find it.
      const uncommitted = await spawnCollect(process.execPath, [
        cli,
        "rehearse",
        "--config",
        config,
        ...repos,
        "--keep",
        refused,
      ]);
      expect(uncommitted.code).toBe(1);
      expect(uncommitted.stderr).toContain(
        "templates/website-release.md is not committed in tinker-labs/tinker-releases: a real release would not find it; commit it",
      );
      expect(uncommitted.stderr).toContain("or rehearse with --uncommitted to use them as they are on disk");
      expect(uncommitted.stderr).not.toContain("release-relay.yml is not committed");
      expect(existsSync(refused)).toBe(false);
      // Without --keep: the temporary world it would have used is not left in TMPDIR either.
      const temp = join(root, "tmp");
      mkdirSync(temp);
      for (const [repo, problem] of [
        [`tinker-labs/elsewhere=${join(root, "tinker-sums")}`, "names no such repo"],
        [`tinker-labs/tinker-sums=${join(root, "nowhere")}`, "is not a directory"],
      ] as const) {
        const again = await spawnCollect(
          process.execPath,
          [cli, "rehearse", "--config", config, "--repo", repo],
          {
            env: { ...process.env, TMPDIR: temp },
          },
        );
        expect(again.code).toBe(1);
        expect(again.stderr).toContain(problem);
        expect(readdirSync(temp)).toEqual([]);
      }
    });
  },
);
