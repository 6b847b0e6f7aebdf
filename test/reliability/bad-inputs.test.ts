// The bad-input corpus (bad-inputs/, see its README): each case goes to the bundled action that
// receives it in a real release, against the GitHub emulator and the local S3. Each must be refused
// with a message naming the problem, before any side effect. A valid input per family shows the
// harness reaches the point where side effects happen.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseConfig } from "../../src/core/config/parse.js";
import { planRelease } from "../../src/core/request/plan.js";
import { parseTag } from "../../src/core/request/version.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { LOCAL_S3_CREDENTIALS, LocalS3 } from "../../src/rehearsal/s3/local-s3.js";
import { hashRelease } from "../../src/steps/hash.js";
import { type ActionResult, runBundledAction, tagPushEnv } from "../support/run-action.js";
import { seedReleasableCommit } from "../support/source-ci.js";
import { readFixture, SHA_802, seedValkeyDownstreams } from "../support/valkey-downstreams.js";

const corpus = join(import.meta.dirname, "bad-inputs");
const examplePath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const AUTOMATION = "valkey-io/valkey-release-automation";
const SOURCE = "valkey-io/valkey";
const SHA = "a5e1e98766dcc928a0428310a55d385b574a0f62";
const WRITES = new Set([
  "PutObject",
  "CompleteMultipartUpload",
  "CopyObject",
  "DeleteObject",
  "DeleteObjects",
]);

/** `<<repeat:X:N>>` → X repeated N times; `<<README>>` → the hashes repo's README before the release. */
function expand<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value).replace(/<<repeat:([^:]*):(\d+)>>/g, (_, x: string, n: string) =>
      x.repeat(Number(n)),
    ),
    (_, v) =>
      typeof v === "string"
        ? v.replace("<<README>>", `${readFixture("hashes/8.0.2/README.before").trimEnd()}\n`)
        : v,
  );
}
interface Case {
  name: string;
  error: string;
  [field: string]: unknown;
}
const cases = (file: string): Case[] => expand(JSON.parse(readFileSync(join(corpus, file), "utf8")));

let emulator: GitHubEmulator;
let s3: LocalS3;
let work: string;
let sourceSha: string;
const runnerEnv = (extra: Record<string, string> = {}) => tagPushEnv(AUTOMATION, SHA, emulator.url, extra);

/** The event file of a repository_dispatch sent by `login`: GitHub names the sender. */
function sentBy(login: string): Record<string, string> {
  const path = join(work, `event-${login.replace(/\W/g, "_")}.json`);
  writeFileSync(path, JSON.stringify({ action: "dispatch", sender: { login, type: "Bot" } }));
  return { GITHUB_EVENT_NAME: "repository_dispatch", GITHUB_EVENT_PATH: path };
}

/** Runs one action and returns what it did to the world since it started. */
async function act(action: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const mark = emulator.log.mark();
  const s3Mark = s3.operations.length;
  const result = await runBundledAction(action, inputs, runnerEnv(env));
  return {
    result,
    mutating: emulator.log.calls({ since: mark, mutating: true }).filter((c) => c.status < 400),
    dispatches: emulator.takeDispatches(),
    s3Writes: s3.operations.slice(s3Mark).filter((o) => WRITES.has(o.op) && o.status < 300),
  };
}

/** Refused with the expected message, and nothing written anywhere. */
function expectRefused(done: Awaited<ReturnType<typeof act>>, error: string): void {
  const { result } = done;
  expect(result.exitCode, result.stdout + result.stderr).toBe(1);
  const message = result.stdout.split("\n").find((l) => l.startsWith("::error::")) ?? "";
  expect(decodeURIComponent(message.replace(/%(?![0-9A-F]{2})/g, "%25"))).toContain(error);
  expect(done.mutating.map((c) => `${c.method} ${c.path}`)).toEqual([]);
  expect(done.dispatches).toEqual([]);
  expect(done.s3Writes).toEqual([]);
}
const passed = (r: ActionResult) => expect(r.exitCode, r.stdout + r.stderr).toBe(0);
/** The ledger's commits for 8.0.2, newest first: one per write, named by what it recorded. */
const ledgerCommits = async () =>
  (await emulator.git(AUTOMATION).text(["log", "--format=%s", "release-relay-ledger/8.0.2"]))
    .trim()
    .split("\n");

