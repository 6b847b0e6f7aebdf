import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { filterMatches, globRegExp } from "../../../src/core/setup/filter-glob.js";
import { sampleTags, tagFilterFor } from "../../../src/core/setup/tag-filter.js";

const DEFAULT = "^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";

// Every tag of `tags` the pattern accepts must start the workflow: the filter is never narrower.
function coversAll(pattern: string, tags: string[]) {
  const { filters } = tagFilterFor(pattern);
  const accepted = [...tags, ...sampleTags(pattern)].filter((t) => new RegExp(pattern).test(t));
  expect(accepted.length).toBeGreaterThan(0);
  for (const tag of accepted)
    expect({ tag, matched: filterMatches(filters, tag) }).toEqual({ tag, matched: true });
}

const TAGS = [
  "1.2.3",
  "10.20.30",
  "8.1.0-rc1",
  "8.1.0-rc12",
  "v1.2.3",
  "v8.1.0-rc2",
  "valkey-8.0.2",
  "valkey-8.1.0-rc1",
  "release-1.2.3",
  "1.2.3-beta.1",
  "v1.2.3-rc.1",
];

describe("tagFilterFor (tags.pattern → on.push.tags)", () => {
  it("derives the template's own filter from the default pattern", () => {
    const template = parse(
      readFileSync(join(import.meta.dirname, "../../../workflows-templates/main-repo/release.yml"), "utf8"),
    );
    expect(tagFilterFor(DEFAULT)).toEqual({ filters: template.on.push.tags });
    coversAll(DEFAULT, TAGS);
  });

  it("keeps a v prefix, and spells an optional rc suffix out as a second filter", () => {
    const pattern = "^v(?<version>\\d+\\.\\d+\\.\\d+(-rc\\d+)?)$";
    expect(tagFilterFor(pattern)).toEqual({
      filters: ["v[0-9]+.[0-9]+.[0-9]+", "v[0-9]+.[0-9]+.[0-9]+-rc[0-9]+"],
    });
    coversAll(pattern, TAGS);
    expect(filterMatches(tagFilterFor(pattern).filters, "1.2.3")).toBe(false);
  });

  it("keeps a project prefix (valkey-)", () => {
    const pattern = "^valkey-(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";
    expect(tagFilterFor(pattern).filters).toEqual([
      "valkey-[0-9]+.[0-9]+.[0-9]+",
      "valkey-[0-9]+.[0-9]+.[0-9]+-rc[0-9]+",
    ]);
    coversAll(pattern, TAGS);
  });

  it("widens what a glob cannot say exactly, never narrows", () => {
    const cases: [string, string[]][] = [
      ["^v?(?<version>\\d+\\.\\d+\\.\\d+)$", ["v?[0-9]+.[0-9]+.[0-9]+"]],
      [
        "^(?<version>\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.]+)?)$",
        ["[0-9]+.[0-9]+.[0-9]+", "[0-9]+.[0-9]+.[0-9]+-*"],
      ],
      ["^v(?<version>\\d{1,3}\\.\\d+\\.\\d+)$", ["v[0-9]*.[0-9]+.[0-9]+"]],
      [
        "^(?:v|release-)(?<version>\\d+\\.\\d+\\.\\d+)$",
        ["v[0-9]+.[0-9]+.[0-9]+", "release-[0-9]+.[0-9]+.[0-9]+"],
      ],
      ["(?<version>\\d+\\.\\d+\\.\\d+)", ["*[0-9]+.[0-9]+.[0-9]+*"]],
      ["^(?<version>.*)$", ["*"]],
    ];
    for (const [pattern, filters] of cases) {
      expect(tagFilterFor(pattern)).toEqual({ filters });
      coversAll(pattern, TAGS);
    }
  });

  it("falls back to the literal prefix and * for a pattern it cannot translate, and says why", () => {
    const lookahead = "^v(?!0\\.)(?<version>\\d+\\.\\d+\\.\\d+)$";
    expect(tagFilterFor(lookahead)).toEqual({ filters: ["v*"], wide: expect.stringContaining("lookaround") });
    coversAll(lookahead, TAGS);
    const boundary = "^release-(?<version>\\d+\\.\\d+\\.\\d+)\\b";
    expect(tagFilterFor(boundary)).toMatchObject({
      filters: ["release-*"],
      wide: expect.stringContaining("\\b"),
    });
    expect(tagFilterFor("^(?<version>\\d+)\\.\\1$").filters).toEqual(["*"]);
    const many = "^(a|b)(c|d)(e|f)(g|h)(?<version>\\d+\\.\\d+\\.\\d+)$";
    expect(tagFilterFor(many)).toMatchObject({
      filters: ["*"],
      wide: expect.stringContaining("alternatives"),
    });
  });
});

describe("GitHub's filter glob", () => {
  it("reads *, **, +, ?, [] and ! as the cheat sheet says", () => {
    expect(globRegExp("v[0-9]+.[0-9]+").test("v10.2")).toBe(true);
    expect(globRegExp("v[0-9]+.[0-9]+").test("v10x2")).toBe(false);
    expect(globRegExp("v?1").test("1")).toBe(true);
    expect(globRegExp("a*").test("a/b")).toBe(false);
    expect(globRegExp("a**").test("a/b")).toBe(true);
    expect(filterMatches(["v*", "!v0*"], "v0.1.0")).toBe(false);
    expect(filterMatches(["v*", "!v0*", "v0.9*"], "v0.9.0")).toBe(true);
  });
});
