// Provenance through the real parts: the plan, compute-hashes, sign-upload against the local S3 with
// real gpg and Ed25519 keys, and `release-relay verify` downloading and checking what was published.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { readPublishingRun } from "../../src/adapters/run-context.js";
import { runCli } from "../../src/cli/main.js";
import { parseConfig } from "../../src/core/config/parse.js";
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseProvenance,
  preAuthEncoding,
  renderEnvelope,
  statementPayload,
} from "../../src/core/provenance/envelope.js";
import { provenanceStatement } from "../../src/core/provenance/statement.js";
import { planRelease } from "../../src/core/request/plan.js";
import { parseTag } from "../../src/core/request/version.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { LocalS3 } from "../../src/rehearsal/s3/local-s3.js";
import { hashRelease } from "../../src/steps/hash.js";
import { buildFactsOf } from "../../src/steps/provenance.js";
import { createSigner, publishRelease } from "../../src/steps/publish.js";
import { setEnv } from "../support/process-env.js";
import { makeEd25519Key, makeGpgKey } from "../support/tools.js";

const BUCKET = "download.valkey.io";
let s3: LocalS3;
let client: S3Client;
let github: GitHubEmulator;
let sourceSha: string;

let restoreEnv = () => {};
beforeAll(async () => {
  s3 = new LocalS3();
  await s3.start([BUCKET]);
  client = s3.client();
  github = new GitHubEmulator();
  await github.start();
  sourceSha = await github.createRepo("valkey-io/valkey", {
    files: { "src/server.c": "int main(void) { return 0; }\n", Makefile: "all:\n" },
  });
  await github.git("valkey-io/valkey").run(["tag", "1.2.3", sourceSha]);
  restoreEnv = setEnv({
    AWS_ACCESS_KEY_ID: "release-relay-local",
    AWS_SECRET_ACCESS_KEY: "release-relay-local-secret",
  });
});

afterAll(async () => {
  restoreEnv();
  client.destroy();
  await s3.stop();
  await github.stop();
});

/** The run the runner describes to sign-upload, as GitHub sets its variables. */
const runOf = (runId: string, attempt: string) =>
  readPublishingRun({
    GITHUB_WORKFLOW_REF: "valkey-io/valkey-release/.github/workflows/release.yml@refs/heads/main",
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: attempt,
    GITHUB_SERVER_URL: github.url,
  });