/** The main repo with the release tag (on 8.0, CI green), whose source archive compute-hashes downloads. */
async function seedSource(): Promise<void> {
  await emulator.createRepo(SOURCE, { files: { "src/server.c": "int main(void) { return 0; }\n" } });
  sourceSha = await seedReleasableCommit(emulator, SOURCE);
}

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo(AUTOMATION);
  await seedSource();
  await seedValkeyDownstreams(emulator);
  emulator.addToken("t", {
    login: "release-bot[bot]",
    repos: { "*": ["contents:write", "pull_requests:write", "issues:write", "checks:read", "statuses:read"] },
  });
  s3 = new LocalS3();
  await s3.start(["download.valkey.io"]);
  work = mkdtempSync(join(tmpdir(), "bad-inputs-"));
});
afterAll(async () => {
  await emulator.stop();
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
});

it("holds at least 60 bad inputs", () => {
  const files = readdirSync(corpus).filter((f) => f.endsWith(".json"));
  const total = files.reduce((n, f) => n + cases(f).length, 0) + readdirSync(join(corpus, "configs")).length;
  expect(total).toBeGreaterThanOrEqual(60);
});

describe("tags pushed to the main repo (trigger)", () => {
  const trigger = (ref: string, configPath = examplePath) =>
    act(
      "trigger",
      { "automation-repo": AUTOMATION, token: "t", "config-path": configPath },
      { GITHUB_REPOSITORY: SOURCE, GITHUB_REF: ref, GITHUB_SHA: sourceSha },
    );
  it("control: a release tag is dispatched", async () => {
    const done = await trigger("refs/tags/8.0.2");
    passed(done.result);
    expect(done.dispatches).toHaveLength(1);
  });
  it.each(cases("tags.json"))("refuses $name", async ({ ref, error }) => {
    expectRefused(await trigger(ref as string), error);
  });
  it.each(readdirSync(join(corpus, "configs")))("refuses release-relay.yml with %s", async (file) => {
    const path = join(corpus, "configs", file);
    const error = /^# error: (.*)$/m.exec(readFileSync(path, "utf8"))?.[1] as string;
    expectRefused(await trigger("refs/tags/8.0.2", path), error);
  });
});

describe("release-requested payloads (build-matrix)", () => {
  let valid: Record<string, unknown>;
  it("control: the trigger's own payload plans the release", async () => {
    const sent = await act(
      "trigger",
      { "automation-repo": AUTOMATION, token: "t", "config-path": examplePath },
      { GITHUB_REPOSITORY: SOURCE, GITHUB_SHA: sourceSha },
    );
    valid = sent.dispatches[0]?.clientPayload as Record<string, unknown>;
    const done = await act(
      "build-matrix",
      { "config-path": examplePath, token: "t", payload: JSON.stringify(valid) },
      sentBy("valkey-release-bot"),
    );
    passed(done.result);
    expect(JSON.parse(done.result.outputs.plan ?? "{}").version).toBe("8.0.2");
  });
  it.each(cases("release-requested.json"))("refuses $name", async ({ change, raw, error }) => {
    const payload = raw !== undefined ? (raw as string) : JSON.stringify({ ...valid, ...(change as object) });
    const done = await act(
      "build-matrix",
      { "config-path": examplePath, token: "t", payload },
      sentBy("valkey-release-bot"),
    );
    expectRefused(done, error);
    expect(done.result.outputs).toEqual({});
  });
});

describe("downstream reports (track-status)", () => {
  const valid = {
    schemaVersion: 1,
    releaseId: "valkey@8.0.2",
    repo: "valkey-io/valkey-hashes",
    kind: "ci",
    state: "success",
    runId: "77",
    url: "https://github.com/valkey-io/valkey-hashes/actions/runs/77",
  };
  const report = (text: string) =>
    act(
      "track-status",
      { "config-path": examplePath, version: "8.0.2", token: "t", report: text },
      sentBy("valkey-release-relay[bot]"),
    );
  it.each(cases("downstream-report.json"))("refuses $name", async ({ change, raw, error }) => {
    const merged: Record<string, unknown> = { ...valid, ...(change as object) };
    for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
    expectRefused(await report(raw !== undefined ? (raw as string) : JSON.stringify(merged)), error);
  });
  it("control: a valid report is recorded", async () => {
    // A page report needs only the reporting run to be one GitHub knows in that repo.
    emulator.startWorkflowRun("valkey-io/valkey-hashes", {
      id: 77,
      name: "report-status",
      path: ".github/workflows/release-relay-report.yml",
      event: "workflow_run",
      headBranch: "main",
      headSha: SHA,
      actor: "valkey-release-relay[bot]",
    });
    const page = { ...valid, kind: "page-published", url: "https://valkey.io/download/releases/v8-0-2/" };
    const done = await report(JSON.stringify(page));
    passed(done.result);
    // Recorded in one ledger commit (with the tracking issue it opened, if this was the first).
    expect((await ledgerCommits()).join("\n")).toMatch(/^.*\breport:hashes:page-published:77:success\b.*$/m);
  });
});

