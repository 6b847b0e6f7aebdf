import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { editSchema } from "../../../src/core/config/schema.js";
import { applyEdits, editedPaths } from "../../../src/core/downstream/edits.js";
import {
  entryTags,
  type ImageEntry,
  orderImageEntries,
  parseImageEntries,
  replaceListAfter,
  suffixedTags,
} from "../../../src/core/downstream/updaters/image-tags.js";

const entry = (name: string, version: string): ImageEntry => ({ name, version, fields: { version } });

describe("image-tags: which entry holds which floating tag", () => {
  const lines = [entry("7.2", "7.2.6"), entry("8.0", "8.0.0"), entry("unstable", "unstable")];
  it("the newest version overall takes its line, its major and latest; an older line only its own", () => {
    expect(entryTags(lines[1] as ImageEntry, lines)).toEqual(["8.0.0", "8.0", "8", "latest"]);
    expect(entryTags(lines[0] as ImageEntry, lines)).toEqual(["7.2.6", "7.2", "7"]);
  });
  it("a release candidate holds none, and the newest stable line keeps latest", () => {
    const withRc = [entry("7.2", "7.2.6"), entry("8.0", "8.0.0-rc2")];
    expect(entryTags(withRc[1] as ImageEntry, withRc)).toEqual(["8.0.0-rc2"]);
    expect(entryTags(withRc[0] as ImageEntry, withRc)).toEqual(["7.2.6", "7.2", "7", "latest"]);
  });
  it("two lines of one major: only the newer takes the major", () => {
    const two = [entry("8.0", "8.0.2"), entry("8.1", "8.1.1")];
    expect(entryTags(two[0] as ImageEntry, two)).toEqual(["8.0.2", "8.0"]);
    expect(entryTags(two[1] as ImageEntry, two)).toEqual(["8.1.1", "8.1", "8", "latest"]);
  });
  it("an entry that is not a version is only itself", () => {
    expect(entryTags(lines[2] as ImageEntry, lines)).toEqual(["unstable"]);
  });
  it("lists the entries that are not versions first, then the newest version first", () => {
    const order = orderImageEntries([
      entry("7.2", "7.2.6"),
      entry("unstable", "unstable"),
      entry("8.0", "8.0.0-rc1"),
    ]);
    expect(order.map((e) => e.name)).toEqual(["unstable", "8.0", "7.2"]);
  });
});

describe("image-tags: variant suffixes", () => {
  it("suffixes every tag, and latest with a suffix is the suffix alone", () => {
    const tags = ["8.0.0", "8.0", "8", "latest"];
    expect(suffixedTags(tags, "")).toEqual(tags);
    expect(suffixedTags(tags, "-alpine3.20")).toEqual([
      "8.0.0-alpine3.20",
      "8.0-alpine3.20",
      "8-alpine3.20",
      "alpine3.20",
    ]);
  });
});

describe("image-tags: the list in its file", () => {
  const page = "# Tags\n- old 1\n- old 2\n\n# Usage\nrun it\n";
  it("replaces the lines after the heading up to the first blank one, keeping the rest", () => {
    expect(replaceListAfter(page, "# Tags", ["- new"], "page.md")).toBe("# Tags\n- new\n\n# Usage\nrun it\n");
    expect(replaceListAfter(page.replaceAll("\n", "\r\n"), "# Tags", ["- new"], "page.md")).toBe(
      "# Tags\r\n- new\r\n\r\n# Usage\r\nrun it\r\n",
    );
  });
  it("refuses a file without the heading, or with it twice", () => {
    expect(() => replaceListAfter(page, "# Supported tags", [], "page.md")).toThrow(
      'page.md: the heading "# Supported tags" is there 0 time(s), expected 1',
    );
    expect(() => replaceListAfter(`${page}# Tags\n`, "# Tags", [], "page.md")).toThrow("2 time(s)");
  });
  it("reads each entry's fields and refuses a versions file of another shape", () => {
    expect(
      parseImageEntries('{"8.0": {"version": "8.0.1", "alpine": {"version": "3.20"}}}', "v.json"),
    ).toEqual([{ name: "8.0", version: "8.0.1", fields: { version: "8.0.1", "alpine.version": "3.20" } }]);
    expect(() => parseImageEntries('{"8.0": "8.0.1"}', "v.json")).toThrow(
      'v.json: expected an object of entries each with a "version" string; 8.0 is not one',
    );
    expect(() => parseImageEntries("{", "v.json")).toThrow("v.json is not valid JSON");
  });
});

