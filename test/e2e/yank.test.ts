// Yanking a released example through the yank workflow of a kept world: the preview changes
// nothing; the yank reverts merged PRs by PR (each file back to what the ledger's release commit
// replaced), moves every object under yanked/ byte for byte, and closes the tracking issue; a file
// changed by hand since the release stops only its own downstream until a person resolves it; a
// second yank changes nothing; the yanked release is never rerun. Open PRs are closed instead.
// The same world is yanked from a terminal too (`release-relay yank --keep DIR`, with no token and
// no AWS credentials): a preview, the yank that finishes once the page is resolved, and a second
// yank go through the CLI; the first preview and yank, and another second yank, through
// `rehearse --yank`.

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  branches,
  cli,
  DOWNSTREAMS,
  expectedObjectKeys,
  expectNoSecrets,
  type GitHubReleaseRecord,
  newWorld,
  rehearsalSuite,
  runRehearse,
} from "../support/rehearsal-checks.js";
import { commitTo, fileAt, gitIn, ledgerEvents, readState, readSummary } from "../support/rehearsal-world.js";
import { spawnCollect } from "../support/spawn-collect.js";

const ready = rehearsalSuite();
const VERSION = "1.2.1";
const REASON = "the linux-arm64 tarball crashes on start";
const AUTOMATION = "cachet-io/cachet-release-automation";
const repoOf = (d: string) => `cachet-io/cachet-${d}`;
const PAGE = "content/download/releases/v1-2-1.md";

/** Every object of the kept bucket, key → sha256 of its bytes. */
function bucket(dir: string): Map<string, string> {
  const index = JSON.parse(readFileSync(join(dir, "s3", "index.json"), "utf8")) as { key: string }[];
  return new Map(
    index.map((o) => [
      o.key,
      createHash("sha256")
        .update(readFileSync(join(dir, "s3", "objects", o.key)))
        .digest("hex"),
    ]),
  );
}

/** The bundled CLI with neither a GitHub token nor AWS credentials: a kept world needs none. */
function relay(...args: string[]) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(GITHUB_TOKEN|GH_TOKEN|AWS_.*)$/.test(key)) delete env[key];
  return spawnCollect(process.execPath, [cli, ...args], { env });
}

/** The pull requests of an emulated repo. */
function pulls(dir: string, repo: string) {
  return readState(dir).repos[repo]?.pulls as {
    number: number;
    headRef: string;
    headSha: string;
    merged: boolean;
  }[];
}

/** The summary the preview job wrote (its dry-run text). */
function previewText(dir: string): string {
  const runs = join(dir, "actions", "runs");
  const last = readdirSync(runs)
    .filter((r) => existsSync(join(runs, r, "preview", "files", "summary.md")))
    .sort()
    .at(-1);
  return readFileSync(join(runs, last as string, "preview", "files", "summary.md"), "utf8");
}

