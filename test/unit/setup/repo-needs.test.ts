import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { repoNeeds } from "../../../src/core/setup/doctor.js";

const config = (extra: string) =>
  parseConfig(`project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
signing: { method: none }
upload: { bucket: downloads, prefix: releases/ }
downstream:
  - { name: hashes, repo: acme/hashes, mode: pr, edits: [{ kind: append-line, file: README, line: "{version}" }] }
tracking: { repo: acme/release }
${extra}`);

const sourceNeed = (extra: string) => repoNeeds(config(extra)).find((n) => n.repo === "acme/demo")?.access;

describe("what the doctor checks on the source repo", () => {
  it("reads it, and writes to it only when release-relay.yml keeps its GitHub Release", () => {
    expect(sourceNeed("")).toEqual(["contents:read"]);
    expect(sourceNeed("github-release: { mode: off }")).toEqual(["contents:read"]);
    expect(sourceNeed("github-release: { mode: draft }")).toEqual(["contents:read", "contents:write"]);
    expect(sourceNeed("github-release: { mode: publish, assets: upload }")).toEqual([
      "contents:read",
      "contents:write",
    ]);
  });
});
