import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config-parse.js";
import { generatorFindings } from "../../src/core/doctor.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../examples/cachet/release-relay.yml"), "utf8"),
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
