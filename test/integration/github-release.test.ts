// The GitHub Release of the tag on the source repo, kept by track-status against the local GitHub
// over HTTP with the real Octokit: a draft from the request, published with every published file
// linked once every stage is done, never "latest" for an older line, a prerelease for a candidate,
// nothing written on a rerun, and yanked back to a draft.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { LedgerStore } from "../../src/adapters/ledger/ledger-store.js";
import { parseConfig } from "../../src/core/config/parse.js";
import type { LedgerEvent } from "../../src/core/ledger/events.js";
import { artifactEvents, pullRequestEvents } from "../../src/core/ledger/stage-output-events.js";
import { STAGES } from "../../src/core/ledger/stages.js";
import { changedSomething } from "../../src/rehearsal/github/accounting.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { trackRelease } from "../../src/steps/track/track.js";

// The example without its own github-release block: the test writes the one it is about.
const example = readFileSync(
  join(import.meta.dirname, "../../examples/valkey/release-relay.yml"),
  "utf8",
).replace(/\ngithub-release:\n(?: {2}.*\n)+/, "\n");
const GITHUB_RELEASE = `github-release:\n  mode: publish\n  notes:\n    file: 00-RELEASENOTES\n    heading: "^Valkey {version} "\n`;
const config = parseConfig(`${example}\n${GITHUB_RELEASE}`);
/** The same, naming the container tags and the download page as the Valkey example does. */
const withExtras = parseConfig(
  `${example}\n${GITHUB_RELEASE}  container-image: valkey/valkey\n  container-tags: container.tags\n  download-page: "https://valkey.io/download/releases/v{major}-{minor}-{patch}/"\n`,
);
const SOURCE = config.source.repo;
const AUTOMATION = config.tracking.repo;
const NOTES = `Valkey 8.0 release notes

================================================================================
Valkey 8.0.2 - Released Tue 10 Dec 2024
================================================================================

Upgrade urgency LOW. See <script>alert(1)</script> and [this](https://evil.example/).
`;
const sha = (c: string) => c.repeat(64);
const url = (name: string) => `https://download.valkey.io/releases/${name}`;
const published = (version: string) => [
  {
    name: `valkey-${version}-jammy-x86_64.tar.gz`,
    kind: "binary",
    size: 1000,
    sha256: sha("a"),
    url: url(`valkey-${version}-jammy-x86_64.tar.gz`),
  },
  {
    name: `valkey-${version}-jammy-x86_64.tar.gz.asc`,
    kind: "signature",
    size: 800,
    sha256: sha("b"),
    url: url(`valkey-${version}-jammy-x86_64.tar.gz.asc`),
  },
  {
    name: `valkey-${version}.tar.gz`,
    kind: "source-archive",
    size: 900,
    sha256: sha("c"),
    url: `https://github.com/${SOURCE}/archive/refs/tags/${version}.tar.gz`,
  },
  { name: "SHA256SUMS", kind: "checksums", size: 200, sha256: sha("d"), url: url("valkey-SHA256SUMS") },
];

let emulator: GitHubEmulator;
let github: GitHubClient;
let source: GitHubClient;
let commit: string;

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(AUTOMATION);
  commit = await emulator.createRepo(SOURCE, { files: { "00-RELEASENOTES": NOTES } });
  emulator.addToken("t", {
    login: "release-bot[bot]",
    repos: { [AUTOMATION]: ["contents:write", "issues:write"] },
  });
  emulator.addToken("src", { login: "release-bot[bot]", repos: { [SOURCE]: ["contents:write"] } });
  github = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
  source = createGitHubClient({ token: "src", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
});
afterEach(async () => {
  await emulator.stop();
});