describe.skipIf(!ready)("release-relay yank (merged release)", { timeout: 600_000 }, () => {
  const dir = newWorld();
  let published = new Map<string, string>();

  it("previews the yank without changing anything", async () => {
    const release = await runRehearse(["--keep", dir]);
    expect(release.code, release.why).toBe(0);
    published = bucket(dir);
    expect([...published.keys()].sort()).toEqual(expectedObjectKeys(dir, VERSION));
    const released = readSummary(dir);
    const preview = await runRehearse(["--resume", "--keep", dir, "--yank", REASON, "--dry-run"]);
    expect(preview.code, preview.why).toBe(0);
    // The preview's own calls (its summary line): nothing written; the world's summary is the release's.
    const previewed = preview.notices.find((n) => n.kind === "summary") as unknown as {
      summary: { apiCalls: { mutating: number; total: number } };
    };
    expect(previewed.summary.apiCalls.total).toBeGreaterThan(0);
    expect(previewed.summary.apiCalls.mutating).toBe(0);
    expect(readSummary(dir)).toEqual(released);
    expect(bucket(dir)).toEqual(published);
    const text = previewText(dir);
    expect(text).toContain(`Yank ${VERSION}: “${REASON}”`);
    expect(text).toContain("hashes: revert-proposed — would open a revert PR — README: restored");
    expect(text).toContain(`website: revert-proposed — would open a revert PR — ${PAGE}: removed`);
    for (const key of published.keys()) expect(text).toContain(`    ${key}`);
    expect(text).toContain("Dry run — nothing was changed.");
  });

  it("release-relay yank --keep --dry-run prints the same preview and changes nothing, the world's own files included", async () => {
    // What the release left: its summary (API counts, durations), tracking issue and dashboard.
    const kept = [
      "summary.json",
      "tracking-issue.md",
      "dashboard.html",
      "release-relay.yml",
      "s3/index.json",
    ];
    const before = kept.map((f) => readFileSync(join(dir, f), "utf8"));
    expect(readSummary(dir).apiCalls.mutating).toBeGreaterThan(0);
    const preview = await relay("yank", VERSION, "--reason", REASON, "--dry-run", "--keep", dir);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`Yank ${VERSION}: “${REASON}”`);
    expect(preview.stdout).toContain("hashes: revert-proposed — would open a revert PR — README: restored");
    expect(preview.stdout).toContain("Dry run — nothing was changed.");
    expect(preview.stdout).not.toContain("<pre>");
    expect(kept.map((f) => readFileSync(join(dir, f), "utf8"))).toEqual(before);
    expect(bucket(dir)).toEqual(published);
    expect(ledgerEvents(dir, VERSION).some((e) => e.type === "yank")).toBe(false);
    const status = await relay("status", VERSION, "--keep", dir);
    expect(status.stdout).not.toContain("Yanked");
  });

  it("reverts merged PRs by PR, moves every object under yanked/, and holds a file changed by hand for a person", async () => {
    // After the release, someone edited the download page: its revert needs a person.
    const page = fileAt(dir, repoOf("website"), "HEAD", PAGE);
    commitTo(dir, repoOf("website"), PAGE, `${page}\nMirrors: see the list.\n`, "Add mirrors");
    const yank = await runRehearse(["--resume", "--keep", dir, "--yank", REASON]);
    expect(yank.code).toBe(1);
    expect(readSummary(dir).yanked).toBe(false);

    for (const d of ["hashes", "container"]) {
      const repo = repoOf(d);
      const [release, revert] = [...pulls(dir, repo)].sort((a, b) => a.number - b.number);
      expect(release?.merged).toBe(true);
      expect(revert?.headRef).toBe(`release-relay/yank-${VERSION}/${d}`);
      expect(revert?.merged).toBe(false);
      // Each file the release commit changed is back to what that commit replaced, byte for byte.
      const changed = gitIn(dir, repo, [
        "diff",
        "--name-only",
        `${release?.headSha}~1`,
        release?.headSha as string,
      ])
        .trim()
        .split("\n");
      expect(changed.length).toBeGreaterThan(0);
      for (const path of changed)
        expect(fileAt(dir, repo, revert?.headSha as string, path), `${d} ${path}`).toBe(
          fileAt(dir, repo, `${release?.headSha}~1`, path),
        );
      const base = readState(dir).repos[repo]?.defaultBranch;
      expect(gitIn(dir, repo, ["rev-list", "--count", `${base}..${revert?.headSha}`]).trim()).toBe("1");
    }
    expect(pulls(dir, repoOf("website"))).toHaveLength(1);
    expect(branches(dir, repoOf("website"))).not.toContain(
      `refs/heads/release-relay/yank-${VERSION}/website`,
    );

    // Every object moved, none lost or changed; nothing left where users download.
    const yanked = bucket(dir);
    expect([...yanked.keys()].sort()).toEqual(
      [...published.keys()].map((k) => k.replace(/^releases\//, "releases/yanked/")).sort(),
    );
    for (const [key, sha] of published)
      expect(yanked.get(key.replace(/^releases\//, "releases/yanked/"))).toBe(sha);

    const issue = readState(dir).repos[AUTOMATION]?.issues.find((i) => !i.isPull);
    expect(issue?.state).toBe("open");
    expect(issue?.body).toMatch(/^\*\*⛔ Yanked\*\* — the linux-arm64 tarball crashes on start\n/);
    expect(issue?.body).toMatch(
      /\| website \| ❌ failed \| .*changed since the release and still holds some of its lines/,
    );
    // The Next list names the cause and gives the command that runs the yank again.
    expect(issue?.body).toContain(`- Resolve website: ${PAGE} changed since the release`);
    expect(issue?.body).toContain(
      `- Then run the yank again: it redoes only what is not done: \`gh workflow run yank.yml --repo ${AUTOMATION} -f version=${VERSION} -f reason='${REASON}'\``,
    );
    expect(readState(dir).repos[AUTOMATION]?.comments.map((c) => c.body)).toContainEqual(
      expect.stringMatching(
        /release 1\.2\.1 was yanked by cachet-maintainer: the linux-arm64 tarball crashes/,
      ),
    );
    // The source repo's GitHub Release is a draft again, yanked in its title and body, as recorded.
    const releases = (readState(dir).repos["cachet-io/cachet"] as { releases?: GitHubReleaseRecord[] })
      .releases;
    expect(releases?.find((r) => r.tagName === VERSION)).toMatchObject({
      draft: true,
      name: `[YANKED] cachet ${VERSION}`,
      body: expect.stringMatching(
        /^> \[!CAUTION\]\n> \*\*Yanked\*\* on \d{4}-\d\d-\d\d by `cachet-maintainer`: `the linux-arm64/,
      ),
    });
    expect(
      ledgerEvents(dir, VERSION)
        .filter((e) => e.type === "github-release")
        .map((e) => e.state),
    ).toEqual(["published", "yanked"]);
  });

  it("finishes once a person resolved the page, and closes the tracking issue", async () => {
    commitTo(dir, repoOf("website"), PAGE, null, "Remove the yanked 1.2.1 page");
    // From a terminal this time: the CLI runs the world's yank workflow again.
    const again = await relay("yank", VERSION, "--reason", REASON, "--keep", dir);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain(`website: nothing-to-do — ${PAGE} is already as before the release`);
    expect(again.stdout).toMatch(/storage: moved — \d+ objects under releases\/yanked\/\n/);
    expect(again.stdout).not.toMatch(/<\/?(pre|code)>/);
    expect(readSummary(dir).yanked).toBe(true);
    const status = await relay("status", VERSION, "--keep", dir);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`**⛔ Yanked** — ${REASON}`);
    expect(status.stdout).toContain("| storage | 📦 moved to yanked/ |");
    const issue = readState(dir).repos[AUTOMATION]?.issues.find((i) => !i.isPull);
    expect(issue?.state).toBe("closed");
    expect(issue?.body).toMatch(/\| website \| — nothing to undo \| .*is already as before the release/);
    expect(issue?.body).not.toContain("run the yank again");
    // A link to the revert PR on the local GitHub (a resumed world serves it on a new port).
    expect(issue?.body).toMatch(
      /- Review and merge the revert PR of hashes: \[http:\/\/127\.0\.0\.1:\d+\/\S+\/pull\/2\]\(http:\/\/127\.0\.0\.1:\d+\/\S+\/pull\/2\)/,
    );
    const events = ledgerEvents(dir, VERSION);
    expect(events.filter((e) => e.type === "yank")).toHaveLength(1);
    expect(events.filter((e) => e.type === "yank-step").length).toBeGreaterThanOrEqual(
      DOWNSTREAMS.length + 1,
    );
    expectNoSecrets(dir);
  });

  it("a second yank changes nothing, and the yanked release is not rerun", async () => {
    const before = bucket(dir);
    const index = readFileSync(join(dir, "s3", "index.json"), "utf8");
    const again = await runRehearse(["--resume", "--keep", dir, "--yank", REASON]);
    expect(again.code, again.why).toBe(0);
    expect(readSummary(dir).apiCalls.mutating).toBe(0);
    expect(bucket(dir)).toEqual(before);
    const fromTerminal = await relay("yank", VERSION, "--reason", REASON, "--keep", dir);
    expect(fromTerminal.code, fromTerminal.stderr).toBe(0);
    expect(fromTerminal.stdout).toContain("hashes: revert-proposed — revert PR unchanged");
    expect(readSummary(dir).apiCalls.mutating).toBe(0);
    expect(bucket(dir)).toEqual(before);
    // Not a byte of the bucket's index either: each object's type and metadata are as they were.
    expect(readFileSync(join(dir, "s3", "index.json"), "utf8")).toBe(index);
    const other = await relay("yank", "1.2.2", "--reason", REASON, "--keep", dir);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`${dir} holds the rehearsal of 1.2.1, not 1.2.2`);
    const rerun = await runRehearse(["--resume", "--keep", dir]);
    expect(rerun.code).toBe(1);
    expect(rerun.why).toMatch(/1\.2\.1 was yanked by cachet-maintainer .*a yanked release is not rerun/);
    expect(bucket(dir)).toEqual(before);
  });
});

describe.skipIf(!ready)("release-relay yank (PRs still open)", { timeout: 600_000 }, () => {
  it("--no-merge stops at the merges; the yank closes each open release PR with a comment and opens no revert", async () => {
    const dir = newWorld();
    // From a terminal, as a maintainer reads it: it stops at the merges with exit 0, and names each
    // job's run and target.
    const run = await spawnCollect(process.execPath, [cli, "rehearse", "--no-merge", "--keep", dir]);
    expect(run.code, `${run.stderr}\n${run.stdout.slice(-3000)}`).toBe(0);
    expect(run.stdout).toMatch(/^⏸ 1\.2\.1 waiting for merges, as --no-merge asks/m);
    // Each job line says which run it belongs to; a build leg is named by its target alone.
    expect(run.stdout).toMatch(/^ {2}✓ \[release\.yml #\d+\] build \(linux-x86_64\) on \S+ [\d.]+s$/m);
    expect(run.stdout).toMatch(/^ {2}✓ \[ci\.yml #\d+\] check on /m);
    expect(run.stdout).toMatch(/^▶ \[release\.yml #\d+\] cachet-io\/cachet-release-automation · release/m);
    expect(run.stdout).toContain(`World:     ${dir} (`);
    for (const d of DOWNSTREAMS) expect(pulls(dir, repoOf(d)).every((p) => !p.merged)).toBe(true);
    const yank = await runRehearse(["--resume", "--keep", dir, "--yank", REASON]);
    expect(yank.code, yank.why).toBe(0);
    for (const d of DOWNSTREAMS) {
      const repo = readState(dir).repos[repoOf(d)];
      expect(repo?.pulls).toHaveLength(1);
      expect(repo?.issues.find((i) => i.isPull)?.state).toBe("closed");
      expect(repo?.comments.map((c) => c.body)).toContainEqual(
        `cachet ${VERSION} was yanked by cachet-maintainer: ${REASON}\n\nThis release must not be merged, so its PR is closed.`,
      );
      expect(branches(dir, repoOf(d)).some((b) => b.includes("yank-"))).toBe(false);
    }
    expect(readState(dir).repos[AUTOMATION]?.issues.find((i) => !i.isPull)?.body).toContain(
      "| hashes | 🚫 PR closed |",
    );
  });
});
