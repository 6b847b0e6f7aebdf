import { describe, expect, it } from "vitest";
import { parseScriptOutputs } from "../../../src/core/downstream/script-outputs.js";
import { findPlaceholders, renderTemplate } from "../../../src/core/downstream/template.js";
import { describeError } from "../../../src/core/errors.js";

const render = (t: string, v: Parameters<typeof renderTemplate>[1]) => renderTemplate(t, v, "t");
/** The whole message a user sees (message and hint) when rendering fails. */
const failure = (t: string, v: Parameters<typeof renderTemplate>[1]) => {
  try {
    render(t, v);
  } catch (error) {
    return describeError(error);
  }
  throw new Error("rendered without an error");
};

describe("templates: placeholders and repeated blocks", () => {
  it("fills placeholders and leaves other braces (Hugo, Go templates) alone", () => {
    expect(render("{version} {{ .Title }} {not a name}", { version: "8.0.2" })).toBe(
      "8.0.2 {{ .Title }} {not a name}",
    );
  });

  it("repeats a block per item; a block tag alone on its line leaves no blank line", () => {
    expect(render('tags:\n{#tags}\n  - "{.}"\n{/tags}\nend', { tags: ["8.0.2", "8.0.2-alpine"] })).toBe(
      'tags:\n  - "8.0.2"\n  - "8.0.2-alpine"\nend',
    );
    expect(render("[{#tags}{.},{/tags}]", { tags: ["a", "b"] })).toBe("[a,b,]");
  });

  it("nests blocks over records, seeing outer values inside", () => {
    const distros = [
      { distro: "jammy", arches: ["arm64", "x86_64"] },
      { distro: "noble", arches: ["x86_64"] },
    ];
    expect(
      render("{#distros}{distro}:{#arches} {.}-{version}{/arches};{/distros}", { distros, version: "1" }),
    ).toBe("jammy: arm64-1 x86_64-1;noble: x86_64-1;");
  });

  it("refuses an empty list unless the template says what to print instead", () => {
    expect(() => render("tags:\n{#tags}\n  - {.}\n{/tags}", { tags: [] })).toThrow(
      /\{#tags\} would render nothing: the list is empty/,
    );
    expect(render("{#tags}{.} {/tags}{^tags}none{/tags}", { tags: [] })).toBe("none");
    expect(render("{#tags}{.} {/tags}{^tags}none{/tags}", { tags: ["a"] })).toBe("a ");
  });

  it("names the mistake: unknown name, a list printed as a value, unbalanced blocks, {.} outside", () => {
    expect(failure("{nope}", { version: "1" })).toMatch(
      /unknown placeholder \{nope\}.*use one of \{version\}/,
    );
    expect(failure("{tags}", { tags: ["a"] })).toMatch(/\{tags\} is a list.*\{#tags\}\{\.\}\{\/tags\}/);
    expect(() => render("{#version}x{/version}", { version: "1" })).toThrow(/\{version\} is a single value/);
    expect(() => render("{#tags}x", { tags: ["a"] })).toThrow(/\{#tags\} is never closed/);
    expect(() => render("{#tags}x{/other}", { tags: ["a"], other: ["b"] })).toThrow(
      /\{\/other\} closes \{#tags\}/,
    );
    expect(() => render("{.}", {})).toThrow(/\{\.\} outside a repeated block/);
  });

  it("lists the names a template uses, blocks included", () => {
    expect(findPlaceholders("{version} {#tags}{.}{/tags} {version}")).toEqual(["version", "tags"]);
  });
});

describe("script outputs", () => {
  it("reads values and lists", () => {
    expect(parseScriptOutputs("a=1\n\ntags[]=x\ntags[]=y=z\n", "s")).toEqual({ a: "1", tags: ["x", "y=z"] });
  });

  it("refuses malformed lines and a key written both ways", () => {
    expect(() => parseScriptOutputs("a=1\noops\n", "s")).toThrow(/output line 2 is not key=value/);
    expect(() => parseScriptOutputs("a=1\na[]=2\n", "s")).toThrow(/both as a value and as a list/);
    expect(() => parseScriptOutputs("a[]=1\na=2\n", "s")).toThrow(/both as a value and as a list/);
  });
});