describe("action inputs (with:)", () => {
  it.each(cases("action-inputs.json"))("refuses $name", async ({ action, inputs, error }) => {
    expectRefused(
      await act(action as string, { "config-path": examplePath, token: "t", ...(inputs as object) }),
      error,
    );
  });
});

describe("qualify logs (track-status)", () => {
  const logs = (file: string) => {
    const dir = mkdtempSync(join(work, "qualify-logs-"));
    writeFileSync(join(dir, file), "smoke test failed\n");
    return act("track-status", {
      "config-path": examplePath,
      token: "t",
      version: "8.0.2",
      "job-results": '{"qualify": "failure"}',
      "qualify-logs": dir,
    });
  };
  it("control: a failed target's log is recorded", async () => {
    const done = await logs("linux-jammy-arm64.log");
    passed(done.result);
    const commits = await ledgerCommits();
    // Both events in one commit: the stage's failure and the target's log.
    expect(
      commits.some(
        (c) =>
          c.includes("stage:qualify:failed:42-1") &&
          c.includes("qualification-failed:linux-jammy-arm64:42-1"),
      ),
      commits.join("\n"),
    ).toBe(true);
  });
  it.each(["linux-jammy-riscv64.log", "linux-jammy-arm64.txt", "hashes.json"])(
    "refuses %s, which names no build target",
    async (file) => {
      expectRefused(await logs(file), "is not <target>.log of a build target");
    },
  );
});

describe("artifact paths (compute-hashes)", () => {
  const workspace = () => {
    const root = join(work, "artifacts", "workspace");
    mkdirSync(join(root, "dist", "subdir"), { recursive: true });
    mkdirSync(join(root, "other"), { recursive: true });
    writeFileSync(join(root, "dist", "a.tar.gz"), "artifact\n");
    writeFileSync(join(root, "other", "a.tar.gz"), "another artifact\n");
    writeFileSync(join(root, "dist", "empty.tar.gz"), "");
    writeFileSync(join(work, "artifacts", "outside.tar.gz"), "outside\n");
    rmSync(join(root, "dist", "link.tar.gz"), { force: true });
    symlinkSync("/etc/hostname", join(root, "dist", "link.tar.gz"));
    return root;
  };
  const hash = (artifacts: string) => {
    const root = workspace();
    rmSync(join(root, "out"), { recursive: true, force: true });
    return act("compute-hashes", { artifacts, "output-dir": "out" }, { GITHUB_WORKSPACE: root });
  };
  it("control: a real artifact is hashed", async () => {
    passed((await hash("dist/a.tar.gz")).result);
    expect(readdirSync(join(work, "artifacts", "workspace", "out"))).toContain("SHA256SUMS");
  });
  it.each(cases("artifact-paths.json"))("refuses $name", async ({ artifacts, error }) => {
    expectRefused(await hash(artifacts as string), error);
    expect(readdirSync(join(work, "artifacts", "workspace")).includes("out")).toBe(false);
  });
});

