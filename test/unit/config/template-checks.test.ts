import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseConfig } from "../../../src/core/config/parse.js";
import { templateFileProblems } from "../../../src/core/config/template-files.js";
import { knownPlaceholders, unknownPlaceholders } from "../../../src/core/downstream/edit-placeholders.js";
import { templateFilePath } from "../../../src/core/downstream/template-source.js";
import { closest, editDistance } from "../../../src/core/inputs/closest-name.js";

const exampleText = readFileSync(
  join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"),
  "utf8",
);

function mutate(path: (string | number)[], value: unknown): string {
  const doc = parseDocument(exampleText);
  doc.setIn(path, doc.createNode(value));
  return doc.toString();
}

function refusal(text: string): string {
  try {
    parseConfig(text);
  } catch (error) {
    return String(error);
  }
  throw new Error("expected the config to be refused");
}

describe("placeholders of a downstream's edits", () => {
  const config = parseConfig(exampleText);
  const [hashes, container, website] = config.downstream as [
    (typeof config.downstream)[0],
    (typeof config.downstream)[0],
    (typeof config.downstream)[0],
  ];

  const knownFor = (d: (typeof config.downstream)[0]) => {
    const known = knownPlaceholders(config, d);
    if (!known) throw new Error(`no placeholders for ${d.name}`);
    return known;
  };

  it("knows every value a release fills in, the fields of list items, and outputs of earlier downstreams", () => {
    const known = knownFor(website);
    expect(known.names).toEqual(
      expect.arrayContaining([
        "version",
        "date",
        "source-archive.sha256",
        "checksums.url",
        "binary.linux-jammy-arm64.sha256",
        "release-notes-url",
      ]),
    );
    expect(known.lists.get("distros")).toEqual(["distro", "arches"]);
    expect(known.outputsOf).toEqual(["container"]);
    expect(unknownPlaceholders("{#distros}{distro}: {#arches}{.}{/arches}{/distros}", known)).toEqual([]);
    expect(unknownPlaceholders("{#container.tags}{.}{/container.tags} {container.x}", known)).toEqual([]);
  });

  it("refuses an unknown name with the nearest known one", () => {
    const known = knownFor(hashes);
    expect(unknownPlaceholders("sha {source-archive.sha265} {source-archive.sha265}", known)).toEqual([
      "unknown placeholder {source-archive.sha265} — did you mean {source-archive.sha256}?",
    ]);
  });

  it("refuses a list item's field outside its block, and another downstream's output without after:", () => {
    const known = knownFor(container);
    expect(unknownPlaceholders("{distro}", known)[0]).toContain("unknown placeholder {distro}");
    expect(unknownPlaceholders("{website.page}", known)).toEqual([
      "unknown placeholder {website.page}; another downstream's outputs are {<downstream>.<key>}, with that downstream in after:",
    ]);
  });

  it("is refused at parse time with the field's config path", () => {
    const text = mutate(["downstream", 0, "edits", 0, "line"], "hash {source-archive.sha265}");
    expect(refusal(text)).toContain(
      "downstream[0].edits[0].line: unknown placeholder {source-archive.sha265} — did you mean {source-archive.sha256}?",
    );
    expect(refusal(mutate(["downstream", 1, "pr", "title"], "{projet} {version}"))).toContain(
      "downstream[1].pr.title: unknown placeholder {projet} — did you mean {project}?",
    );
  });

  it("checks an inline template's text, not a template file's name", () => {
    const inline = mutate(["downstream", 2, "edits", 0, "template"], "# {project} {verison}\n");
    expect(refusal(inline)).toContain("downstream[2].edits[0].template: unknown placeholder {verison}");
    expect(() => parseConfig(exampleText)).not.toThrow();
  });
});

describe("tags.pattern", () => {
  it("refuses a pattern without a (?<version>…) group, with an example", () => {
    expect(refusal(mutate(["tags", "pattern"], "^v\\d+\\.\\d+\\.\\d+$"))).toContain(
      'tags.pattern: no (?<version>...) group: name the part of the tag that is the version, e.g. "^v(?<version>\\d+\\.\\d+\\.\\d+)$"',
    );
  });
});

describe("template files", () => {
  it("takes one line ending in a file extension for a file's path, anything else for the text", () => {
    expect(templateFilePath("templates/website-release.md")).toBe("templates/website-release.md");
    expect(templateFilePath("page.html.tmpl")).toBe("page.html.tmpl");
    expect(templateFilePath("# {project} {version}\n")).toBeUndefined();
    expect(templateFilePath("Released {version}.md")).toBeUndefined();
    expect(templateFilePath("first line\nsecond.md")).toBeUndefined();
    expect(templateFilePath("Release 8.0")).toBeUndefined();
  });

  it("reports a missing file and a file's unknown placeholders, at the edit's config path", () => {
    const config = parseConfig(exampleText);
    expect(templateFileProblems(config, () => undefined)).toEqual([
      'downstream[2].edits[0].template: template file "templates/website-release.md" does not exist beside release-relay.yml; add it, correct the path, or write the template\'s text inline',
    ]);
    expect(templateFileProblems(config, () => "{#distros}{distro}{/distros} {container.tags} {dat}")).toEqual(
      [
        "downstream[2].edits[0].template (templates/website-release.md): unknown placeholder {dat} — did you mean {date}?",
      ],
    );
  });
});

describe("closest name", () => {
  it("measures edits and guesses only near names", () => {
    expect(editDistance("sha265", "sha256")).toBe(2);
    expect(closest("sha265", ["sha256", "size"])).toBe("sha256");
    expect(closest("series", ["line", "major", "minor"])).toBeUndefined();
  });
});