describe.each(["gpg", "ed25519"] as const)("provenance signed with %s", (method) => {
  const prefix = `provenance-${method}/`;
  const passphrase = method === "gpg" ? "s3cret pass" : undefined;
  let key: string;
  let ctx: Awaited<ReturnType<typeof release>>;

  async function release() {
    const doc = parseDocument(
      readFileSync(join(import.meta.dirname, "../../examples/valkey/release-relay.yml"), "utf8"),
    );
    doc.setIn(["signing"], doc.createNode({ method, "key-secret": "RELEASE_SIGNING_KEY" }));
    doc.setIn(["upload", "prefix"], prefix);
    doc.setIn(["upload", "endpoint"], s3.endpoint);
    doc.deleteIn(["upload", "public-url"]);
    const path = join(mkdtempSync(join(tmpdir(), "config-")), "release-relay.yml");
    writeFileSync(path, doc.toString());
    const cfg = parseConfig(doc.toString());
    const plan = planRelease({
      config: cfg,
      version: parseTag("1.2.3", cfg.tags.pattern),
      commit: sourceSha,
      requestedAt: "2025-01-07T10:00:00Z",
      serverUrl: github.url,
    });
    const workspace = mkdtempSync(join(tmpdir(), "workspace-"));
    mkdirSync(join(workspace, "dist"));
    for (const m of plan.matrix.include)
      writeFileSync(join(workspace, "dist", m.artifact), `binary for ${m.target}\n`.repeat(50));
    const hashed = await hashRelease(
      {
        artifacts: "dist/*.tar.gz",
        algorithms: ["sha256"],
        outputDir: undefined,
        plan: JSON.stringify(plan),
      },
      workspace,
    );
    return { cfg, path, plan, workspace, hashed };
  }

  const publish = async (run = runOf("700", "1")) => {
    const signer = await createSigner(ctx.cfg, key, passphrase);
    try {
      return await publishRelease(
        {
          artifacts: "dist/*.tar.gz",
          configPath: ctx.path,
          version: "1.2.3",
          hashesFile: ctx.hashed.hashesFile,
          signingKey: key,
          signingPassphrase: passphrase,
          plan: JSON.stringify(ctx.plan),
        },
        ctx.cfg,
        { s3: client, workspace: ctx.workspace, signer, run },
      );
    } finally {
      await signer?.close();
    }
  };

  /** `release-relay verify --config --version` into a new directory; its exit code and output. */
  const verify = async (dir = mkdtempSync(join(tmpdir(), "verify-")), extra: string[] = []) => {
    const lines: string[] = [];
    const code = await runCli(
      ["verify", "--config", ctx.path, "--version", "1.2.3", "--dir", dir, ...extra],
      (t) => lines.push(t),
    );
    return { code, output: lines.join("\n"), dir };
  };

  beforeAll(async () => {
    key = method === "gpg" ? makeGpgKey(passphrase as string).secret : makeEd25519Key();
    ctx = await release();
  });

  it("publishes one signed provenance beside each built artifact, listed in the published manifest", async () => {
    const published = await publish();
    const binaries = ctx.plan.artifacts.filter((a) => a.kind === "binary");
    const provenance = published.filter((p) => p.name.endsWith(".intoto.jsonl"));
    expect(provenance.map((p) => p.name).sort()).toEqual(
      binaries.map((b) => `${b.name}.intoto.jsonl`).sort(),
    );
    for (const b of binaries) expect(published.map((p) => p.key)).toContain(`${b.key}.intoto.jsonl`);
    const manifest = JSON.parse(
      readFileSync(join(ctx.workspace, "dist", "hashes.published.json"), "utf8"),
    ) as { name: string; kind: string; key?: string }[];
    expect(manifest.filter((e) => e.name.endsWith(".intoto.jsonl")).map((e) => e.kind)).toEqual(
      binaries.map(() => "signature"),
    );
    const [first] = binaries;
    const text = readFileSync(join(ctx.workspace, "dist", `${first?.name}.intoto.jsonl`), "utf8");
    const parsed = parseProvenance(text, "x");
    const entry = ctx.hashed.hashes.find((h) => h.name === first?.name);
    expect(parsed.statement.subject).toEqual([{ name: first?.name, digest: { sha256: entry?.sha256 } }]);
    const params = parsed.statement.predicate.buildDefinition.externalParameters;
    expect(params.source).toEqual({
      repository: `${github.url}/valkey-io/valkey`,
      tag: "1.2.3",
      commit: sourceSha,
    });
    expect(params.target).toBe(first?.target);
    expect(params.buildCommand).toBe(ctx.plan.buildCommand);
    expect(parsed.statement.predicate.runDetails.metadata.invocationId).toBe(
      `${github.url}/valkey-io/valkey-release/actions/runs/700/attempts/1`,
    );
    if (method === "gpg") {
      // A plain OpenPGP detached signature of the PAE: gpg itself accepts it.
      const dir = mkdtempSync(join(tmpdir(), "pae-"));
      writeFileSync(join(dir, "pae"), parsed.signed);
      writeFileSync(join(dir, "pae.sig"), parsed.sig);
      const home = mkdtempSync(join(tmpdir(), "gpg-"));
      execFileSync(
        "gpg",
        ["--homedir", home, "--batch", "--import", join(ctx.workspace, "dist", "release-key.asc")],
        {
          stdio: "ignore",
        },
      );
      expect(
        spawnSync("gpg", ["--homedir", home, "--batch", "--verify", join(dir, "pae.sig"), join(dir, "pae")])
          .status,
      ).toBe(0);
      spawnSync("gpgconf", ["--homedir", home, "--kill", "all"]);
    }
  });

  it("a rerun in another run attempt keeps the published provenance: no PUT, nothing changed", async () => {
    const before = s3.operations.length;
    const published = await publish(runOf("701", "3"));
    expect(published.every((p) => p.outcome === "unchanged")).toBe(true);
    const writes = s3.operations
      .slice(before)
      .filter((o) => o.op === "PutObject" || o.op === "CompleteMultipartUpload");
    expect(writes).toEqual([]);
  });

  it("release-relay verify checks every provenance file against its file, the tag's commit and the key", async () => {
    const { code, output } = await verify();
    const binaries = ctx.plan.artifacts.filter((a) => a.kind === "binary");
    for (const b of binaries)
      expect(output).toMatch(
        new RegExp(
          `OK +${b.name.replaceAll(".", "\\.")}\\.intoto\\.jsonl +${b.name.replaceAll(".", "\\.")} built from ${sourceSha.slice(0, 12)}`,
        ),
      );
    expect(output).toContain(`, ${binaries.length} provenance in`);
    expect(code).toBe(0);
  });

  it("fails a validly signed provenance of another commit, and another file's provenance, naming each", async () => {
    const { dir } = await verify();
    const [a, b] = ctx.plan.artifacts.filter((x) => x.kind === "binary");
    const other = "f".repeat(40);
    const signer = await createSigner(ctx.cfg, key, passphrase);
    const entry = ctx.hashed.hashes.find((h) => h.name === a?.name);
    const facts = buildFactsOf(ctx.plan, runOf("700", "1"), {
      name: a?.name as string,
      sha256: entry?.sha256 as string,
    });
    const payload = statementPayload(
      provenanceStatement({ ...facts, source: { ...facts.source, commit: other } }),
    );
    const sig = await signer?.signBytes(preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload));
    await signer?.close();
    writeFileSync(
      join(dir, `${a?.name}.intoto.jsonl`),
      renderEnvelope(payload, sig as { keyid: string; sig: Buffer }),
    );
    writeFileSync(join(dir, `${b?.name}.intoto.jsonl`), readFileSync(join(dir, `${a?.name}.intoto.jsonl`)));
    const lines: string[] = [];
    expect(await runCli(["verify", "--dir", dir], (t) => lines.push(t))).toBe(1);
    const output = lines.join("\n");
    expect(output).toContain(`FAIL ${a?.name}.intoto.jsonl`);
    expect(output).toContain(`bad-provenance: it names commit ${other}, but tag 1.2.3 is ${sourceSha}`);
    expect(output).toContain(`it is the provenance of ${a?.name}, not of ${b?.name}`);
    // The tag's commit may also be given: a provenance of that commit is then the only one that passes.
    const again: string[] = [];
    expect(await runCli(["verify", "--dir", dir, "--commit", other], (t) => again.push(t))).toBe(1);
    expect(again.join("\n")).toContain(`it names commit ${sourceSha}, but tag 1.2.3 is ${other} (--commit)`);
  });

  it("a provenance deleted from the directory is named as missing", async () => {
    const { dir } = await verify();
    const [a] = ctx.plan.artifacts.filter((x) => x.kind === "binary");
    execFileSync("rm", [join(dir, `${a?.name}.intoto.jsonl`)]);
    const lines: string[] = [];
    expect(await runCli(["verify", "--dir", dir], (t) => lines.push(t))).toBe(1);
    expect(lines.join("\n")).toMatch(/FAIL .*\.intoto\.jsonl +no-provenance: the release lists .* as built/);
  });

  it("a rerun refuses a provenance someone else put under the release's key, and overwrites nothing", async () => {
    const [a] = ctx.plan.artifacts.filter((x) => x.kind === "binary");
    const provenanceKey = `${a?.key}.intoto.jsonl`;
    const forged = renderEnvelope(
      statementPayload(
        provenanceStatement({
          ...buildFactsOf(ctx.plan, runOf("9", "1"), { name: a?.name as string, sha256: "3".repeat(64) }),
        }),
      ),
      { keyid: "x", sig: Buffer.from("not a signature") },
    );
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: provenanceKey, Body: forged }));
    await expect(publish(runOf("702", "1"))).rejects.toThrowError(
      new RegExp(
        `s3 object ${provenanceKey.replaceAll(".", "\\.")} is not this release's provenance of .*: its signature does not verify`,
      ),
    );
    const kept = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: provenanceKey }));
    expect(await kept.Body?.transformToString()).toBe(forged);
  });
});
