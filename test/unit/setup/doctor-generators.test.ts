import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { generatorFindings, sourceFindings } from "../../../src/core/setup/doctor.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/cachet/release-relay.yml"), "utf8"),
);

describe("doctor: downstreams whose generator runs without a token", () => {
  it("passes a public repo and names a private one with its fix, before any release", () => {
    expect(generatorFindings(config, new Set())).toEqual([
      {
        check: "cachet-io/cachet-container: its script edits can run without a token (downstream container)",
        ok: true,
      },
    ]);
    const [finding] = generatorFindings(config, new Set(["cachet-io/cachet-container"]));
    expect(finding).toMatchObject({
      ok: false,
      problem: "the repo is private: the generate job, which holds no token, cannot read it",
    });
    // Downstreams without script edits are not concerned.
    expect(
      generatorFindings(
        { ...config, downstream: config.downstream.filter((d) => d.name !== "container") },
        new Set(),
      ),
    ).toEqual([]);
  });
});

describe("a private source repo", () => {
  it("is refused before the release starts: the build and qualify jobs hold no token that reads it", () => {
    expect(sourceFindings(config, new Set())).toEqual([
      {
        check: `${config.source.repo}: the build and qualify jobs can check it out without a token`,
        ok: true,
      },
    ]);
    const [finding] = sourceFindings(config, new Set([config.source.repo.toLowerCase()]));
    expect(finding).toMatchObject({
      ok: false,
      fix: `make ${config.source.repo} public; release-relay does not build private sources yet`,
    });
  });
});
