// github-release.assets: upload, against the local GitHub over HTTP with the real Octokit: the
// release's files become the GitHub Release's own assets while it is a draft (a repo with immutable
// releases takes none once published), only bytes the ledger recorded as published are uploaded, an
// asset of the name with other bytes is refused, and a rerun writes nothing.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { parseConfig } from "../../src/core/config/parse.js";
import type { LedgerEvent } from "../../src/core/ledger/events.js";
import { artifactEvents } from "../../src/core/ledger/stage-output-events.js";
import { STAGES } from "../../src/core/ledger/stages.js";
import { changedSomething } from "../../src/rehearsal/github/accounting.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { trackRelease } from "../../src/steps/track/track.js";

const example = readFileSync(
  join(import.meta.dirname, "../../examples/valkey/release-relay.yml"),
  "utf8",
).replace(/\ngithub-release:\n(?: {2}.*\n)+/, "\n");
const config = parseConfig(
  `${example}\ngithub-release:\n  mode: publish\n  assets: upload\n  notes:\n    file: 00-RELEASENOTES\n`,
);
const SOURCE = config.source.repo;
const AUTOMATION = config.tracking.repo;
const [OWNER, NAME] = SOURCE.split("/") as [string, string];
const VERSION = "8.0.2";
const at = "2025-01-07T12:00:00Z";
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

let emulator: GitHubEmulator;
let github: GitHubClient;
let source: GitHubClient;
let commit: string;
let dir: string;
/** The publish job's files: a built file in its target's directory, its signature, the checksums. */
let files: Record<string, Buffer>;

