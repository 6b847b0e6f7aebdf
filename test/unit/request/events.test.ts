import { describe, expect, it } from "vitest";
import type { ReleaseRelayError } from "../../../src/core/errors.js";
import { buildReleaseRequested, parseReleaseRequested } from "../../../src/core/request/release-requested.js";
import { parseVersion } from "../../../src/core/request/version.js";

// An Actions expression smuggled into a payload field.
const ACTIONS_EXPRESSION = ["$", "{{ secrets.X }}"].join("");

const good = () =>
  buildReleaseRequested("valkey", parseVersion("8.0.2"), "a".repeat(40), "valkey-io/valkey", {
    actor: "maintainer",
    event: "push",
    at: "2025-01-07T10:00:00.000Z",
    runUrl: "https://github.com/valkey-io/valkey/actions/runs/1",
  });

function refusal(payload: unknown): string {
  try {
    parseReleaseRequested(payload);
  } catch (error) {
    expect((error as ReleaseRelayError).code).toBe("E_PAYLOAD");
    return (error as Error).message;
  }
  throw new Error("expected the payload to be refused");
}

describe("release-requested payload", () => {
  it("sends schema version 2 with the options nested, and reads them back out", () => {
    const payload = buildReleaseRequested(
      "valkey",
      parseVersion("8.0.2"),
      "a".repeat(40),
      "valkey-io/valkey",
      {
        actor: "maintainer",
        event: "workflow_dispatch",
        at: "2025-01-07T10:00:00.000Z",
        checksOverride: { by: "maintainer", reason: "flaky", failing: ["x (failure)"] },
        environment: "dev",
      },
    );
    expect(payload).toMatchObject({ schemaVersion: 2, options: { environment: "dev" } });
    expect(Object.keys(payload)).toEqual([
      "schemaVersion",
      "releaseId",
      "version",
      "tag",
      "sha",
      "sourceRepo",
      "prerelease",
      "trigger",
      "options",
    ]);
    const read = parseReleaseRequested(JSON.stringify(payload));
    expect(read.environment).toBe("dev");
    expect(read.checksOverride?.reason).toBe("flaky");
    expect(read).not.toHaveProperty("options");
    expect(read).not.toHaveProperty("schemaVersion");
  });

  it("still reads a version 1 payload (options at the top level) from a trigger not yet upgraded", () => {
    const { schemaVersion: _v, options: _o, ...fields } = good();
    const v1 = { schemaVersion: 1, ...fields, environment: "dev" };
    expect(parseReleaseRequested(v1).environment).toBe("dev");
    expect(refusal({ ...v1, options: { environment: "dev" } })).toContain('unknown key "options"');
    expect(refusal({ ...good(), environment: "dev" })).toContain('unknown key "environment"');
  });

  it("round-trips through JSON and stays within GitHub's 10 top-level properties", () => {
    const payload = good();
    const { schemaVersion: _v, ...fields } = payload;
    expect(parseReleaseRequested(JSON.stringify(payload))).toEqual(fields);
    expect(Object.keys(payload).length).toBeLessThanOrEqual(10);
    expect(payload).toMatchObject({ schemaVersion: 2, releaseId: "valkey@8.0.2", prerelease: false });
  });

  it.each([
    ["wrong schemaVersion", { schemaVersion: 3 }, "schemaVersion"],
    ["extra field", { extra: 1 }, 'unknown key "extra"'],
    ["short sha", { sha: "abc" }, "sha: expected a 40-character lowercase hex commit sha"],
    ["shell in tag", { tag: "8.0.2;rm -rf /" }, "tag:"],
    [
      "expression in actor",
      { trigger: { actor: ACTIONS_EXPRESSION, event: "push", at: "2025-01-07T10:00:00Z" } },
      "trigger.actor",
    ],
    ["huge version", { version: `8.0.2-${"a".repeat(5000)}` }, "version:"],
    ["bad repo", { sourceRepo: "../../etc" }, 'sourceRepo: expected "owner/name"'],
  ])("refuses %s", (_name, change, expected) => {
    expect(refusal({ ...good(), ...change })).toContain(expected);
  });

  it("refuses __proto__ smuggled in JSON", () => {
    const text = JSON.stringify(good()).replace("{", '{"__proto__":{"polluted":1},');
    expect(refusal(text)).toContain('unknown key "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses text that is not JSON and a release id for another version", () => {
    expect(refusal("{not json")).toContain("not JSON");
    expect(refusal({ ...good(), releaseId: "valkey@8.0.3" })).toContain("does not name version 8.0.2");
  });

  it("keeps error messages short even for huge inputs", () => {
    expect(refusal({ ...good(), tag: "x".repeat(100_000) }).length).toBeLessThan(500);
  });
});