describe("image-tags as an edit", () => {
  const edit = editSchema.parse({
    kind: "image-tags",
    file: "README.md",
    heading: "## Tags",
    versions: "versions.json",
    variants: [
      { name: "debian", suffixes: ["", "-{entry.debian}"] },
      { name: "alpine", suffixes: ["-alpine"] },
    ],
    tag: "`{tag}`",
    line: "- {tags} ({entry}/{variant}, {project})",
  });
  const versions = JSON.stringify({
    "1.1": { version: "1.1.4", debian: "trixie" },
    "1.2": { version: "1.2.0", debian: "trixie" },
  });
  const files: Record<string, string> = {
    "README.md": "## Tags\n- old\n\nmore\n",
    "versions.json": versions,
  };
  const values = { project: "demo", version: "1.2.0", line: "1.2" };

  it("lists every line and variant from the versions file as the edits before it left it", () => {
    const setVersion = editSchema.parse({
      kind: "json-set",
      file: "versions.json",
      path: '"1.2".version',
      value: "{version}",
    });
    const [, page] = applyEdits(
      [setVersion, edit],
      (p) => files[p],
      { ...values, version: "1.2.1" },
      false,
      () => undefined,
    );
    expect(page?.after).toBe(
      [
        "## Tags",
        "- `1.2.1`, `1.2`, `1`, `latest`, `1.2.1-trixie`, `1.2-trixie`, `1-trixie`, `trixie` (1.2/debian, demo)",
        "- `1.2.1-alpine`, `1.2-alpine`, `1-alpine`, `alpine` (1.2/alpine, demo)",
        "- `1.1.4`, `1.1`, `1.1.4-trixie`, `1.1-trixie` (1.1/debian, demo)",
        "- `1.1.4-alpine`, `1.1-alpine` (1.1/alpine, demo)",
        "",
        "more",
        "",
      ].join("\n"),
    );
  });

  it("is a no-op on a page already up to date", () => {
    const [page] = applyEdits(
      [edit],
      (p) => files[p],
      values,
      false,
      () => undefined,
    );
    expect(
      applyEdits(
        [edit],
        (p) => (p === "README.md" ? page?.after : files[p]),
        values,
        false,
        () => undefined,
      ),
    ).toEqual([]);
  });

  it("refuses an entry without a variant's field, and a missing versions file", () => {
    const noDebian = JSON.stringify({ "1.2": { version: "1.2.0" } });
    const read = (p: string) => (p === "versions.json" ? noDebian : files[p]);
    expect(() => applyEdits([edit], read, values, false, () => undefined)).toThrow(
      "edits[0].variants[0].suffixes[1]: unknown placeholder {entry.debian}",
    );
    const none = (p: string) => (p === "versions.json" ? undefined : files[p]);
    expect(() => applyEdits([edit], none, values, false, () => undefined)).toThrow(
      "README.md: its versions file versions.json does not exist in the downstream repo",
    );
  });

  it("has the versions file read from the base with the page", () => {
    expect(editedPaths([edit], values, false)).toEqual(["README.md", "versions.json"]);
  });
});

describe("image-tags in release-relay.yml", () => {
  const example = readFileSync(
    join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"),
    "utf8",
  );
  const LINE =
    'line: "- [{tags}](https://github.com/valkey-io/valkey-container/blob/master/{entry}/{variant}/Dockerfile)"';
  const withEdit = (line: string, file = "dockerhub-description.md") =>
    example.replace(LINE, `line: "${line}"`).replace("file: dockerhub-description.md", `file: "${file}"`);
  it("knows the entry's placeholders in line, tag and suffixes (the example uses them)", () => {
    expect(example).toContain(LINE);
    expect(() => parseConfig(withEdit("- {tags} ({entry}/{variant}) {entry.url}"))).not.toThrow();
  });
  it("refuses them where the edit does not fill them in, and a misspelt one", () => {
    expect(() => parseConfig(withEdit("- {tags}", "{entry}/README.md"))).toThrow(
      /edits\[\d+\]\.file: unknown placeholder \{entry\}/,
    );
    expect(() => parseConfig(withEdit("- {tags} {variants}"))).toThrow(
      /edits\[\d+\]\.line: unknown placeholder \{variants\} — did you mean \{variant\}\?/,
    );
  });
});