async function setUp(seed: { immutableReleases?: boolean; releaseAssetDigests?: boolean } = {}) {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(AUTOMATION);
  commit = await emulator.createRepo(SOURCE, { files: { "00-RELEASENOTES": "notes\n" }, ...seed });
  emulator.addToken("t", {
    login: "release-bot[bot]",
    repos: { [AUTOMATION]: ["contents:write", "issues:write"] },
  });
  emulator.addToken("src", { login: "release-bot[bot]", repos: { [SOURCE]: ["contents:write"] } });
  const client = (token: string) =>
    createGitHubClient({ token, baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
  github = client("t");
  source = client("src");
  dir = mkdtempSync(join(tmpdir(), "release-files-"));
  files = {
    [`valkey-${VERSION}-jammy-x86_64.tar.gz`]: Buffer.from("\x1f\x8b built bytes"),
    [`valkey-${VERSION}-jammy-x86_64.tar.gz.asc`]: Buffer.from("-----BEGIN PGP SIGNATURE-----\n"),
    SHA256SUMS: Buffer.from("sums\n"),
  };
  mkdirSync(join(dir, "build-jammy-x86_64"));
  for (const [name, bytes] of Object.entries(files))
    writeFileSync(join(dir, name.endsWith(".tar.gz") ? `build-jammy-x86_64/${name}` : name), bytes);
}
afterEach(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

const record = (events: LedgerEvent[]) => new LedgerStore(github, AUTOMATION, VERSION).appendAll(events);
const requested = (): LedgerEvent => ({
  id: "request",
  at,
  type: "request",
  tag: VERSION,
  commit,
  requestedAt: at,
});
const allDone: LedgerEvent[] = STAGES.map((stage) => ({
  id: `stage:${stage}:succeeded`,
  at,
  type: "stage",
  stage,
  status: "succeeded",
}));
/** The publish job's record of what it published (the published hashes.json). */
const published = () =>
  record(
    artifactEvents(
      JSON.stringify(
        Object.entries(files).map(([name, bytes]) => ({
          name,
          kind: name.endsWith(".asc") ? "signature" : name === "SHA256SUMS" ? "checksums" : "binary",
          size: bytes.length,
          sha256: sha256(bytes),
          url: `https://download.valkey.io/releases/${name}`,
        })),
      ),
      at,
    ),
  );
const track = (filesDir?: string) =>
  trackRelease({ version: VERSION }, config, {
    github,
    run: { runId: "run-1", runUrl: undefined },
    now: () => new Date(at),
    sleep: async () => {},
    githubRelease: { github: source, filesDir },
  });
const release = () => emulator.state.repos[SOURCE.toLowerCase()]?.releases[0];
const assetsOf = () =>
  (release()?.assets ?? [])
    .map((a) => ({ name: a.name, sha256: a.sha256, state: a.state }))
    .sort((a, b) => a.name.localeCompare(b.name));
const wanted = () =>
  Object.entries(files)
    .map(([name, bytes]) => ({ name, sha256: sha256(bytes), state: "uploaded" }))
    .sort((a, b) => a.name.localeCompare(b.name));

describe("the GitHub Release's own assets (assets: upload)", () => {
  it("in a repo with immutable releases: uploaded to the draft, then published; a rerun writes nothing", async () => {
    await setUp({ immutableReleases: true });
    await record([requested()]);
    await track();
    expect(release()).toMatchObject({ draft: true });
    expect(release()?.assets ?? []).toEqual([]);

    await record(allDone);
    await published();
    const mark = emulator.log.mark();
    const done = await track(dir);
    expect(done.githubRelease?.assets).toMatchObject({ kept: [], missing: [] });
    expect(done.githubRelease?.assets?.uploaded.sort()).toEqual(Object.keys(files).sort());
    expect(assetsOf()).toEqual(wanted());
    expect(release()).toMatchObject({ draft: false, immutable: true });
    // Every upload came before the update that published it: published first, it would take none.
    const routes = emulator.log.calls({ since: mark }).map((c) => c.route);
    const lastUpload = routes.lastIndexOf("POST /repos/{owner}/{repo}/releases/{release_id}/assets");
    expect(lastUpload).toBeGreaterThan(-1);
    expect(routes.indexOf("PATCH /repos/{owner}/{repo}/releases/{release_id}")).toBeGreaterThan(lastUpload);

    const rerun = emulator.log.mark();
    const again = await track(dir);
    expect(again.githubRelease?.assets?.kept.sort()).toEqual(Object.keys(files).sort());
    expect(emulator.log.calls({ since: rerun }).filter(changedSomething)).toEqual([]);
  });

  it("a complete release whose files this job lacks stays a draft until a job with them uploads them", async () => {
    await setUp();
    await record([requested(), ...allDone]);
    await published();
    const without = await track();
    expect(without.githubRelease?.assets?.missing.map((m) => m.name).sort()).toEqual(
      Object.keys(files).sort(),
    );
    expect(without.githubRelease?.assets?.missing[0]?.why).toBe("this job does not hold the release's files");
    expect(release()).toMatchObject({ draft: true });
    expect(without.state.githubRelease).toBeUndefined();

    const withFiles = await track(dir);
    expect(assetsOf()).toEqual(wanted());
    expect(release()).toMatchObject({ draft: false });
    expect(withFiles.state.githubRelease?.state).toBe("published");
  });

  it("uploads only bytes the release published: a local file changed since is left out, the release a draft", async () => {
    await setUp();
    await record([requested(), ...allDone]);
    await published();
    writeFileSync(join(dir, "SHA256SUMS"), "other sums\n");
    // A file of the name elsewhere in the directory with the published bytes is the one taken.
    const sig = `valkey-${VERSION}-jammy-x86_64.tar.gz.asc`;
    writeFileSync(join(dir, sig), "a stale signature\n");
    writeFileSync(join(dir, "build-jammy-x86_64", sig), files[sig] as Buffer);
    const outcome = await track(dir);
    expect(outcome.githubRelease?.assets?.missing).toEqual([
      { name: "SHA256SUMS", why: `no file of that name under ${dir} has the published sha256` },
    ]);
    expect(assetsOf()).toEqual(wanted().filter((a) => a.name !== "SHA256SUMS"));
    expect(release()).toMatchObject({ draft: true });
  });

  it("refuses an asset of the same name with other bytes (E_IMMUTABLE), and publishes nothing", async () => {
    await setUp();
    await record([requested()]);
    await track();
    const draft = release();
    await source.request({
      method: "POST",
      url: `${emulator.url}/repos/${SOURCE}/releases/${draft?.id}/assets{?name,label}`,
      name: "SHA256SUMS",
      data: Buffer.from("someone else's sums\n"),
      headers: { "content-type": "application/octet-stream" },
    });
    await record(allDone);
    await published();
    await expect(track(dir)).rejects.toMatchObject({
      code: "E_IMMUTABLE",
      message: expect.stringContaining("already has an asset SHA256SUMS with other bytes"),
    });
    expect(release()).toMatchObject({ draft: true });
    expect(release()?.assets?.find((a) => a.name === "SHA256SUMS")?.sha256).toBe(
      sha256("someone else's sums\n"),
    );
  });

  it("replaces an upload that never finished", async () => {
    await setUp();
    await record([requested()]);
    await track();
    emulator.recordUnfinishedAsset(SOURCE, VERSION, "SHA256SUMS");
    await record(allDone);
    await published();
    await track(dir);
    expect(assetsOf()).toEqual(wanted());
    expect(release()).toMatchObject({ draft: false });
  });

  it("on a server that lists no digests, reads an asset's bytes to compare them, and writes nothing", async () => {
    await setUp({ releaseAssetDigests: false });
    await record([requested(), ...allDone]);
    await published();
    await track(dir);
    expect(assetsOf()).toEqual(wanted());
    const mark = emulator.log.mark();
    await track(dir);
    const calls = emulator.log.calls({ since: mark });
    expect(calls.filter(changedSomething)).toEqual([]);
    expect(
      calls.filter((c) => c.route === "GET /repos/{owner}/{repo}/releases/assets/{asset_id}"),
    ).toHaveLength(3);
  });

  it("a release published by hand in a repo with immutable releases is left as it is, its missing files named", async () => {
    await setUp({ immutableReleases: true });
    await source.rest.repos.createRelease({
      owner: OWNER,
      repo: NAME,
      tag_name: VERSION,
      target_commitish: commit,
    });
    await record([requested(), ...allDone]);
    await published();
    const mark = emulator.log.mark();
    const outcome = await track(dir);
    expect(outcome.githubRelease?.assets?.missing.map((m) => m.why)).toEqual(
      Object.keys(files).map(() => "the release is immutable and published"),
    );
    const uploads = emulator.log
      .calls({ since: mark })
      .filter((c) => c.route === "POST /repos/{owner}/{repo}/releases/{release_id}/assets");
    expect(uploads).toEqual([]);
    expect(release()).toMatchObject({ draft: false, immutable: true });
    expect(release()?.assets ?? []).toEqual([]);
  });
});
