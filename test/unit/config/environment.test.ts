import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyEnvironment, ledgerKey } from "../../../src/core/config/environment.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { dashboardContext } from "../../../src/core/dashboard/context.js";
import { planRelease } from "../../../src/core/request/plan.js";
import { buildReleaseRequested } from "../../../src/core/request/release-requested.js";
import { parseTag } from "../../../src/core/request/version.js";
import { planRequest } from "../../../src/steps/plan.js";

const text = readFileSync(join(import.meta.dirname, "../../../examples/cachet/release-relay.yml"), "utf8");
const config = parseConfig(text);
const version = parseTag("1.2.1", config.tags.pattern);
const plan = (c: typeof config) =>
  planRelease({
    config: c,
    version,
    commit: "a".repeat(40),
    requestedAt: "2026-11-23T10:00:00Z",
    serverUrl: "https://github.com",
  });

describe("environments", () => {
  it("leave production as written", () => {
    expect(applyEnvironment(config, undefined)).toBe(config);
    expect(applyEnvironment(config, "production")).toBe(config);
    expect(plan(config).ledgerBranch).toBe("release-relay-ledger/1.2.1");
    expect(plan(config).environment).toBeUndefined();
  });

  it("dev: its own prefix and public address, its own ledger and tracking issue, every downstream dry-run", () => {
    const dev = applyEnvironment(config, "dev");
    expect(dev.environment).toBe("dev");
    expect(dev.upload).toEqual({
      ...config.upload,
      prefix: "dev/releases/",
      publicUrl: "https://downloads.cachet.example/dev/releases/",
    });
    expect(dev.downstream.map((d) => [d.name, d.mode])).toEqual([
      ["hashes", "dry-run"],
      ["container", "dry-run"],
      ["website", "dry-run"],
    ]);
    expect(dev.tracking).toMatchObject({ title: "[dev] Release {version}", labels: ["release", "dev"] });
    expect(config.downstream.every((d) => d.mode === "pr")).toBe(true);
    const p = plan(dev);
    expect(p.ledgerBranch).toBe("release-relay-ledger/dev/1.2.1");
    expect(ledgerKey(dev, "1.2.1")).toBe("dev/1.2.1");
    expect(p.environment).toBe("dev");
    expect(p.artifacts.find((a) => a.kind === "binary")?.url).toMatch(
      /^https:\/\/downloads\.cachet\.example\/dev\/releases\/cachet-1\.2\.1-linux-/,
    );
    expect(p.checksums.key).toBe("dev/releases/cachet-1.2.1-SHA256SUMS");
    expect(p.downstream.every((d) => d.mode === "dry-run")).toBe(true);
    expect(dashboardContext(dev, "1.2.1", "h").rerunCommand).toBe(
      "gh workflow run release.yml --repo cachet-io/cachet-release-automation -f version=1.2.1 -f environment=dev -f stages=failed",
    );
  });

  it("refuses an unknown environment, naming the ones there are", () => {
    expect(() => applyEnvironment(config, "staging")).toThrow(/has no environment "staging"/);
    try {
      applyEnvironment(config, "staging");
    } catch (error) {
      expect((error as { hint: string }).hint).toBe(
        "use one of production, dev, or add it under environments:",
      );
    }
  });

  it("refuses an environment named production, and one that would link its files to production's", () => {
    const base = text.replace(/\nenvironments:[\s\S]*$/, "\n");
    expect(() => parseConfig(`${base}environments:\n  production: {}\n`)).toThrow(
      /"production" is the config as written/,
    );
    expect(() => parseConfig(`${base}environments:\n  dev: { upload: { prefix: dev/ } }\n`)).toThrow(
      /environments\.dev\.upload\.public-url: give the public address of dev's objects/,
    );
    expect(() => parseConfig(`${base}environments:\n  Dev: {}\n`)).toThrow(/expected an environment name/);
    expect(() =>
      parseConfig(`${base}environments:\n  dev: { tracking: { title: "Release {version}" } }\n`),
    ).toThrow(/must differ from tracking\.title: dev's releases would write to production's tracking issues/);
  });

  it("a request for dev is planned only by steps configured for dev", async () => {
    const payload = JSON.stringify(
      buildReleaseRequested("cachet", version, "a".repeat(40), "cachet-io/cachet", {
        actor: "maintainer",
        event: "workflow_dispatch",
        at: "2026-11-23T10:00:00Z",
        environment: "dev",
      }),
    );
    const settings = {
      configPath: "release-relay.yml",
      environment: undefined,
      token: "unused",
      payload,
      version: undefined,
      sha: undefined,
      requestedAt: undefined,
    };
    // Refused before GitHub is asked anything: a client that fails every call proves no call is made.
    const github = new Proxy(
      {},
      {
        get: () => {
          throw new Error("GitHub was called");
        },
      },
    ) as never;
    const context = {
      github,
      serverUrl: "https://github.com",
      sender: "x",
      now: () => new Date(),
      log: () => {},
    };
    await expect(planRequest(settings, config, context)).rejects.toThrow(
      /release requested for environment dev, but this step plans for production/,
    );
    expect(ledgerKey(applyEnvironment(config, "dev"), "1.2.1")).toBe("dev/1.2.1");
  });
});
