// Which container tags and which download page the GitHub Release may name: only the tags the release
// PR release-relay opened sets (a downstream script's output the config names) and the page the config
// names. Reports bring tags and page URLs too, but those are claims of another repo's run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseConfig } from "../../../src/core/config/parse.js";
import { ReleaseRelayError } from "../../../src/core/errors.js";
import { containerTagsOf } from "../../../src/core/github-release/container-tags.js";
import { downloadPageUrl } from "../../../src/core/github-release/download-page.js";
import { reportToEvent } from "../../../src/core/ledger/downstream-report.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { pullRequestEvents } from "../../../src/core/ledger/stage-output-events.js";
import { parseVersion } from "../../../src/core/request/version.js";

const exampleText = readFileSync(
  join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"),
  "utf8",
);
const config = parseConfig(exampleText);
const AT = "2026-12-02T10:00:00Z";

function withGitHubRelease(path: string[], value: unknown): string {
  const doc = parseDocument(exampleText);
  doc.setIn(["github-release", ...path], doc.createNode(value));
  return doc.toString();
}

function refusal(text: string): string {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseRelayError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be refused");
}

describe("containerTagsOf", () => {
  it("takes a list output or one value of tags separated by commas or spaces", () => {
    expect(containerTagsOf("container.tags", ["8.0.2", "8.0.2-bookworm"])).toEqual({
      tags: ["8.0.2", "8.0.2-bookworm"],
    });
    expect(containerTagsOf("container.tags", "1.2.1, 1.2 1,latest")).toEqual({
      tags: ["1.2.1", "1.2", "1", "latest"],
    });
  });

  it("refuses the whole output when one item is not a tag, and says which", () => {
    for (const value of [["8.0.2", "8.0.2](https://evil.example)"], "8.0.2 `rm`", ["-x"], "a".repeat(129)]) {
      const got = containerTagsOf("container.tags", value);
      expect(got.tags).toEqual([]);
      expect(got.refused).toMatch(/which is not an image tag/);
    }
    expect(containerTagsOf("container.tags", [{ tag: "8.0.2" }]).refused).toMatch(/a record/);
    expect(containerTagsOf("container.tags", undefined).refused).toBe(
      "no output container.tags: the script wrote no tags",
    );
    expect(containerTagsOf("container.tags", "").refused).toBe("container.tags lists no tag");
    expect(
      containerTagsOf(
        "container.tags",
        Array.from({ length: 101 }, (_, i) => `t${i}`),
      ).refused,
    ).toMatch(/101 tags, more than 100/);
  });
});

describe("the release's container tags in the ledger", () => {
  const prs = (extra: object) =>
    JSON.stringify([
      {
        downstream: "container",
        repo: "valkey-io/valkey-container",
        outcome: "opened",
        number: 7,
        url: "https://github.com/valkey-io/valkey-container/pull/7",
        headSha: "a".repeat(40),
        files: ["versions.json"],
        ...extra,
      },
    ]);

  it("records the tags the release PR sets, once per commit, the latest commit's winning", () => {
    const first = pullRequestEvents(prs({ containerTags: ["8.0.2", "8.0.2-alpine"] }), config, "1", AT);
    expect(first.map((e) => e.type)).toEqual(["pull-request", "container-tags"]);
    const moved = pullRequestEvents(
      prs({ containerTags: ["8.0.2", "8.0.2-bookworm"], headSha: "b".repeat(40), outcome: "updated" }),
      config,
      "2",
      AT,
    );
    const state = deriveState([...first, ...first, ...moved]);
    expect(state.downstream.find((d) => d.name === "container")?.containerTags).toEqual([
      "8.0.2",
      "8.0.2-bookworm",
    ]);
  });

  it("records other tags of the same commit anew (a rerun's refused output: none), the same ones once", () => {
    const tagsOf = (events: ReturnType<typeof pullRequestEvents>) =>
      deriveState(events).downstream.find((d) => d.name === "container")?.containerTags;
    const first = pullRequestEvents(prs({ containerTags: ["8.0.2", "8.0", "latest"] }), config, "1", AT);
    const same = pullRequestEvents(
      prs({ containerTags: ["8.0.2", "8.0", "latest"], outcome: "unchanged" }),
      config,
      "2",
      AT,
    );
    expect(same.map((e) => e.id)).toEqual(first.map((e) => e.id));
    const refused = pullRequestEvents(
      prs({ containerTags: [], outcome: "unchanged" }),
      config,
      "3",
      "2026-12-02T10:10:00Z",
    );
    expect(tagsOf([...first, ...same, ...refused])).toEqual([]);
    const fewer = pullRequestEvents(
      prs({ containerTags: ["8.0.2"], outcome: "unchanged" }),
      config,
      "4",
      "2026-12-02T10:15:00Z",
    );
    expect(tagsOf([...first, ...fewer])).toEqual(["8.0.2"]);
  });

  it("refuses tags that are not tags in the prs output before anything is recorded", () => {
    expect(() => pullRequestEvents(prs({ containerTags: ["8.0.2 latest"] }), config, "1", AT)).toThrow(
      /input prs/,
    );
  });

  it("never takes a report's image tags or page URL for the release's", () => {
    const events = [
      reportToEvent(
        {
          schemaVersion: 1,
          releaseId: "valkey@8.0.2",
          repo: "valkey-io/valkey-container",
          kind: "image-build",
          state: "success",
          image: { digest: `sha256:${"c".repeat(64)}`, tags: ["evil"] },
          runId: "5",
        },
        config,
        "8.0.2",
        AT,
      ),
      reportToEvent(
        {
          schemaVersion: 1,
          releaseId: "valkey@8.0.2",
          repo: "valkey-io/valkey-io.github.io",
          kind: "page-published",
          url: "https://evil.example/download",
          runId: "6",
        },
        config,
        "8.0.2",
        AT,
      ),
    ];
    const state = deriveState(events);
    expect(state.downstream.every((d) => d.containerTags === undefined)).toBe(true);
  });
});