const at = "2025-01-07T12:00:00Z";
const requested = (version: string): LedgerEvent => ({
  id: "request",
  at,
  type: "request",
  tag: version,
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

async function record(version: string, events: LedgerEvent[]) {
  await new LedgerStore(github, AUTOMATION, version).appendAll(events);
}
const track = (version: string, with_ = config) =>
  trackRelease({ version }, with_, {
    github,
    run: { runId: "run-1", runUrl: undefined },
    now: () => new Date(at),
    sleep: async () => {},
    githubRelease: { github: source },
  });
const releasesOf = () => emulator.state.repos[SOURCE.toLowerCase()]?.releases ?? [];
/** The publish job's record of what it published: the published hashes.json, one event per file. */
const publish = (version: string) => record(version, artifactEvents(JSON.stringify(published(version)), at));

describe("the GitHub Release of the tag", () => {
  it("is a draft once requested, then published with its notes and every published file linked", async () => {
    await record("8.0.2", [requested("8.0.2")]);
    const first = await track("8.0.2");
    expect(releasesOf()).toMatchObject([{ tagName: "8.0.2", draft: true, name: "valkey 8.0.2" }]);
    // A draft is no one's page yet: nothing recorded, nothing linked.
    expect(first.state.githubRelease).toBeUndefined();
    expect(first.issue.body).not.toContain("GitHub Release:");
    // Requested again: the draft is found (GitHub refuses a second release of the tag), not duplicated.
    const again = emulator.log.mark();
    await track("8.0.2");
    expect(releasesOf()).toHaveLength(1);
    expect(emulator.log.calls({ since: again }).filter(changedSomething)).toEqual([]);

    await record("8.0.2", allDone);
    await publish("8.0.2");
    const done = await track("8.0.2");
    const [release] = releasesOf();
    expect(release).toMatchObject({ draft: false, prerelease: false });
    expect(done.state.githubRelease?.state).toBe("published");
    // Linked on the GitHub the run is on (here no server is given, so the local address is code).
    expect(done.issue.body).toMatch(
      /GitHub Release: valkey-io\/valkey release `http:\/\/127\.0\.0\.1:\d+\/valkey-io\/valkey\/releases\/tag\/8\.0\.2`, published/,
    );
    const body = release?.body ?? "";
    expect(body.startsWith("Upgrade urgency LOW. See &lt;script>")).toBe(true);
    expect(body).toContain("this `https://evil.example/`");
    for (const f of published("8.0.2")) expect(body).toContain(`[${f.name}](${f.url})`);
    expect(body).toContain("gpg --verify FILE.asc FILE");
    const latest = await source.rest.repos.getLatestRelease({ owner: "valkey-io", repo: "valkey" });
    expect(latest.data.tag_name).toBe("8.0.2");

    // A rerun finds it as wanted: nothing is written, on the source repo or anywhere.
    const mark = emulator.log.mark();
    await track("8.0.2");
    expect(emulator.log.calls({ since: mark }).filter(changedSomething)).toEqual([]);
  });

  it("never takes latest for an older maintenance line, and a release candidate is a prerelease", async () => {
    await source.rest.repos.createRelease({
      owner: "valkey-io",
      repo: "valkey",
      tag_name: "8.1.0",
      target_commitish: commit,
    });
    await record("8.0.2", [requested("8.0.2"), ...allDone]);
    await publish("8.0.2");
    await track("8.0.2");
    expect(releasesOf().find((r) => r.tagName === "8.0.2")).toMatchObject({ draft: false });
    const latest = await source.rest.repos.getLatestRelease({ owner: "valkey-io", repo: "valkey" });
    expect(latest.data.tag_name).toBe("8.1.0");

    await record("8.2.0-rc1", [requested("8.2.0-rc1"), ...allDone]);
    await publish("8.2.0-rc1");
    await track("8.2.0-rc1");
    expect(releasesOf().find((r) => r.tagName === "8.2.0-rc1")).toMatchObject({
      draft: false,
      prerelease: true,
    });
    expect(
      (await source.rest.repos.getLatestRelease({ owner: "valkey-io", repo: "valkey" })).data.tag_name,
    ).toBe("8.1.0");
  });

  it("names the image tags its container PR sets and the configured download page, never a report's", async () => {
    /** What the downstream job records of the container PR it opened or updated, and the tags it sets. */
    const recordContainerPr = (outcome: string, head: string, containerTags: string[]) =>
      record(
        "8.0.2",
        pullRequestEvents(
          JSON.stringify([
            {
              downstream: "container",
              repo: "valkey-io/valkey-container",
              outcome,
              number: 3,
              url: "https://github.com/valkey-io/valkey-container/pull/3",
              headSha: head.repeat(40),
              files: ["versions.json"],
              containerTags,
            },
          ]),
          withExtras,
          "7",
          at,
        ),
      );
    const reported: LedgerEvent[] = [
      // What reports brought: an image build's tags and a published page, claims of other repos' runs.
      {
        id: "report:container:image-build:5:success",
        at,
        type: "image-build",
        downstream: "container",
        status: "succeeded",
        tags: ["reported-tag"],
        runId: "5",
      },
      {
        id: "report:website:page-published:6:done",
        at,
        type: "page-published",
        downstream: "website",
        url: "https://valkey.io.evil.example/download",
      },
    ];
    await record("8.0.2", [requested("8.0.2"), ...allDone, ...reported]);
    await publish("8.0.2");
    await track("8.0.2", withExtras);
    const before = releasesOf()[0]?.body ?? "";
    expect(before).not.toContain("Container image");
    expect(before).toContain(
      "Download page: [https://valkey.io/download/releases/v8-0-2/](https://valkey.io/download/releases/v8-0-2/)",
    );
    // The downstream job records what the container PR it opened sets.
    await recordContainerPr("opened", "e", ["8.0.2", "8.0.2-bookworm", "8.0.2-alpine"]);
    await track("8.0.2", withExtras);
    const body = releasesOf()[0]?.body ?? "";
    expect(body).toContain(
      "Container image `valkey/valkey`, tags `8.0.2`, `8.0.2-bookworm`, `8.0.2-alpine`: `docker pull valkey/valkey:8.0.2`",
    );
    for (const claim of ["reported-tag", "evil.example/download"]) expect(body).not.toContain(claim);
    // A later change whose tags were refused records none: the page stops naming the earlier ones.
    await recordContainerPr("updated", "f", []);
    await track("8.0.2", withExtras);
    expect(releasesOf()[0]?.body).not.toContain("Container image");
  });

  it("says where the notes are expected when the version has no section, and is still made", async () => {
    await record("8.0.3", [requested("8.0.3")]);
    await track("8.0.3");
    expect(releasesOf()[0]?.body).toMatch(/^_No release notes for 8\.0\.3: \[00-RELEASENOTES\]\(http/);
  });

  it("is yanked: a draft again, marked yanked in its title and body, recorded in the ledger", async () => {
    await record("8.0.2", [requested("8.0.2"), ...allDone]);
    await publish("8.0.2");
    await track("8.0.2");
    await record("8.0.2", [{ id: "yank", at, type: "yank", reason: "data loss on restart", by: "alice" }]);
    const yanked = await track("8.0.2");
    expect(releasesOf()[0]).toMatchObject({ draft: true, name: "[YANKED] valkey 8.0.2" });
    expect(releasesOf()[0]?.body).toMatch(
      /^> \[!CAUTION\]\n> \*\*Yanked\*\* on 2025-01-07 by `alice`: `data loss on restart`/,
    );
    expect(yanked.state.githubRelease?.state).toBe("yanked");
  });
});
