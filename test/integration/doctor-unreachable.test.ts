import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";

// A port nothing listens on: taken from the system, then given back.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const configFile = () => {
  const path = join(mkdtempSync(join(tmpdir(), "doctor-")), "release-relay.yml");
  writeFileSync(
    path,
    `project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
signing: { method: none }
upload: { bucket: downloads.acme.test, prefix: releases/ }
downstream:
  - { name: hashes, repo: acme/hashes, mode: pr, edits: [{ kind: append-line, file: README, line: "{version}" }] }
tracking: { repo: acme/release }
`,
  );
  return path;
};

afterEach(() => vi.restoreAllMocks());

describe("release-relay doctor when GitHub cannot be reached", () => {
  it("stops at the first request with one line naming the host, the cause and its fix", async () => {
    const port = await closedPort();
    const fetches = vi.spyOn(globalThis, "fetch");
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const saved = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = "any";
    const out: string[] = [];
    try {
      const code = await runCli(
        ["doctor", "--config", configFile(), "--api-url", `http://127.0.0.1:${port}`, "--skip-bucket"],
        (t) => out.push(t),
      );
      expect(code).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = saved;
    }
    // One attempt, not every probe of every repo, each after its retries.
    expect(fetches).toHaveBeenCalledTimes(1);
    expect(out).toEqual([]);
    const written = stderr.mock.calls.map(([text]) => String(text)).join("");
    expect(written.trim().split("\n")).toHaveLength(1);
    expect(written).toContain(`cannot reach 127.0.0.1:${port}: connection refused`);
    expect(written).toContain("check the host and port in --api-url");
  });
});
