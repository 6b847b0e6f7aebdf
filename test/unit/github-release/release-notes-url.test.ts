import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { editValues } from "../../../src/core/downstream/release-values.js";
import { githubReleaseRepo } from "../../../src/core/github-release/wanted-release.js";
import { parseVersion } from "../../../src/core/request/version.js";

// The example without its own github-release block: each test writes the one it is about.
const example = readFileSync(
  join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"),
  "utf8",
).replace(/\ngithub-release:\n(?: {2}.*\n)+/, "\n");
const withNotes = example.replace(
  "  release-branches:",
  '  release-notes: "https://valkey.io/notes/{version}"\n  release-branches:',
);
const data = { version: parseVersion("8.0.2"), date: "2026-12-01", hashes: [], floatingTags: [] };
const notesUrl = (yaml: string) => editValues(parseConfig(yaml), data)["release-notes-url"];

describe("{release-notes-url}", () => {
  it("is the GitHub Release release-relay publishes, over source.release-notes", () => {
    const published = `${withNotes}\ngithub-release:\n  mode: publish\n`;
    expect(notesUrl(published)).toBe("https://github.com/valkey-io/valkey/releases/tag/8.0.2");
  });

  it("stays source.release-notes while the GitHub Release is only a draft or off", () => {
    expect(notesUrl(`${withNotes}\ngithub-release:\n  mode: draft\n`)).toBe("https://valkey.io/notes/8.0.2");
    expect(notesUrl(withNotes)).toBe("https://valkey.io/notes/8.0.2");
  });
});

describe("github-release in release-relay.yml", () => {
  it("defaults to a draft with CHANGELOG.md's Markdown headings, and is off without the block", () => {
    const config = parseConfig(`${example}\ngithub-release: {}\n`);
    expect(config.githubRelease).toEqual({
      mode: "draft",
      assets: "links",
      notes: { file: "CHANGELOG.md", heading: "^#{1,6}\\s+\\[?v?{version}\\]?(?=\\s|$)" },
    });
    expect(githubReleaseRepo(config)).toBe("valkey-io/valkey");
    expect(githubReleaseRepo(parseConfig(example))).toBeUndefined();
    // An environment's release reaches no user: no GitHub Release.
    expect(githubReleaseRepo({ ...config, environment: "dev" })).toBeUndefined();
  });

  it("refuses a heading without {version} and a notes path out of the repo", () => {
    expect(() =>
      parseConfig(`${example}\ngithub-release:\n  notes: { file: NOTES, heading: "^Valkey " }\n`),
    ).toThrow(/must contain \{version\}/);
    expect(() => parseConfig(`${example}\ngithub-release:\n  notes: { file: ../x }\n`)).toThrow(
      /a path in the source repo/,
    );
  });
});
