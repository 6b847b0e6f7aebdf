import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashesFileSchema } from "../../../src/core/artifacts/checksums.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { applyEdits } from "../../../src/core/downstream/edits.js";
import { editValues } from "../../../src/core/downstream/release-values.js";
import { describeError } from "../../../src/core/errors.js";
import { parseVersion } from "../../../src/core/request/version.js";

// Real download pages of the Valkey website, and the example config that must reproduce them.
const pages = join(import.meta.dirname, "../../fixtures/valkey/website/pages");
const example = join(import.meta.dirname, "../../../examples/valkey");
const config = parseConfig(readFileSync(join(example, "release-relay.yml"), "utf8"));
const website = config.downstream.find((d) => d.name === "website");
const realPage = (file: string) => readFileSync(join(pages, file), "utf8");

/** The website page the example config writes for a release, given the container repo's image tags. */
function page(version: string, date: string, tags: string[], built = ["jammy", "noble"]) {
  const v = parseVersion(version);
  const binaries = built.flatMap((distro) =>
    ["x86_64", "arm64"].map((arch, i) => ({
      name: `valkey-${version}-${distro}-${arch}.tar.gz`,
      kind: "binary",
      size: 100 + i,
      sha256: "a".repeat(63) + String(i),
      url: `https://download.valkey.io/releases/valkey-${version}-${distro}-${arch}.tar.gz`,
    })),
  );
  const values = {
    ...editValues(config, { version: v, date, hashes: hashesFileSchema.parse(binaries), floatingTags: [] }),
    "container.tags": tags,
  };
  const [file, ...others] = applyEdits(
    website?.edits ?? [],
    () => undefined,
    values,
    v.isPrerelease,
    (p) => readFileSync(join(example, p), "utf8"),
  );
  expect(others).toEqual([]);
  return file;
}

describe("website repo: the real download pages", () => {
  it("9.0.6: reproduced byte for byte (image tags, built distro/arch matrix, no final newline)", () => {
    const file = page("9.0.6", "2026-09-01", ["9.0.6", "9.0.6-trixie", "9.0.6-alpine", "9.0.6-alpine3.24"]);
    expect(file?.path).toBe("content/download/releases/v9-0-6.md");
    expect(file?.after).toBe(realPage("v9-0-6.md"));
  });

  it("the artifact matrix lists only what was built (a target that failed is not advertised)", () => {
    const file = page("9.0.6", "2026-09-01", ["9.0.6"], ["noble"]);
    expect(file?.after).toContain("    artifacts:\n        -   distro: noble\n            arch:\n");
    expect(file?.after).not.toContain("jammy");
  });

  it("9.1.0-rc1: the real page advertised the floating 9.1 tags; the release candidate's own tags instead", () => {
    const tags = ["9.1.0-rc1", "9.1.0-rc1-trixie", "9.1.0-rc1-alpine", "9.1.0-rc1-alpine3.23"];
    const file = page("9.1.0-rc1", "2026-03-17", tags);
    const real = realPage("v9-1-0-rc1.md");
    // Everything but the four tag lines is the real page.
    expect(file?.after).toBe(
      real
        .replace('"9.1"\n', '"9.1.0-rc1"\n')
        .replace('"9.1-trixie"', '"9.1.0-rc1-trixie"')
        .replace('"9.1-alpine"', '"9.1.0-rc1-alpine"')
        .replace('"9.1-alpine3.23"', '"9.1.0-rc1-alpine3.23"'),
    );
    expect(file?.after).not.toMatch(/- "9\.1(-[a-z0-9.]+)?"\n/);
  });

  it("8.1.9: the real page was published with an empty tag list; an empty list is refused", () => {
    let message = "";
    try {
      page("8.1.9", "2026-07-21", []);
    } catch (error) {
      message = describeError(error);
    }
    expect(message).toMatch(/\{#container\.tags\} would render nothing: the list is empty/);
    // With the tags the container repo produces, it is the real page with the list filled in.
    const file = page("8.1.9", "2026-07-21", ["8.1.9", "8.1.9-bookworm", "8.1.9-alpine", "8.1.9-alpine3.22"]);
    expect(file?.after).toBe(
      realPage("v8-1-9.md").replace(
        "            tags:\n\n",
        '            tags:\n                - "8.1.9"\n                - "8.1.9-bookworm"\n                - "8.1.9-alpine"\n                - "8.1.9-alpine3.22"\n',
      ),
    );
  });

  it("a rerun finds its page and changes nothing; a different page with that name is never overwritten", () => {
    const tags = ["9.0.6", "9.0.6-trixie", "9.0.6-alpine", "9.0.6-alpine3.24"];
    const v = parseVersion("9.0.6");
    const values = {
      ...editValues(config, { version: v, date: "2026-09-01", hashes: [], floatingTags: [] }),
      "container.tags": tags,
      distros: [
        { distro: "jammy", arches: ["arm64", "x86_64"] },
        { distro: "noble", arches: ["arm64", "x86_64"] },
      ],
    };
    const read = (p: string) => readFileSync(join(example, p), "utf8");
    const apply = (existing: string) => applyEdits(website?.edits ?? [], () => existing, values, false, read);
    expect(apply(realPage("v9-0-6.md"))).toEqual([]);
    expect(() => apply(realPage("v9-0-6.md").replace("9.0.6 Release", "edited"))).toThrow(
      /already exists with different content/,
    );
  });
});
