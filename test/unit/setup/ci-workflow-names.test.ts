import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ciWorkflowNames,
  TEMPLATE_CI_WORKFLOW_NAMES,
  withCiWorkflowNames,
} from "../../../src/core/setup/ci-workflow-names.js";

const template = readFileSync(
  new URL("../../../workflows-templates/downstream/report-status.yml", import.meta.url),
  "utf8",
);
const workflowsOf = (text: string) => parse(text).on.workflow_run.workflows;

describe("a downstream's CI workflow names", () => {
  it("names the workflows that run on pull_request, in any of the `on:` forms, by name or else by path", () => {
    const found = ciWorkflowNames([
      {
        path: ".github/workflows/ci.yml",
        text: "name: CI tests\non:\n  pull_request:\n    branches: [main]\n  push:\njobs: {}\n",
      },
      { path: ".github/workflows/lint.yaml", text: "name: Lint\non: [push, pull_request]\njobs: {}\n" },
      { path: ".github/workflows/unnamed.yml", text: "on: pull_request\njobs: {}\n" },
      {
        path: ".github/workflows/nightly.yml",
        text: "name: Nightly\non:\n  schedule: [{ cron: '0 0 * * *' }]\n",
      },
      { path: ".github/workflows/pr-target.yml", text: "name: Labeler\non: pull_request_target\n" },
      { path: ".github/workflows/images.yml", text: "name: Build images\non: [pull_request, push]\n" },
      { path: ".github/workflows/broken.yml", text: "name: [oops\n" },
    ]);
    expect(found).toEqual({
      names: ["CI tests", "Lint", ".github/workflows/unnamed.yml"],
      unreadable: [".github/workflows/broken.yml"],
    });
  });

  it("finds none in a repo without pull_request workflows", () => {
    expect(
      ciWorkflowNames([{ path: ".github/workflows/release.yml", text: "name: Release\non: push\n" }]),
    ).toEqual({
      names: [],
      unreadable: [],
    });
  });

  it("writes the names into report-status in place of CI, keeps the image build and every other line", () => {
    expect(workflowsOf(template)).toEqual(["CI", "Build and push images"]);
    const rewritten = withCiWorkflowNames(template, ["Tests", "Lint: strict, all", 'say "hi"']);
    expect(workflowsOf(rewritten)).toEqual([
      "Tests",
      "Lint: strict, all",
      'say "hi"',
      "Build and push images",
    ]);
    const changed = rewritten.split("\n").filter((l, i) => l !== template.split("\n")[i]);
    expect(changed).toEqual([
      '    workflows: [Tests, "Lint: strict, all", "say \\"hi\\"", Build and push images]',
    ]);
    expect(withCiWorkflowNames(rewritten, ["Tests"])).toBe(withCiWorkflowNames(template, ["Tests"]));
  });

  it("refuses a file without the workflows line rather than write a wrong one", () => {
    expect(() => withCiWorkflowNames("on:\n  pull_request_target:\n", ["Tests"])).toThrow(
      "the report-status workflow has no workflows: [...] line under on.workflow_run",
    );
  });

  it("gives back the template itself when the template's names are written over a rewritten file", () => {
    // What a check of installed files compares: the project's own CI names put back to the template's.
    const rewritten = withCiWorkflowNames(template, ["Unit tests", "Lint"]);
    expect(withCiWorkflowNames(rewritten, TEMPLATE_CI_WORKFLOW_NAMES)).toBe(template);
  });
});
