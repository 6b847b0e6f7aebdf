import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configFieldsSchema } from "../../../src/core/config/schema.js";
import {
  describeTagFilter,
  TEMPLATE_TAG_FILTERS,
  tagFilterFinding,
  withTagFilters,
} from "../../../src/core/setup/request-workflow-tags.js";
import { tagFilterFor } from "../../../src/core/setup/tag-filter.js";

const template = readFileSync(
  join(import.meta.dirname, "../../../workflows-templates/main-repo/release.yml"),
  "utf8",
);
const DEFAULT = configFieldsSchema.in.shape.tags.parse(undefined).pattern;
const V_PATTERN = "^v(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$";

describe("the request workflow's tag filter", () => {
  it("is, in the template, the filter of the default tags.pattern", () => {
    expect(parse(template).on.push.tags).toEqual(TEMPLATE_TAG_FILTERS);
    expect(tagFilterFor(DEFAULT).filters).toEqual(TEMPLATE_TAG_FILTERS);
    expect(withTagFilters(template, TEMPLATE_TAG_FILTERS)).toBe(template);
  });

  it("is replaced in place, the rest of the workflow untouched", () => {
    const written = withTagFilters(template, tagFilterFor(V_PATTERN).filters);
    const parsed = parse(written);
    expect(parsed.on.push.tags).toEqual(["v[0-9]+.[0-9]+.[0-9]+", "v[0-9]+.[0-9]+.[0-9]+-rc[0-9]+"]);
    expect({ ...parsed, on: { ...parsed.on, push: {} } }).toEqual({
      ...parse(template),
      on: { ...parse(template).on, push: {} },
    });
    expect(withTagFilters(written, TEMPLATE_TAG_FILTERS)).toBe(template);
    expect(withTagFilters(written, ["*"])).toContain('    tags:\n      - "*"\n  release:');
  });

  it("passes the doctor when it lets every tag of tags.pattern through", () => {
    expect(tagFilterFinding("acme/demo", DEFAULT, template).ok).toBe(true);
    expect(tagFilterFinding("acme/demo", V_PATTERN, withTagFilters(template, ["v*"])).ok).toBe(true);
    expect(tagFilterFinding("acme/demo", V_PATTERN, template.replace(/ {4}tags:\n(.*\n){2}/, "")).ok).toBe(
      true,
    );
  });

  it("fails the doctor with the line to change and its new text when a release tag would start nothing", () => {
    const finding = tagFilterFinding("acme/demo", V_PATTERN, template);
    expect(finding.ok).toBe(false);
    expect(finding.problem).toMatch(
      /^tags "v0\.0\.0", .* match tags\.pattern .* but not on\.push\.tags \["\[0-9\]\+/,
    );
    expect(finding.fix).toContain(
      "in .github/workflows/release-relay.yml of acme/demo, replace the list at line 16 with:",
    );
    expect(finding.fix).toContain('          - "v[0-9]+.[0-9]+.[0-9]+-rc[0-9]+"');
    expect(finding.fix).toContain(`init --tag-pattern '${V_PATTERN}'`);
    const branches = template.replace(/ {4}tags:\n(.*\n){2}/, "    branches: [main]\n");
    expect(tagFilterFinding("acme/demo", V_PATTERN, branches).fix).toContain("add under push: (line 14)");
  });

  it("says when the filter is wider than the pattern", () => {
    expect(describeTagFilter(V_PATTERN)).toContain(
      '"v[0-9]+.[0-9]+.[0-9]+", "v[0-9]+.[0-9]+.[0-9]+-rc[0-9]+"',
    );
    expect(describeTagFilter("^v(?!0)(?<version>\\d+\\.\\d+\\.\\d+)$")).toMatch(
      /"v\*": .* the trigger refuses/,
    );
  });
});
