// The whole release of the example project, through the real workflow files, as
// `npx release-relay rehearse` runs it; each world is kept and judged from its files.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasTool, rehearsalTools } from "../support/tools.js";
import {
  changedFiles,
  expectedPrFiles,
  fileAt,
  ledgerEvents,
  readState,
  readSummary,
} from "./rehearsal-world.js";

const worlds: string[] = [];
function newWorld(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "rehearsal-e2e-")), "world");
  worlds.push(dir);
  return dir;
}
afterAll(() => {
  for (const w of worlds) rmSync(join(w, ".."), { recursive: true, force: true });
});

// Outside CI, a machine without the rehearsal's tools skips these tests and says what to install.
const ready = rehearsalTools();
const cli = join(import.meta.dirname, "../../dist/cli/index.js");

/** Runs `release-relay rehearse --json` as npx does (the bundled CLI); returns exit code and notices. */
interface Notice {
  kind: string;
  text?: string;
  repo?: string;
  job?: { id: string; result: string };
}

async function runRehearse(args: string[]): Promise<{ code: number; notices: Notice[]; stderr: string }> {
  const child = spawn(process.execPath, [cli, "rehearse", "--json", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  const notices = stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Notice);
  return { code, notices, stderr };
}

const DOWNSTREAMS = ["hashes", "container", "website"];

/** Everything a finished release must have left in its world. */
function expectReleased(dir: string, version: string): void {
  const summary = readSummary(dir);
  expect(summary.version).toBe(version);
  expect(summary.completed).toBe(true);
  const serverUrl = new URL(summary.trackingIssue?.url ?? "").origin;
  const today = new Date().toISOString().slice(0, 10);
  const expected = expectedPrFiles(dir, version, serverUrl, today);

  // One merged PR per downstream, holding exactly the expected files, byte for byte.
  expect(summary.prs.map((p) => p.downstream).sort()).toEqual([...DOWNSTREAMS].sort());
  const state = readState(dir);
  for (const pr of summary.prs) {
    expect(pr.state).toBe("merged");
    expect(state.repos[pr.repo]?.pulls).toHaveLength(1);
    const files = expected[pr.downstream] as Record<string, string>;
    expect(changedFiles(dir, pr.repo, pr.headSha).sort()).toEqual(Object.keys(files).sort());
    for (const [path, content] of Object.entries(files))
      expect(fileAt(dir, pr.repo, pr.headSha, path)).toBe(content);
  }

  // One tracking issue, closed as done, linking every PR; every event in the ledger.
  const issues = state.repos["cachet-io/cachet-release-automation"]?.issues.filter((i) => !i.isPull) ?? [];
  expect(issues).toHaveLength(1);
  expect(issues[0]?.state).toBe("closed");
  const body = readFileSync(join(dir, "tracking-issue.md"), "utf8");
  expect(body).toBe(issues[0]?.body);
  expect(body).toContain("✅ Released");
  for (const pr of summary.prs) expect(body).toContain(pr.url);
  const events = ledgerEvents(dir, version);
  const types = events.map((e) => e.type);
  for (const stage of ["build-matrix", "build", "compute-hashes", "sign-upload", "open-downstream-prs"])
    expect(events.some((e) => e.type === "stage" && e.stage === stage && e.status === "succeeded")).toBe(
      true,
    );
  expect(types.filter((t) => t === "pull-request")).toHaveLength(3);
  expect(types.filter((t) => t === "downstream-ci")).toHaveLength(3);
  expect(types.filter((t) => t === "pull-request-closed")).toHaveLength(3);
  expect(types.filter((t) => t === "image-build")).toHaveLength(1);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  const comments = state.repos["cachet-io/cachet-release-automation"]?.comments.map((c) => c.body) ?? [];
  expect(new Set(comments).size).toBe(comments.length);

  // Every object in the bucket is what its recorded sha256 says, and verify passed on the download.
  expect(summary.artifacts.map((a) => a.name)).toEqual(
    expect.arrayContaining([
      `cachet-${version}.tar.gz`,
      `cachet-${version}-linux-x86_64.tar.gz`,
      `cachet-${version}-SHA256SUMS`,
    ]),
  );
  // Each binary is built for the architecture its name says (the ELF header's machine field).
  const MACHINE: Record<string, number> = { x86_64: 0x3e, arm64: 0xb7 };
  const binaries = summary.artifacts.filter((a) => /-linux-(x86_64|arm64)\.tar\.gz$/.test(a.name));
  expect(binaries.map((a) => a.name)).toContain(`cachet-${version}-linux-x86_64.tar.gz`);
  for (const a of binaries) {
    const elf = execFileSync("tar", ["-xzOf", join(dir, "artifacts", a.name), "./bin/cachet"]);
    const arch = /-linux-(\w+)\.tar\.gz$/.exec(a.name)?.[1] as string;
    expect(elf.readUInt16LE(18), a.name).toBe(MACHINE[arch]);
  }
  const sums = readFileSync(join(dir, "artifacts", "SHA256SUMS"), "utf8");
  for (const name of [`cachet-${version}.tar.gz`, `cachet-${version}-linux-x86_64.tar.gz`]) {
    const digest = createHash("sha256")
      .update(readFileSync(join(dir, "artifacts", name)))
      .digest("hex");
    expect(sums).toContain(`${digest}  ${name}`);
    expect(summary.artifacts.find((a) => a.name === name)?.sha256).toBe(digest);
  }
}

describe.skipIf(!ready)("release-relay rehearse", { timeout: 300_000 }, () => {
  const dir = newWorld();

  it("releases the example from a pushed tag through every repo's workflows", async () => {
    const run = await runRehearse(["--keep", dir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const jobs = run.notices
      .filter((n) => n.kind === "job-finished")
      .map((n) => `${n.repo}:${n.job?.id}:${n.job?.result}`);
    expect(readFileSync(join(dir, "artifacts", "SHA256SUMS"), "utf8")).toMatch(/^[0-9a-f]{64} {2}\S+$/m);
    expectReleased(dir, "1.2.1");
    // The chain really ran the templates: trigger, release jobs, downstream CI, reports, status.
    for (const job of [
      "cachet-io/cachet:request-release:success",
      "cachet-io/cachet-release-automation:build:success",
      "cachet-io/cachet-release-automation:publish:success",
      "cachet-io/cachet-release-automation:downstream:success",
      "cachet-io/cachet-hashes:check:success",
      "cachet-io/cachet-container:images:success",
      "cachet-io/cachet-release-automation:record:success",
    ])
      expect(jobs).toContain(job);
    expect(jobs.filter((j) => j.endsWith(":failure"))).toEqual([]);
    expect(readFileSync(join(dir, "dashboard.html"), "utf8")).toContain('data-verdict="released"');
  });

  it("leaves no token or signing key in any log, summary, issue, comment, PR or report", () => {
    const world = JSON.parse(readFileSync(join(dir, "world.json"), "utf8")) as {
      credentials: Record<string, string>;
    };
    const secrets = Object.values(world.credentials).flatMap((v) =>
      // The signing key's base64 body, line by line (a leaked key is rarely printed whole).
      v.includes("PRIVATE KEY")
        ? v.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))
        : v.includes("PUBLIC KEY")
          ? []
          : [v],
    );
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const places: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (statSync(path).isDirectory()) {
          if (name !== "workspace" && name !== "home") walk(path);
        } else if (/\.(log|md|json|html)$|^(output|env|summary\.md)$/.test(name)) places.push(path);
      }
    };
    walk(join(dir, "actions", "runs"));
    places.push(
      ...["emulator-state.json", "tracking-issue.md", "dashboard.html", "summary.json"].map((f) =>
        join(dir, f),
      ),
    );
    expect(places.length).toBeGreaterThan(50);
    for (const place of places) {
      const text = readFileSync(place, "utf8");
      for (const secret of secrets)
        expect(text.includes(secret), `${secret.slice(0, 12)}… in ${place}`).toBe(false);
    }
  });

  it("renders the HTML dashboard in headless Chromium without console errors", (ctx) => {
    if (!hasTool("chromium", "chromium")) return ctx.skip();
    const out = join(import.meta.dirname, "../../test-output");
    mkdirSync(out, { recursive: true });
    const page = `file://${join(dir, "dashboard.html")}`;
    const chromium = (extra: string[]) =>
      spawnSync(
        "chromium",
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${mkdtempSync(join(tmpdir(), "chromium-"))}`,
          "--enable-logging=stderr",
          "--v=0",
          "--window-size=1200,1500",
          ...extra,
          page,
        ],
        { encoding: "utf8", timeout: 60_000 },
      );
    const dom = chromium(["--dump-dom"]);
    expect(dom.status).toBe(0);
    // Console messages (errors included) are logged as CONSOLE lines; the page must have none.
    expect(dom.stderr.split("\n").filter((l) => /CONSOLE/.test(l))).toEqual([]);
    expect(dom.stdout).toMatch(/id="verdict"[^>]*data-verdict="released"/);
    expect(dom.stdout.match(/<li class="succeeded" data-stage=/g)).toHaveLength(5);
    for (const d of DOWNSTREAMS)
      expect(dom.stdout).toMatch(new RegExp(`class="card done" data-downstream="${d}"`));
    for (const a of readSummary(dir).prs) expect(dom.stdout).toContain(`href="${a.url}"`);
    expect(dom.stdout).toContain("cachet-1.2.1-linux-x86_64.tar.gz");
    const shot = chromium([`--screenshot=${join(out, "dashboard.png")}`]);
    expect(shot.status).toBe(0);
    expect(statSync(join(out, "dashboard.png")).size).toBeGreaterThan(10_000);
  });

  it("a second run of the finished release changes nothing", async () => {
    const before = readSummary(dir);
    const run = await runRehearse(["--resume", "--keep", dir]);
    expect(run.code).toBe(0);
    const after = readSummary(dir);
    expect(after.completed).toBe(true);
    expect(after.apiCalls.mutating).toBe(0);
    expect(after.apiCalls.total).toBeGreaterThan(0);
    expect(after.prs).toEqual(before.prs);
    expectReleased(dir, "1.2.1");
  });

  it("release-relay status shows the kept release from its ledger", () => {
    const html = join(dir, "..", "status.html");
    const status = spawnSync(process.execPath, [cli, "status", "1.2.1", "--keep", dir, "--html", html], {
      encoding: "utf8",
    });
    expect(status.status).toBe(0);
    expect(status.stdout).toContain("✅ Released");
    for (const pr of readSummary(dir).prs) expect(status.stdout).toContain(pr.url);
    expect(readFileSync(html, "utf8")).toContain('data-verdict="released"');
  });

  it("refuses to overwrite a world that is not empty", async () => {
    const run = await runRehearse(["--keep", dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not empty — give --keep a new directory/);
  });
});

describe.skipIf(!ready)("release-relay rehearse --rc", { timeout: 300_000 }, () => {
  it("releases a release candidate on a new line", async () => {
    const dir = newWorld();
    expect((await runRehearse(["--rc", "--keep", dir])).code).toBe(0);
    expectReleased(dir, "1.3.0-rc1");
  });
});

describe.skipIf(!ready)("release-relay rehearse --crash-after N, then --resume", { timeout: 300_000 }, () => {
  it("a release killed mid-way finishes on rerun with nothing duplicated", async () => {
    const dir = newWorld();
    const crashed = await runRehearse(["--crash-after", "25", "--keep", dir]);
    expect(crashed.code).toBe(1);
    expect(
      crashed.notices.some(
        (n) => n.kind === "phase" && /crash: .* after mutating call 25/.test(n.text ?? ""),
      ),
    ).toBe(true);
    expect(readSummary(dir).completed).toBe(false);
    const resumed = await runRehearse(["--resume", "--keep", dir]);
    expect(resumed.code).toBe(0);
    expect(readSummary(dir).apiCalls.mutating).toBeGreaterThan(0);
    expectReleased(dir, "1.2.1");
  });
});

describe.skipIf(!ready)("release-relay rehearse --faults", { timeout: 300_000 }, () => {
  it("completes with faults injected into the GitHub API and leaves the same world", async () => {
    const dir = newWorld();
    const run = await runRehearse(["--faults", "0.05", "--seed", "7", "--keep", dir]);
    expect(run.code).toBe(0);
    expectReleased(dir, "1.2.1");
  });
});
