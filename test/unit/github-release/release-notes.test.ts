import { describe, expect, it } from "vitest";
import { safeNotesMarkdown } from "../../../src/core/github-release/notes-markdown.js";
import {
  DEFAULT_NOTES_HEADING,
  extractReleaseNotes,
} from "../../../src/core/github-release/release-notes.js";

const VALKEY = `Hello! This file is just a placeholder.

================================================================================
Valkey 8.0.3 - Released Wed 22 Jan 2025
================================================================================

Upgrade urgency SECURITY: This release includes security fixes.

* Fix crash in CLIENT KILL (#1234)

================================================================================
Valkey 8.0.2 - Released Tue 10 Dec 2024
================================================================================

Upgrade urgency LOW: bug fixes.

* Fix 8.0.20 parsing, not a heading
`;

describe("extractReleaseNotes", () => {
  it("takes the section under the version's heading, without the frame lines, up to the next version", () => {
    const notes = extractReleaseNotes(VALKEY, "8.0.3", "00-RELEASENOTES", "^Valkey {version} ");
    expect(notes).toEqual({
      found: true,
      text: "Upgrade urgency SECURITY: This release includes security fixes.\n\n* Fix crash in CLIENT KILL (#1234)",
    });
    const older = extractReleaseNotes(VALKEY, "8.0.2", "00-RELEASENOTES", "^Valkey {version} ");
    expect(older).toMatchObject({ found: true, text: expect.stringContaining("8.0.20 parsing") });
  });

  it("matches the version literally: 8.0.2 is not 8.0.20 nor 8x0x2", () => {
    const text = "## 8x0x2\nwrong\n## 8.0.20\nwrong too\n## 8.0.2\nright\n## 8.0.1\nolder";
    expect(extractReleaseNotes(text, "8.0.2", "CHANGELOG.md", DEFAULT_NOTES_HEADING)).toEqual({
      found: true,
      text: "right",
    });
  });

  it("reads Markdown changelogs by default: ## [1.2.1] - date", () => {
    const text = "# Changelog\n\n## [1.2.1] - 2026-12-01\n\n- fixed\n\n## [1.2.0] - 2026-11-01\n\n- added\n";
    expect(extractReleaseNotes(text, "1.2.1", "CHANGELOG.md", DEFAULT_NOTES_HEADING)).toEqual({
      found: true,
      text: "- fixed",
    });
  });

  it("says what is missing: the file, or the version's section", () => {
    expect(extractReleaseNotes(undefined, "1.2.1", "NOTES.md", DEFAULT_NOTES_HEADING)).toEqual({
      found: false,
      file: "NOTES.md",
      why: "no-file",
    });
    expect(extractReleaseNotes("## 1.2.0\nold", "1.2.1", "NOTES.md", DEFAULT_NOTES_HEADING)).toEqual({
      found: false,
      file: "NOTES.md",
      why: "no-section",
      heading: DEFAULT_NOTES_HEADING,
    });
    expect(
      extractReleaseNotes("## 1.2.1\n\n## 1.2.0\nold", "1.2.1", "N", DEFAULT_NOTES_HEADING),
    ).toMatchObject({
      found: false,
      why: "no-section",
    });
  });

  it("takes the whole file without a heading pattern", () => {
    expect(extractReleaseNotes("\nAll of it.\n", "1.2.1", "RELEASE.md")).toEqual({
      found: true,
      text: "All of it.",
    });
  });
});

const allowed = {
  server: "https://github.com",
  downloads: "https://download.valkey.io/releases/",
  repos: ["valkey-io/valkey"],
};

describe("safeNotesMarkdown", () => {
  it("keeps links to the release's repos and downloads, and shows any other address as code", () => {
    const out = safeNotesMarkdown(
      "See [the PR](https://github.com/valkey-io/valkey/pull/12) and [a guide](https://evil.example/x), https://evil.example/y.",
      allowed,
    );
    expect(out).toBe(
      "See [the PR](https://github.com/valkey-io/valkey/pull/12) and a guide `https://evil.example/x`, `https://evil.example/y`.",
    );
  });

  it("shows raw HTML as text and never links javascript: or data: URLs", () => {
    const out = safeNotesMarkdown(
      '<img src=x onerror=alert(1)> [x](javascript:alert(1)) <javascript:alert(2)> <a href="https://evil.example">y</a>',
      allowed,
    );
    expect(out).not.toMatch(/<img|<a |\]\(javascript|<javascript/);
    expect(out).toContain("&lt;img");
  });

  it("turns a reference definition into code, so [x] links nowhere", () => {
    expect(safeNotesMarkdown("[x]\n\n[x]: https://evil.example/", allowed)).toBe(
      "[x]\n\n`[x]: https://evil.example/`",
    );
  });

  it("leaves code blocks and spans as written, and closes a fence the notes leave open", () => {
    const notes = "`<b>` inline\n```html\n<script>x</script> https://evil.example\n```\nafter <b>";
    expect(safeNotesMarkdown(notes, allowed)).toBe(
      "`<b>` inline\n```html\n<script>x</script> https://evil.example\n```\nafter &lt;b>",
    );
    expect(safeNotesMarkdown("```\nopen", allowed)).toBe("```\nopen\n```");
  });
});
