// The whole release of the example project, through the real workflow files, as
// `npx release-relay rehearse` runs it; each world is kept and judged from its files.

import { spawn, spawnSync } from "node:child_process";
import { createHash, createPrivateKey, sign } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  branches,
  cli,
  DOWNSTREAMS,
  expectedObjectKeys,
  expectNoSecrets,
  expectReleased,
  newWorld,
  rehearsalSuite,
  runRehearse,
} from "../support/rehearsal-checks.js";
import { readState, readSummary } from "../support/rehearsal-world.js";
import { spawnCollect } from "../support/spawn-collect.js";
import { hasTool } from "../support/tools.js";

const ready = rehearsalSuite();

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
    // The example's release environment has no required reviewers: nobody is said to have approved.
    expect(readFileSync(join(dir, "tracking-issue.md"), "utf8")).not.toContain("Publishing approved");
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
    // The workflows pin release-relay's actions by commit, as init installs them; the local runner
    // ran this package's own files for them and said so, and the doctor found the pins consistent.
    const doctorLog = readdirSync(join(dir, "actions", "runs"))
      .map((run) => join(dir, "actions", "runs", run, "doctor", "job.log"))
      .filter((f) => statSync(f, { throwIfNoEntry: false }))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    expect(doctorLog).toMatch(
      /actions\/doctor@[0-9a-f]{40}: ran this package's actions\/doctor\/action\.yml/,
    );
    expect(doctorLog).toMatch(
      /ok {4}cachet-io\/cachet-release-automation: workflows pin release-relay \S+ \([0-9a-f]{12}\)/,
    );
  });

  it("leaves no token or signing key in any log, summary, issue, comment, PR or report", () => {
    expectNoSecrets(dir);
  });

  it("verify checks every built file's provenance; a provenance of another commit, signed with the release key, fails", () => {
    const artifacts = join(dir, "artifacts");
    const built = readdirSync(artifacts).filter((f) => /^cachet-1\.2\.1-.*\.tar\.gz$/.test(f));
    expect(built.length).toBeGreaterThan(0);
    const verify = (args: string[] = []) =>
      spawnSync(process.execPath, [cli, "verify", "--dir", artifacts, ...args], { encoding: "utf8" });
    const ok = verify();
    expect(ok.stdout).toContain(`, ${built.length} provenance in`);
    const envelope = JSON.parse(readFileSync(join(artifacts, `${built[0]}.intoto.jsonl`), "utf8"));
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
    const sha = statement.predicate.buildDefinition.externalParameters.source.commit as string;
    for (const f of built)
      expect(ok.stdout).toMatch(
        new RegExp(
          `OK +${f.replaceAll(".", "\\.")}\\.intoto\\.jsonl +${f.replaceAll(".", "\\.")} built from ${sha.slice(0, 12)} \\(1\\.2\\.1\\) for linux-`,
        ),
      );
    expect(ok.status).toBe(0);
    // GitHub's own attestation was called on the same files: its stand-in recorded what it would attest.
    const attested = readSummary(dir).attested;
    expect(attested.map((a) => a.name).sort()).toEqual([...built].sort());
    for (const a of attested)
      expect(a.sha256).toBe(
        createHash("sha256")
          .update(readFileSync(join(artifacts, a.name)))
          .digest("hex"),
      );

    // The same statement of another commit, signed again with the world's own release key.
    const other = "0123456789abcdef0123456789abcdef01234567";
    statement.predicate.buildDefinition.externalParameters.source.commit = other;
    statement.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit = other;
    const payload = Buffer.from(JSON.stringify(statement));
    const type = "application/vnd.in-toto+json";
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
    const world = JSON.parse(readFileSync(join(dir, "world.json"), "utf8"));
    const sig = sign(null, pae, createPrivateKey(world.credentials.signingKey));
    const tampered = mkdtempSync(join(tmpdir(), "tampered-"));
    cpSync(artifacts, tampered, { recursive: true });
    writeFileSync(
      join(tampered, `${built[0]}.intoto.jsonl`),
      `${JSON.stringify({ ...envelope, payload: payload.toString("base64"), signatures: [{ keyid: envelope.signatures[0].keyid, sig: sig.toString("base64") }] })}\n`,
    );
    const bad = spawnSync(process.execPath, [cli, "verify", "--dir", tampered], { encoding: "utf8" });
    expect(bad.stdout).toContain(`FAIL ${built[0]}.intoto.jsonl`);
    expect(bad.stdout).toContain(
      `bad-provenance: it names commit ${other}, but tag 1.2.1 is ${sha} (the source archive cachet-1.2.1.tar.gz): built from another commit`,
    );
    expect(bad.stdout).toContain("NOT verified: 1 problem(s)");
    expect(bad.status).toBe(1);
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
    expect(dom.stdout.match(/<li class="succeeded" data-stage=/g)).toHaveLength(6);
    for (const d of DOWNSTREAMS)
      expect(dom.stdout).toMatch(new RegExp(`class="card done" data-downstream="${d}"`));
    for (const a of readSummary(dir).prs) expect(dom.stdout).toContain(`href="${a.url}"`);
    expect(dom.stdout).toContain("cachet-1.2.1-linux-x86_64.tar.gz");
    const shot = chromium([`--screenshot=${join(out, "dashboard.png")}`]);
    expect(shot.status).toBe(0);
    expect(statSync(join(out, "dashboard.png")).size).toBeGreaterThan(10_000);
  });

  it("counts content-creating calls per identity, as GitHub's secondary limit counts them", () => {
    const { apiCalls } = readSummary(dir);
    const logins = Object.keys(apiCalls.byLogin);
    // The release App, the dispatch App (the main repo's trigger) and the report App (downstream
    // reports) are three identities, each with its own limits.
    expect(logins).toEqual(
      expect.arrayContaining([
        "release-relay[bot]",
        "cachet-release-requester[bot]",
        "release-relay-reporter[bot]",
      ]),
    );
    const sum = (k: "total" | "contentCreating" | "mutating") =>
      Object.values(apiCalls.byLogin).reduce((n, l) => n + l[k], 0);
    expect(sum("total")).toBe(apiCalls.total);
    expect(sum("contentCreating")).toBe(apiCalls.contentCreating);
    expect(sum("mutating")).toBe(apiCalls.mutating);
    // Every write counts, refused ones too: at least every call that changed something.
    expect(apiCalls.contentCreating).toBeGreaterThanOrEqual(apiCalls.mutating);
    // The trigger sends the release once; each downstream event is one report.
    expect(apiCalls.byLogin["cachet-release-requester[bot]"]?.contentCreating).toBe(1);
    expect(apiCalls.byLogin["release-relay-reporter[bot]"]?.contentCreating).toBeGreaterThanOrEqual(6);
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

describe.skipIf(!ready)("release-relay rehearse without --keep", { timeout: 300_000 }, () => {
  it("a release that fails removes its temporary world, saying how to keep one and rerun what failed", async () => {
    const temp = mkdtempSync(join(tmpdir(), "rehearsal-temp-"));
    try {
      // The App without Contents on the automation repo: the release's first job (doctor) stops it.
      const revoke = "app:cachet-io/cachet-release-automation:contents:write";
      const run = await spawnCollect(process.execPath, [cli, "rehearse", "--revoke", revoke], {
        env: { ...process.env, TMPDIR: temp },
      });
      expect(run.code, `${run.stderr}\n${run.stdout.slice(-3000)}`).toBe(1);
      expect(run.stdout).toMatch(/^World: {5}removed \(it was a temporary one, \S+\); to keep it/m);
      expect(run.stdout).toMatch(
        /^❌ 1\.2\.1 did not complete: .* rehearse with --keep DIR; then rerun what failed with --resume --keep DIR\.$/m,
      );
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it("interrupted (SIGINT): stops its steps, removes its world and exits 130", async () => {
    const temp = mkdtempSync(join(tmpdir(), "rehearsal-temp-"));
    try {
      const child = spawn(process.execPath, [cli, "rehearse"], {
        env: { ...process.env, TMPDIR: temp },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const code = await new Promise<number | null>((resolve) => {
        child.stdout.on("data", (d) => {
          stdout += d;
          // In the middle of the release run, while its steps run.
          if (!child.killed && /\[release\.yml #\d+\] doctor/.test(stdout)) child.kill("SIGINT");
        });
        child.on("close", resolve);
      });
      expect(code, stderr).toBe(130);
      expect(stderr).toContain("interrupted, the temporary world removed");
      expect(readdirSync(temp)).toEqual([]);
      // No step process of that world is left running.
      const left = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" }).stdout;
      expect(left.split("\n").filter((l) => l.includes(temp))).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!ready)("release-relay rehearse --environment dev", { timeout: 300_000 }, () => {
  it("runs the real pipeline into dev's prefix, with its own ledger and tracking issue, and proposes nothing", async () => {
    const dir = newWorld();
    const run = await runRehearse(["--environment", "dev", "--keep", dir]);
    expect(run.code, run.why).toBe(0);
    // Requested by hand for dev: the trigger ran on workflow_dispatch, not on the tag push.
    expect(
      run.notices.some((n) => n.kind === "phase" && /request-release .*environment dev/.test(n.text ?? "")),
    ).toBe(true);
    const summary = readSummary(dir);
    expect(summary).toMatchObject({ version: "1.2.1", environment: "dev", completed: true, prs: [] });
    expect(summary.artifacts.map((a) => a.key).sort()).toEqual(
      expectedObjectKeys(dir, "1.2.1").map((k) => `dev/${k}`),
    );
    const state = readState(dir);
    for (const name of DOWNSTREAMS) {
      const repo = `cachet-io/cachet-${name}`;
      expect(branches(dir, repo)).toEqual([`refs/heads/${state.repos[repo]?.defaultBranch}`]);
      expect(state.repos[repo]?.pulls ?? []).toEqual([]);
    }
    const automation = "cachet-io/cachet-release-automation";
    expect(state.repos[automation]?.issues.map((i) => i.title)).toEqual(["[dev] Release 1.2.1"]);
    expect(branches(dir, automation)).toEqual([
      "refs/heads/main",
      "refs/heads/release-relay-ledger/dev/1.2.1",
    ]);
    const body = readFileSync(join(dir, "tracking-issue.md"), "utf8");
    expect(body).toContain("**✅ Released**");
    expect(body).toContain("> 🧪 Environment **dev**: its own files and ledger, every downstream dry-run");
    expect(body).toContain("| hashes | cachet-io/cachet-hashes | dry-run |");
    expect(body).toContain("https://downloads.cachet.example/dev/releases/cachet-1.2.1-linux-x86_64.tar.gz");
    expectNoSecrets(dir);
  });
});
