// A dispatch downstream against the GitHub emulator: the repo is sent the release's files and hashes
// once by repository_dispatch, the ledger records it, a rerun does not send it again, and the release
// waits for the image-build report the receiver sends back.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { parseConfig } from "../../src/core/config/parse.js";
import type { Config } from "../../src/core/config/schema.js";
import { downstreamExpectations } from "../../src/core/dashboard/context.js";
import { releasePublishedSchema } from "../../src/core/downstream/release-published.js";
import { renderPrSummary } from "../../src/core/downstream/stage-results.js";
import { downstreamDone } from "../../src/core/ledger/completion.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { openDownstreamPrs } from "../../src/steps/downstream/open-prs.js";
import { trackRelease } from "../../src/steps/track/track.js";
import type { TrackStatusSettings } from "../../src/steps/track/track-inputs.js";
import { trackSettings } from "../support/track-settings.js";

const CONFIG = `
project: acme
source: { repo: acme/acme }
build:
  command: make
  targets: [{ os: linux, arch: x86_64, runner: ubuntu-24.04 }]
  artifact: "acme-{version}-{os}-{arch}.tar.gz"
upload: { bucket: acme-downloads, public-url: https://downloads.acme.example/ }
downstream:
  - name: images
    repo: acme/images
    mode: pr
    dispatch: { event-type: acme-released }
    reports: [image-build]
senders: { release-requested: [acme-release-bot], downstream-report: ["acme-reporter[bot]"] }
tracking: { repo: acme/release }
`;
const config = parseConfig(CONFIG);
let emulator: GitHubEmulator;
let github: GitHubClient;
let hashesFile: string;

const hashes = [
  {
    name: "acme-1.4.0-linux-x86_64.tar.gz",
    kind: "binary",
    size: 1234,
    sha256: "ab".repeat(32),
    url: "https://downloads.acme.example/acme-1.4.0-linux-x86_64.tar.gz",
  },
  { name: "SHA256SUMS", kind: "checksums", size: 99, sha256: "cd".repeat(32) },
];

const open = (c: Config, recordedPrs?: string[]) =>
  openDownstreamPrs(
    {
      configPath: "release-relay.yml",
      environment: undefined,
      version: "1.4.0",
      hashesFile,
      token: "t",
      releasedVersions: [],
      trackingIssueUrl: "https://github.com/acme/release/issues/1",
      releaseDate: "2026-11-23",
      recordedPrs,
    },
    c,
    { github, configDir: ".", today: "2026-11-23" },
  );

const track = (input: Partial<TrackStatusSettings>, sender = "acme-reporter[bot]") =>
  trackRelease(trackSettings("release-relay.yml", "1.4.0", input), config, {
    github,
    run: { runId: "5-1", runUrl: undefined, workflowRunId: "5", actor: "maintainer", sender },
    now: () => new Date("2026-11-23T10:00:00Z"),
  });

beforeEach(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo("acme/release");
  await emulator.createRepo("acme/images");
  emulator.addToken("t", {
    login: "release-bot[bot]",
    repos: { "acme/release": ["contents:write", "issues:write"], "acme/images": ["contents:write"] },
  });
  emulator.addToken("read-only", { login: "release-bot[bot]", repos: { "acme/images": ["contents:read"] } });
  github = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
  hashesFile = join(mkdtempSync(join(tmpdir(), "dispatch-")), "hashes.json");
  writeFileSync(hashesFile, JSON.stringify(hashes));
});
afterEach(async () => {
  await emulator.stop();
});

