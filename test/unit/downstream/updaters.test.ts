import { describe, expect, it } from "vitest";
import { editSchema } from "../../../src/core/config/schema.js";
import { applyEdits } from "../../../src/core/downstream/edits.js";
import { appendLine } from "../../../src/core/downstream/updaters/append-line.js";
import { parseEditPath } from "../../../src/core/downstream/updaters/edit-path.js";
import { jsonSet } from "../../../src/core/downstream/updaters/json-set.js";
import { regexReplace } from "../../../src/core/downstream/updaters/regex-replace.js";
import { templateCreate } from "../../../src/core/downstream/updaters/template-create.js";
import { yamlSet } from "../../../src/core/downstream/updaters/yaml-set.js";

describe("append-line", () => {
  const file = "# hashes\nhash a.tar.gz sha256 11 u\n";
  it("appends at the end, keeping the file's lines", () => {
    expect(appendLine(file, "hash b.tar.gz sha256 22 u", "README", "hash b.tar.gz ")).toBe(
      `${file}hash b.tar.gz sha256 22 u\n`,
    );
  });
  it("is a no-op when the line is there", () => {
    expect(appendLine(file, "hash a.tar.gz sha256 11 u", "README", "hash a.tar.gz ")).toBe(file);
  });
  it("refuses a second, different line for the same file", () => {
    expect(() => appendLine(file, "hash a.tar.gz sha256 99 u", "README", "hash a.tar.gz ")).toThrow(
      'README line 2 already lists "hash a.tar.gz" differently',
    );
  });
  it("repairs a missing final newline and keeps CRLF files CRLF", () => {
    expect(appendLine("x", "y", "f")).toBe("x\ny\n");
    expect(appendLine("x\r\n", "y", "f")).toBe("x\r\ny\r\n");
    expect(appendLine("", "y", "f")).toBe("y\n");
  });
  it("refuses a multi-line value", () => {
    expect(() => appendLine(file, "a\nb", "README")).toThrow("spans several lines");
  });
});

describe("regex-replace", () => {
  const docker = "ENV V 8.0.1\nENV URL https://x/8.0.1.tar.gz\n";
  it("replaces with groups when the count matches", () => {
    expect(regexReplace(docker, "^(ENV V) .*$", "$1 8.0.2", 1, "Dockerfile")).toBe(
      "ENV V 8.0.2\nENV URL https://x/8.0.1.tar.gz\n",
    );
  });
  it("is a no-op when already replaced", () => {
    expect(regexReplace(docker, "^(ENV V) .*$", "$1 8.0.1", 1, "Dockerfile")).toBe(docker);
  });
  it("fails when the file's format changed (wrong number of matches)", () => {
    expect(() => regexReplace(docker, "8\\.0\\.1", "8.0.2", 1, "Dockerfile")).toThrow(
      "Dockerfile: /8\\.0\\.1/ matched 2 time(s), expected 1",
    );
    expect(() => regexReplace(docker, "^ARG", "x", 1, "Dockerfile")).toThrow("matched 0 time(s)");
  });
  it("with count: 2 replaces both matches, and refuses a third match instead of replacing two of three", () => {
    const edit = editSchema.parse({
      kind: "regex-replace",
      file: "Dockerfile",
      pattern: "8\\.0\\.1",
      replacement: "{version}",
      count: 2,
    });
    const apply = (content: string) =>
      applyEdits(
        [edit],
        () => content,
        { version: "8.0.2" },
        false,
        () => undefined,
      );
    expect(apply(docker)).toEqual([
      { path: "Dockerfile", before: docker, after: "ENV V 8.0.2\nENV URL https://x/8.0.2.tar.gz\n" },
    ]);
    expect(() => apply(`${docker}LABEL version=8.0.1\n`)).toThrow(
      "Dockerfile: /8\\.0\\.1/ matched 3 time(s), expected 2",
    );
  });
});

describe("json-set", () => {
  const versions =
    '{\n  "8.0": {\n    "version": "8.0.1",\n    "sha256": "aa"\n  },\n  "7.2": {\n    "version": "7.2.7"\n  }\n}\n';
  it("sets a path with a dotted key, keeping indentation, key order and the final newline", () => {
    expect(jsonSet(versions, '"8.0".version', "8.0.2", "versions.json")).toBe(
      versions.replace("8.0.1", "8.0.2"),
    );
  });
  it("is a no-op when the value is already set, and creates missing objects", () => {
    expect(jsonSet(versions, '"8.0".version', "8.0.1", "versions.json")).toBe(versions);
    expect(JSON.parse(jsonSet(versions, '"9.0".version', "9.0.0", "versions.json"))["9.0"]).toEqual({
      version: "9.0.0",
    });
  });
  it("keeps tab indentation and refuses malformed JSON or paths through scalars", () => {
    expect(jsonSet('{\n\t"a": 1\n}', "a", 2, "f")).toBe('{\n\t"a": 2\n}');
    expect(() => jsonSet("{ nope", "a", 1, "f.json")).toThrow("f.json is not valid JSON");
    expect(() => jsonSet(versions, '"7.2".version.x', 1, "versions.json")).toThrow("runs into a string");
  });
  it("parses edit paths", () => {
    expect(parseEditPath('"8.0".debian.version')).toEqual(["8.0", "debian", "version"]);
    expect(parseEditPath("list[2].name")).toEqual(["list", 2, "name"]);
    expect(() => parseEditPath('"unclosed')).toThrow("is not valid");
  });
});

describe("yaml-set", () => {
  const yaml = "# versions we ship\nstable: 8.0.1 # current\nlines:\n  - 7.2\n";
  it("sets a value and keeps comments and order", () => {
    expect(yamlSet(yaml, "stable", "8.0.2", "v.yml")).toBe(
      "# versions we ship\nstable: 8.0.2 # current\nlines:\n  - 7.2\n",
    );
  });
  it("is a no-op for the same value and refuses malformed YAML", () => {
    expect(yamlSet(yaml, "stable", "8.0.1", "v.yml")).toBe(yaml);
    expect(() => yamlSet("a: [b\n", "a", 1, "v.yml")).toThrow("v.yml is not valid YAML");
  });
});

describe("template-create", () => {
  it("creates a page, accepts the identical page, refuses to overwrite a different one", () => {
    expect(templateCreate(undefined, "page", "p.md")).toBe("page");
    expect(templateCreate("page", "page", "p.md")).toBe("page");
    expect(() => templateCreate("other", "page", "p.md")).toThrow(
      "p.md already exists with different content",
    );
  });
});
