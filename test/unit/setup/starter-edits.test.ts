import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { regexReplace } from "../../../src/core/downstream/updaters/regex-replace.js";
import { renderStarterEdits, starterDownstreamKind } from "../../../src/core/setup/starter-edits.js";

interface StarterEdit {
  kind: string;
  pattern: string;
  replacement: string;
  template: string;
}

// Every kind's starter has one or two edits.
const editsOf = (kind: Parameters<typeof renderStarterEdits>[0]) =>
  parse(renderStarterEdits(kind, "my-app")).edits as [StarterEdit, StarterEdit];

describe("init's starter edits", () => {
  it("guesses a downstream's kind from its name", () => {
    expect(
      ["hashes", "acme-checksums", "container", "docker-images", "website", "docs", "packaging"].map(
        starterDownstreamKind,
      ),
    ).toEqual(["hashes", "hashes", "container", "container", "website", "website", "other"]);
  });

  it("sets the version and hash in a Dockerfile of either ENV form, and the version in a VERSION file, once each", () => {
    const [version, sha] = editsOf("container");
    const edit = (dockerfile: string) =>
      regexReplace(
        regexReplace(
          dockerfile,
          version.pattern,
          version.replacement.replace("{version}", "1.1.0"),
          1,
          "Dockerfile",
        ),
        sha.pattern,
        sha.replacement.replace("{source-archive.sha256}", "def"),
        1,
        "Dockerfile",
      );
    expect(edit("FROM debian\nENV MY_APP_VERSION 1.0.0\nENV MY_APP_DOWNLOAD_SHA abc\n")).toBe(
      "FROM debian\nENV MY_APP_VERSION 1.1.0\nENV MY_APP_DOWNLOAD_SHA def\n",
    );
    expect(edit("FROM debian\nENV MY_APP_VERSION=1.0.0\nENV MY_APP_DOWNLOAD_SHA=abc\n")).toBe(
      "FROM debian\nENV MY_APP_VERSION=1.1.0\nENV MY_APP_DOWNLOAD_SHA=def\n",
    );
    // A longer name that only starts the same is not the version's line.
    expect(() => edit("ENV MY_APP_VERSION_MAJOR=1\nENV MY_APP_DOWNLOAD_SHA=abc\n")).toThrow(/matched 0 time/);
    const [other] = editsOf("other");
    expect(regexReplace("1.0.0-rc1\n", other.pattern, "1.1.0", 1, "VERSION")).toBe("1.1.0\n");
  });

  it("writes the website's release page inline, never the hashes repo's line", () => {
    const [page] = editsOf("website");
    expect(page.kind).toBe("template-create");
    expect(page.template).toContain('title: "my-app {version}"');
    expect(editsOf("hashes")[0].kind).toBe("append-line");
  });
});