describe("downstream files that changed format (open-downstream-prs)", () => {
  it.each(cases("downstream-files.json"))("refuses $name, writing nothing to that repo", async (c) => {
    const config = parseConfig(readFileSync(examplePath, "utf8"));
    const repo = config.downstream.find((d) => d.name === c.downstream)?.repo as string;
    await emulator.stop();
    emulator = new GitHubEmulator();
    await emulator.start();
    await seedValkeyDownstreams(emulator, undefined, { repo, files: c.files as Record<string, string> });
    await seedSource();
    emulator.addToken("t", {
      login: "release-bot[bot]",
      repos: { "*": ["contents:write", "pull_requests:write"] },
    });
    const hashesFile = join(work, "hashes.json");
    const url = "https://github.com/valkey-io/valkey/archive/refs/tags/8.0.2.tar.gz";
    writeFileSync(
      hashesFile,
      JSON.stringify([
        { name: "valkey-8.0.2.tar.gz", kind: "source-archive", size: 1, sha256: SHA_802, url },
      ]),
    );
    // The container's script runs in the generate job first, as in the release workflow.
    const generatedEdits = join(work, "generated-edits.json");
    await act("generate-downstream-edits", {
      "config-path": examplePath,
      version: "8.0.2",
      "hashes-file": hashesFile,
      "release-date": "2025-01-07",
      output: generatedEdits,
    });
    const done = await act("open-downstream-prs", {
      "config-path": examplePath,
      version: "8.0.2",
      "hashes-file": hashesFile,
      token: "t",
      "release-date": "2025-01-07",
      "generated-edits": generatedEdits,
    });
    // The other downstreams' PRs are opened (one with after: waits for another's to merge first).
    const others = config.downstream.filter((d) => d.repo !== repo && !d.after?.length).map((d) => d.repo);
    expect(
      done.mutating.filter((m) => m.route === "POST /repos/{owner}/{repo}/pulls").map((m) => m.path),
    ).toEqual(others.map((r) => `/repos/${r}/pulls`));
    expect(done.mutating.filter((m) => m.path.startsWith(`/repos/${repo}/`))).toEqual([]);
  });
});

describe("S3 objects that differ (sign-upload)", () => {
  const release = async (prefix: string) => {
    const doc = parseDocument(readFileSync(examplePath, "utf8"));
    doc.setIn(["signing"], doc.createNode({ method: "none" }));
    doc.setIn(["upload", "prefix"], prefix);
    doc.deleteIn(["upload", "public-url"]);
    const root = join(work, "s3", prefix);
    mkdirSync(join(root, "dist"), { recursive: true });
    const configPath = join(root, "release-relay.yml");
    writeFileSync(configPath, doc.toString());
    const config = parseConfig(doc.toString());
    const plan = planRelease({
      config,
      version: parseTag("8.0.2", config.tags.pattern),
      commit: sourceSha,
      requestedAt: "2025-01-07T10:00:00Z",
      serverUrl: emulator.url,
    });
    for (const m of plan.matrix.include)
      writeFileSync(join(root, "dist", m.artifact), `binary ${m.target}\n`);
    const hashed = await hashRelease(
      {
        artifacts: "dist/*.tar.gz",
        algorithms: ["sha256"],
        outputDir: undefined,
        plan: JSON.stringify(plan),
      },
      root,
    );
    return { root, configPath, hashesFile: hashed.hashesFile };
  };
  const upload = (r: Awaited<ReturnType<typeof release>>, hashesFile = r.hashesFile) =>
    act(
      "sign-upload",
      {
        artifacts: "dist/*.tar.gz",
        "config-path": r.configPath,
        version: "8.0.2",
        "hashes-file": hashesFile,
        endpoint: s3.endpoint,
      },
      {
        GITHUB_WORKSPACE: r.root,
        AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      },
    );
  it("control: the release uploads", async () => {
    const done = await upload(await release("control/"));
    passed(done.result);
    expect(done.s3Writes.map((w) => w.key).sort()).toEqual(
      [
        "valkey-8.0.2-jammy-arm64.tar.gz",
        "valkey-8.0.2-jammy-x86_64.tar.gz",
        "valkey-8.0.2-noble-arm64.tar.gz",
        "valkey-8.0.2-noble-x86_64.tar.gz",
        "valkey-8.0.2.tar.gz",
        "valkey-8.0.2-SHA256SUMS",
        "valkey-8.0.2-hashes.json",
      ]
        .map((name) => `download.valkey.io/control/${name}`)
        .sort(),
    );
  });
  it.each(cases("s3-objects.json"))("refuses $name", async (c) => {
    const prefix = `case-${c.name.replace(/\W+/g, "-")}/`;
    const r = await release(prefix);
    const client = s3.client();
    for (const [name, body] of Object.entries((c.existing as Record<string, string>) ?? {}))
      await client.send(
        new PutObjectCommand({ Bucket: "download.valkey.io", Key: `${prefix}${name}`, Body: body }),
      );
    client.destroy();
    if (c.tamper) writeFileSync(join(r.root, "dist", c.tamper as string), "changed after hashing\n");
    let hashesFile = r.hashesFile;
    if (c.hashesFile) {
      hashesFile = join(r.root, "bad-hashes.json");
      writeFileSync(hashesFile, c.hashesFile as string);
    }
    expectRefused(await upload(r, hashesFile), c.error);
  });
});
