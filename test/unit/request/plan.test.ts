import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { orderDownstream, planRelease, releasePlanSchema } from "../../../src/core/request/plan.js";
import { renderPlanSummary } from "../../../src/core/request/plan-summary.js";
import { parseTag } from "../../../src/core/request/version.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8"),
);
const commit = "a5e1e98766dcc928a0428310a55d385b574a0f62";
const input = (tag: string) => ({
  config,
  version: parseTag(tag, config.tags.pattern),
  commit,
  requestedAt: "2025-01-07T10:00:00.123Z",
  serverUrl: "https://github.com",
});

describe("planRelease", () => {
  it("is deterministic: the same inputs give the same plan, byte for byte", () => {
    const a = JSON.stringify(planRelease(input("8.0.2")));
    const b = JSON.stringify(planRelease(structuredClone(input("8.0.2"))));
    expect(a).toBe(b);
    expect(releasePlanSchema.parse(JSON.parse(a))).toEqual(JSON.parse(a));
  });

  it("plans one matrix entry per target with the version metadata env", () => {
    const plan = planRelease(input("8.0.2"));
    expect(plan.releaseId).toBe("valkey@8.0.2");
    expect(plan.matrix.include.map((m) => [m.target, m.runner, m.artifact, m.key])).toEqual([
      [
        "linux-jammy-x86_64",
        "ubuntu-22.04",
        "valkey-8.0.2-jammy-x86_64.tar.gz",
        "releases/valkey-8.0.2-jammy-x86_64.tar.gz",
      ],
      [
        "linux-jammy-arm64",
        "ubuntu-22.04-arm",
        "valkey-8.0.2-jammy-arm64.tar.gz",
        "releases/valkey-8.0.2-jammy-arm64.tar.gz",
      ],
      [
        "linux-noble-x86_64",
        "ubuntu-24.04",
        "valkey-8.0.2-noble-x86_64.tar.gz",
        "releases/valkey-8.0.2-noble-x86_64.tar.gz",
      ],
      [
        "linux-noble-arm64",
        "ubuntu-24.04-arm",
        "valkey-8.0.2-noble-arm64.tar.gz",
        "releases/valkey-8.0.2-noble-arm64.tar.gz",
      ],
    ]);
    expect(plan.matrix.include[0]?.env).toMatchObject({
      VERSION: "8.0.2",
      GIT_COMMIT: commit,
      BUILD_TIME: "2025-01-07T10:00:00Z",
      SOURCE_DATE_EPOCH: "1736244000",
      ARTIFACT_NAME: "valkey-8.0.2-jammy-x86_64.tar.gz",
    });
  });

  it("lists the source archive GitHub serves for the tag, then the binaries with public URLs", () => {
    const plan = planRelease(input("8.0.2"));
    expect(plan.artifacts[0]).toEqual({
      name: "valkey-8.0.2.tar.gz",
      kind: "source-archive",
      key: "releases/valkey-8.0.2.tar.gz",
      url: "https://github.com/valkey-io/valkey/archive/refs/tags/8.0.2.tar.gz",
    });
    expect(plan.artifacts[1]?.url).toBe(
      "https://download.valkey.io/releases/valkey-8.0.2-jammy-x86_64.tar.gz",
    );
    expect(plan.artifacts).toHaveLength(5);
  });

  it("orders downstreams after those they depend on and names their branches", () => {
    const plan = planRelease(input("8.1.0-rc1"));
    expect(plan.prerelease).toBe(true);
    expect(plan.downstream.map((d) => [d.name, d.branch])).toEqual([
      ["hashes", "release-relay/8.1.0-rc1/hashes"],
      ["container", "release-relay/8.1.0-rc1/container"],
      ["website", "release-relay/8.1.0-rc1/website"],
    ]);
    expect(plan.ledgerBranch).toBe("release-relay-ledger/8.1.0-rc1");
    expect(plan.tracking).toEqual({
      repo: "valkey-io/valkey-release-automation",
      title: "Release 8.1.0-rc1",
    });
  });

  it("puts a dependency first even when the config lists it last", () => {
    const order = orderDownstream([
      { name: "website", after: ["container"] },
      { name: "container", after: ["hashes"] },
      { name: "hashes", after: [] },
    ]).map((d) => d.name);
    expect(order).toEqual(["hashes", "container", "website"]);
  });

  it("builds URLs from the endpoint or the bucket when there is no public URL", () => {
    const local = {
      ...config,
      upload: { ...config.upload, publicUrl: undefined, endpoint: "http://127.0.0.1:9000" },
    };
    expect(planRelease({ ...input("8.0.2"), config: local }).artifacts[1]?.url).toBe(
      "http://127.0.0.1:9000/download.valkey.io/releases/valkey-8.0.2-jammy-x86_64.tar.gz",
    );
    // A bucket name with dots is linked path-style: S3's wildcard certificate does not cover
    // download.valkey.io.s3.us-east-1.amazonaws.com.
    const aws = { ...config, upload: { ...config.upload, publicUrl: undefined } };
    expect(planRelease({ ...input("8.0.2"), config: aws }).artifacts[1]?.url).toBe(
      "https://s3.us-east-1.amazonaws.com/download.valkey.io/releases/valkey-8.0.2-jammy-x86_64.tar.gz",
    );
    const undotted = {
      ...config,
      upload: { ...config.upload, publicUrl: undefined, bucket: "valkey-downloads" },
    };
    expect(planRelease({ ...input("8.0.2"), config: undotted }).artifacts[1]?.url).toBe(
      "https://valkey-downloads.s3.us-east-1.amazonaws.com/releases/valkey-8.0.2-jammy-x86_64.tar.gz",
    );
  });

  it("summarises the plan as a table of targets and downstreams", () => {
    const summary = renderPlanSummary(planRelease(input("8.0.2")));
    expect(summary).toContain("## valkey@8.0.2 — release plan");
    expect(summary).toContain(
      "| linux-noble-arm64 | `ubuntu-24.04-arm` | `valkey-8.0.2-noble-arm64.tar.gz` |",
    );
    expect(summary).toContain(
      "| website | valkey-io/valkey-io.github.io | pr | `release-relay/8.0.2/website` |",
    );
  });
});