describe("a dispatch downstream", () => {
  it("is sent the release's public files with their hashes, once; the ledger keeps a rerun from sending it again", async () => {
    const [first] = await open(config);
    expect(first).toMatchObject({ downstream: "images", outcome: "dispatched" });
    const [sent, ...more] = emulator.takeDispatches();
    expect(more).toEqual([]);
    expect(sent).toMatchObject({
      repo: "acme/images",
      eventType: "acme-released",
      sender: "release-bot[bot]",
    });
    expect(releasePublishedSchema.parse(sent?.clientPayload)).toEqual({
      schemaVersion: 1,
      releaseId: "acme@1.4.0",
      version: "1.4.0",
      tag: "1.4.0",
      prerelease: false,
      downstream: "images",
      // SHA256SUMS has no public URL in this hashes file: only what can be downloaded is listed.
      artifacts: [
        {
          name: "acme-1.4.0-linux-x86_64.tar.gz",
          kind: "binary",
          url: "https://downloads.acme.example/acme-1.4.0-linux-x86_64.tar.gz",
          sha256: "ab".repeat(32),
          size: 1234,
        },
      ],
      trackingIssueUrl: "https://github.com/acme/release/issues/1",
    });

    // Recorded by track-status; the next run is told so and sends nothing.
    const recorded = await track({ prs: JSON.stringify([first]) });
    expect(recorded.state.downstream[0]?.dispatched?.eventType).toBe("acme-released");
    expect(recorded.issue.body).toContain("| images | acme/images | 📨 dispatched `acme-released` |");
    const [again] = await open(config, ["images"]);
    expect(again?.outcome).toBe("unchanged");
    expect(emulator.takeDispatches()).toEqual([]);
    await track({ prs: JSON.stringify([again]) });
    const head = await emulator.git("acme/release").text(["rev-parse", "release-relay-ledger/1.4.0"]);
    await track({ prs: JSON.stringify([again]) });
    expect(await emulator.git("acme/release").text(["rev-parse", "release-relay-ledger/1.4.0"])).toBe(head);
  });

  it("keeps the release open until the receiver reports its image build", async () => {
    const [first] = await open(config);
    const waiting = await track({ prs: JSON.stringify([first]) });
    const [expect_] = downstreamExpectations(config);
    expect(expect_).toMatchObject({ name: "images", dispatch: true, reports: ["image-build"] });
    expect(downstreamDone(waiting.state.downstream[0], expect_ as NonNullable<typeof expect_>)).toBe(false);
    const report = {
      schemaVersion: 1,
      releaseId: "acme@1.4.0",
      repo: "acme/images",
      kind: "image-build",
      state: "success",
      image: { digest: `sha256:${"e".repeat(64)}`, tags: ["1.4.0", "latest"] },
      runId: "77",
    };
    // A run GitHub never started is no image build: refused, and the release still waits.
    await expect(track({ report: JSON.stringify(report) })).rejects.toThrow(
      "image-build report from acme/images names run 77, which GitHub does not know in acme/images",
    );
    // The receiver's own run (started by the dispatch) reports on itself when it has built.
    emulator.startWorkflowRun("acme/images", {
      id: 77,
      name: "build images",
      path: ".github/workflows/images.yml",
      event: "repository_dispatch",
      headBranch: "main",
      headSha: "f".repeat(40),
      actor: "acme-reporter[bot]",
    });
    const built = await track({ report: JSON.stringify(report) });
    expect(built.state.downstream[0]?.image).toMatchObject({
      status: "succeeded",
      tags: ["1.4.0", "latest"],
    });
    expect(built.issue.body).toMatch(
      /\| images \| acme\/images \| 📨 dispatched `acme-released` \| .*✅ `1\.4\.0` `latest`/,
    );
  });

  it("in dry-run shows what it would send and sends nothing; without Contents write it names the permission", async () => {
    const dry = parseConfig(CONFIG.replace("mode: pr", "mode: dry-run"));
    const [shown] = await open(dry);
    expect(shown?.outcome).toBe("dry-run");
    expect(renderPrSummary([shown as NonNullable<typeof shown>])).toContain(
      'repository_dispatch acme-released to acme/images:\n{\n  "schemaVersion": 1,',
    );
    expect(emulator.takeDispatches()).toEqual([]);

    github = createGitHubClient({ token: "read-only", baseUrl: emulator.url, retryAfterBaseValue: 1 });
    const [refused] = await open(config);
    expect(refused?.outcome).toBe("failed");
    expect(refused?.error).toContain('"Contents: read and write" on acme/images');
    expect(emulator.takeDispatches()).toEqual([]);
  });

  it("is configured without edits, and not pushed to", () => {
    const base = CONFIG.replace("    dispatch: { event-type: acme-released }\n", "");
    expect(() => parseConfig(base)).toThrow(/a downstream needs at least one edit \(or dispatch:/);
    expect(() =>
      parseConfig(
        CONFIG.replace("    reports:", "    edits: [{ kind: append-line, file: A, line: x }]\n    reports:"),
      ),
    ).toThrow(/a dispatch downstream sends the release and edits nothing/);
    expect(() => parseConfig(CONFIG.replace("mode: pr", "mode: push"))).toThrow(/has nothing to push/);
  });
});

describe("a dispatch's size, held to GitHub's limits", () => {
  const many = (count: number, stem: string) =>
    Array.from({ length: count }, (_, i) => {
      const name = `acme-1.4.0-${stem}-${String(i).padStart(2, "0")}.tar.gz`;
      const file = { size: 123_456_789, url: `https://downloads.acme.example/releases/1.4.0/${name}` };
      return [
        { name, kind: "binary", sha256: (i + 1).toString(16).padStart(64, "a"), ...file },
        {
          name: `${name}.minisig`,
          kind: "signature",
          size: 310,
          sha256: (i + 1).toString(16).padStart(64, "b"),
          url: `${file.url}.minisig`,
        },
      ];
    }).flat();

  it("sends a release of 40 artifacts (and their signatures) in one dispatch GitHub takes", async () => {
    writeFileSync(hashesFile, JSON.stringify(many(40, "linux-x86_64-ubuntu-noble")));
    const [sent] = await open(config);
    expect(sent?.outcome).toBe("dispatched");
    const payload = releasePublishedSchema.parse(emulator.takeDispatches()[0]?.clientPayload);
    expect(payload.artifacts).toHaveLength(80);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(64 * 1024);
  });

  it("refuses, before sending, a payload GitHub would refuse, and the emulator refuses it too", async () => {
    const huge = many(200, `linux-${"x".repeat(60)}`);
    writeFileSync(hashesFile, JSON.stringify(huge));
    const [result] = await open(config);
    expect(result?.outcome).toBe("failed");
    expect(result?.error).toContain("would be refused by GitHub: its JSON is");
    expect(emulator.takeDispatches()).toEqual([]);
    // The same payload sent anyway: GitHub's 64 KB limit, as the emulator holds it.
    await expect(
      github.rest.repos.createDispatchEvent({
        owner: "acme",
        repo: "images",
        event_type: "acme-released",
        client_payload: { artifacts: huge },
      }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringContaining("less than 64KB") });
  });
});