describe("github-release in release-relay.yml", () => {
  it("fills in the download page of a version from the example", () => {
    expect(downloadPageUrl(config, parseVersion("8.0.2"))).toBe(
      "https://valkey.io/download/releases/v8-0-2/",
    );
    expect(config.githubRelease?.containerTags).toBe("container.tags");
    expect(config.githubRelease?.containerImage).toBe("valkey/valkey");
  });

  it("refuses a download page that is not https, or names an unknown placeholder", () => {
    expect(refusal(withGitHubRelease(["download-page"], "http://valkey.io/{version}"))).toMatch(
      /download-page.*expected an https:\/\/ address/s,
    );
    expect(refusal(withGitHubRelease(["download-page"], "javascript:alert(1)//{version}"))).toMatch(
      /expected an https:\/\/ address/,
    );
    expect(
      refusal(withGitHubRelease(["download-page"], "https://valkey.io/x)[y](https://evil.example")),
    ).toMatch(/expected an https:\/\/ address/);
    // The site is the one this file names, whatever version fills the placeholders.
    for (const page of [
      "https://{prerelease}/",
      "https://example.org{prerelease}/x",
      "https://example.org:{major}{minor}{patch}/",
      "https://{tag}.example.org/",
    ])
      expect(refusal(withGitHubRelease(["download-page"], page)), page).toMatch(
        /expected an https:\/\/ address with its host written out/,
      );
    expect(
      refusal(withGitHubRelease(["download-page"], "https://example.org/{#prerelease}x{/prerelease}")),
    ).toMatch(/takes plain placeholders only .* not \{#…\}, \{\^…\} or \{\/…\} blocks/);
    expect(refusal(withGitHubRelease(["download-page"], "https://valkey.io/{verison}/"))).toMatch(
      /unknown placeholder \{verison\} — did you mean \{version\}\?/,
    );
  });

  it("refuses container tags from a downstream that does not exist or has no script", () => {
    expect(refusal(withGitHubRelease(["container-tags"], "contaner.tags"))).toMatch(
      /no downstream named "contaner" — did you mean container\.tags\?/,
    );
    expect(refusal(withGitHubRelease(["container-tags"], "registry.tags"))).toMatch(
      /no downstream named "registry": name a downstream of this file, or leave out container-tags/,
    );
    expect(refusal(withGitHubRelease(["container-tags"], "hashes.tags"))).toMatch(
      /downstream hashes has no script edit to write tags/,
    );
    expect(refusal(withGitHubRelease(["container-tags"], "tags"))).toMatch(/expected <downstream>\.<output>/);
    const doc = parseDocument(exampleText);
    doc.deleteIn(["github-release", "container-tags"]);
    expect(refusal(doc.toString())).toMatch(/container-image.*name where its tags come from too/s);
    expect(refusal(withGitHubRelease(["container-image"], "valkey/valkey:latest"))).toMatch(
      /expected an image name as docker pull takes it, without a tag/,
    );
  });
});
