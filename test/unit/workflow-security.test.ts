import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { scanWorkflow } from "../../src/core/workflow-security.js";

const root = join(import.meta.dirname, "../..");
const templates: string[] = [];
const walk = (dir: string) => {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(e)) templates.push(p);
  }
};
walk(join(root, "workflows-templates"));

// An Actions expression, written so that no linter mistakes it for a template literal.
const expr = (inner: string) => ["$", "{{ ", inner, " }}"].join("");

const good = `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: echo "$TITLE"
        env:
          TITLE: \${{ github.event.head_commit.message }}
`;

describe("workflow security scanner", () => {
  it("finds nothing wrong in any template release-relay installs", () => {
    expect(templates.length).toBeGreaterThanOrEqual(4);
    for (const file of templates)
      expect(scanWorkflow(relative(root, file), readFileSync(file, "utf8"))).toEqual([]);
  });

  it("accepts a workflow that follows the rules", () => {
    expect(scanWorkflow("good.yml", good)).toEqual([]);
  });

  it.each([
    [
      "a job without permissions",
      good.replace("    permissions:\n      contents: read\n", ""),
      "permissions",
      "job a does not declare permissions:",
    ],
    [
      "write-all",
      good.replace("    permissions:\n      contents: read\n", "    permissions: write-all\n"),
      "permissions",
      "job a uses write-all",
    ],
    [
      "a write permission",
      good.replace("contents: read", "contents: write"),
      "permissions",
      "asks for contents: write",
    ],
    [
      "top-level permissions",
      good.replace("permissions: {}", "permissions: read-all"),
      "permissions",
      "top-level permissions must be {}",
    ],
    [
      "a tag instead of a SHA",
      good.replace("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@v4"),
      "pin",
      "actions/checkout@v4 is not pinned",
    ],
    ["a SHA without its version", good.replace(" # v4.2.2", ""), "pin", "is not pinned by a full commit SHA"],
    [
      "event data in run:",
      good.replace('echo "$TITLE"', `echo "${expr("github.event.head_commit.message")}"`),
      "injection",
      "expression inside run:",
    ],
    [
      "event data in a multi-line run:",
      good.replace(
        '      - run: echo "$TITLE"',
        `      - run: |\n          set -e\n          echo ${expr("inputs.version")}`,
      ),
      "injection",
      "expression inside run:",
    ],
    [
      "pull_request_target checking out the PR",
      good
        .replace("on: push", "on: pull_request_target")
        .replace(
          " # v4.2.2",
          ` # v4.2.2\n        with:\n          ref: ${expr("github.event.pull_request.head.sha")}`,
        ),
      "pull-request-target",
      "must not check out the PR's code",
    ],
  ])("flags %s", (_name, text, rule, message) => {
    const problems = scanWorkflow("bad.yml", text);
    expect(problems.map((p) => p.rule)).toContain(rule);
    expect(problems.map((p) => p.message).join("\n")).toContain(message);
  });
});
