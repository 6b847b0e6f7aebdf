import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { runCli } from "../../src/cli/main.js";
import { parseConfig } from "../../src/core/config/parse.js";
import type { Config } from "../../src/core/config/schema.js";
import { planRelease, type ReleasePlan } from "../../src/core/request/plan.js";
import { parseTag } from "../../src/core/request/version.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { LocalS3 } from "../../src/rehearsal/s3/local-s3.js";
import { hashRelease } from "../../src/steps/hash.js";
import { createSigner, type PublishSettings, publishRelease } from "../../src/steps/publish.js";
import { setEnv } from "../support/process-env.js";
import { runBundledAction } from "../support/run-action.js";
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

/** The example config, signing with `method`, uploading under `prefix` to the local S3. */
function config(method: "gpg" | "ed25519" | "none", prefix: string): { config: Config; path: string } {
  const doc = parseDocument(
    readFileSync(join(import.meta.dirname, "../../examples/valkey/release-relay.yml"), "utf8"),
  );
  doc.setIn(
    ["signing"],
    doc.createNode(method === "none" ? { method } : { method, "key-secret": "RELEASE_SIGNING_KEY" }),
  );
  doc.setIn(["upload", "prefix"], prefix);
  doc.setIn(["upload", "endpoint"], s3.endpoint);
  doc.deleteIn(["upload", "public-url"]);
  const dir = mkdtempSync(join(tmpdir(), "config-"));
  const path = join(dir, "release-relay.yml");
  writeFileSync(path, doc.toString());
  return { config: parseConfig(doc.toString()), path };
}

/** A workspace with one small artifact per planned target, as the build jobs would leave them. */
function buildArtifacts(plan: ReleasePlan): string {
  const workspace = mkdtempSync(join(tmpdir(), "workspace-"));
  mkdirSync(join(workspace, "dist"));
  for (const m of plan.matrix.include)
    writeFileSync(join(workspace, "dist", m.artifact), `binary for ${m.target} ${plan.version}\n`.repeat(50));
  return workspace;
}

async function release(method: "gpg" | "ed25519" | "none", prefix: string) {
  const { config: cfg, path } = config(method, prefix);
  const plan = planRelease({
    config: cfg,
    version: parseTag("1.2.3", cfg.tags.pattern),
    commit: sourceSha,
    requestedAt: "2025-01-07T10:00:00Z",
    serverUrl: github.url,
  });
  const workspace = buildArtifacts(plan);
  const hashed = await hashRelease(
    { artifacts: "dist/*.tar.gz", algorithms: ["sha256"], outputDir: undefined, plan: JSON.stringify(plan) },
    workspace,
  );
  return { cfg, path, plan, workspace, hashed };
}

/** sign-upload's settings for a release made by `release()`, with what a test changes. */
function uploadSettings(
  ctx: { path: string; hashed: { hashesFile: string } },
  change: Partial<PublishSettings> = {},
): PublishSettings {
  return {
    artifacts: "dist/*.tar.gz",
    configPath: ctx.path,
    environment: undefined,
    version: "1.2.3",
    hashesFile: ctx.hashed.hashesFile,
    signingKey: undefined,
    signingPassphrase: undefined,
    bucket: undefined,
    prefix: undefined,
    region: undefined,
    endpoint: undefined,
    ...change,
  };
}

describe("compute-hashes", () => {
  it("writes SHA256SUMS that sha256sum -c accepts, sidecars, and hashes.json with keys, URLs and the source archive", async () => {
    const { workspace, hashed, plan } = await release("none", "hashes-test/");
    const dist = join(workspace, "dist");
    const check = spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: dist });
    expect(check.stdout.toString()).toContain("valkey-1.2.3-noble-arm64.tar.gz: OK");
    expect(check.stdout.toString()).toContain("valkey-1.2.3.tar.gz: OK");
    expect(check.status).toBe(0);
    const sums = readFileSync(join(dist, "SHA256SUMS"), "utf8");
    const names = sums
      .trim()
      .split("\n")
      .map((l) => l.slice(66));
    expect(names).toEqual([...names].sort());
    expect(sums.endsWith("\n")).toBe(true);
    expect(readFileSync(join(dist, "valkey-1.2.3-jammy-arm64.tar.gz.sha256"), "utf8")).toMatch(
      /^[0-9a-f]{64} {2}valkey-1\.2\.3-jammy-arm64\.tar\.gz\n$/,
    );
    const source = hashed.hashes.find((h) => h.kind === "source-archive");
    expect(source?.url).toBe(`${github.url}/valkey-io/valkey/archive/refs/tags/1.2.3.tar.gz`);
    expect(source?.key).toBe("hashes-test/valkey-1.2.3.tar.gz");
    expect(execFileSync("tar", ["tzf", join(dist, "valkey-1.2.3.tar.gz")]).toString()).toContain(
      "valkey-1.2.3/src/server.c",
    );
    const binary = hashed.hashes.find((h) => h.name === "valkey-1.2.3-jammy-x86_64.tar.gz");
    expect(binary).toMatchObject({ kind: "binary", key: "hashes-test/valkey-1.2.3-jammy-x86_64.tar.gz" });
    expect(hashed.hashes.at(-1)).toMatchObject({
      name: "SHA256SUMS",
      kind: "checksums",
      key: plan.checksums.key,
    });
  });

  it("adds SHA512SUMS when asked, and refuses missing, empty, duplicate and escaping artifacts", async () => {
    const { plan, workspace } = await release("none", "h2/");
    const settings = {
      artifacts: "dist/*.tar.gz",
      algorithms: ["sha256", "sha512"] as ("sha256" | "sha512")[],
      outputDir: undefined,
      plan: JSON.stringify(plan),
    };
    await hashRelease(settings, workspace);
    expect(spawnSync("sha512sum", ["-c", "SHA512SUMS"], { cwd: join(workspace, "dist") }).status).toBe(0);
    await expect(hashRelease({ ...settings, artifacts: "out/*.tar.gz" }, workspace)).rejects.toThrow(
      'artifact pattern "out/*.tar.gz" matches no file',
    );
    await expect(hashRelease({ ...settings, artifacts: "../*" }, workspace)).rejects.toThrow(
      "is outside the workspace",
    );
    writeFileSync(join(workspace, "dist", "empty.tar.gz"), "");
    await expect(hashRelease({ ...settings, artifacts: "dist/empty.tar.gz" }, workspace)).rejects.toThrow(
      "artifact dist/empty.tar.gz is empty",
    );
    rmSync(join(workspace, "dist", "empty.tar.gz"));
    mkdirSync(join(workspace, "other"));
    writeFileSync(join(workspace, "other", "valkey-1.2.3-jammy-x86_64.tar.gz"), "x");
    await expect(
      hashRelease({ ...settings, artifacts: "dist/*.tar.gz\nother/*.tar.gz" }, workspace),
    ).rejects.toThrow("two artifacts are named valkey-1.2.3-jammy-x86_64.tar.gz");
    execFileSync("ln", ["-s", "/etc/passwd", join(workspace, "dist", "evil.tar.gz")]);
    await expect(hashRelease({ ...settings, artifacts: "dist/evil.tar.gz" }, workspace)).rejects.toThrow(
      "is a symlink that leaves the workspace",
    );
    rmSync(join(workspace, "dist", "evil.tar.gz"));
    rmSync(join(workspace, "dist", "valkey-1.2.3-noble-arm64.tar.gz"));
    await expect(hashRelease(settings, workspace)).rejects.toThrow(
      "missing artifacts: valkey-1.2.3-noble-arm64.tar.gz",
    );
  });

  it("runs bundled, as the runner runs it", async () => {
    const { plan, workspace } = await release("none", "h3/");
    const result = await runBundledAction(
      "compute-hashes",
      { artifacts: "dist/*.tar.gz", plan: JSON.stringify(plan) },
      { GITHUB_WORKSPACE: workspace },
    );
    expect(result.stdout).not.toContain("::error::");
    expect(JSON.parse(result.outputs.hashes ?? "[]")).toHaveLength(6);
    expect(result.outputs["checksums-file"]).toBe(join(workspace, "dist", "SHA256SUMS"));
    expect(result.summary).toContain("| `SHA256SUMS` | checksums |");
  });
});

describe.each(["gpg", "ed25519"] as const)("sign-upload and verify with %s", (method) => {
  let ctx: Awaited<ReturnType<typeof release>>;
  let key: string;
  let publicKey: string;
  const passphrase = method === "gpg" ? "s3cret pass" : undefined;

  beforeAll(async () => {
    ctx = await release(method, `${method}/`);
    if (method === "gpg") {
      const k = makeGpgKey(passphrase as string);
      key = k.secret;
      publicKey = k.publicKey;
    } else {
      key = makeEd25519Key();
    }
  });

  const settings = () => uploadSettings(ctx, { signingKey: key, signingPassphrase: passphrase });
  const upload = async () => {
    const signer = await createSigner(ctx.cfg, key, passphrase);
    try {
      return await publishRelease(settings(), ctx.cfg, { s3: client, workspace: ctx.workspace, signer });
    } finally {
      await signer?.close();
    }
  };

  it("signs and uploads every artifact, signature, SHA256SUMS, public key and hashes.json", async () => {
    const published = await upload();
    const keys = published.map((p) => p.key);
    expect(keys).toContain(`${method}/valkey-1.2.3-jammy-x86_64.tar.gz`);
    expect(keys).toContain(
      `${method}/valkey-1.2.3-jammy-x86_64.tar.gz.${method === "gpg" ? "asc" : "minisig"}`,
    );
    expect(keys).toContain(`${method}/valkey-1.2.3-SHA256SUMS`);
    expect(keys).toContain(`${method}/valkey-1.2.3-SHA256SUMS.${method === "gpg" ? "asc" : "minisig"}`);
    expect(keys).toContain(`${method}/valkey-1.2.3-hashes.json`);
    expect(keys).toContain(`${method}/valkey-1.2.3.tar.gz`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(published.every((p) => p.outcome === "created")).toBe(true);
  });

  it("a rerun of the identical upload makes no PUT and reports every object unchanged", async () => {
    const before = s3.operations.length;
    const published = await upload();
    expect(published.every((p) => p.outcome === "unchanged")).toBe(true);
    const writes = s3.operations
      .slice(before)
      .filter((o) =>
        ["PutObject", "UploadPart", "CompleteMultipartUpload", "CreateMultipartUpload"].includes(o.op),
      );
    expect(writes).toEqual([]);
  });

  it("release-relay verify downloads the release and verifies it; a one-byte tamper fails the verifier", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verify-"));
    const lines: string[] = [];
    const keyArgs: string[] = [];
    if (method === "gpg") {
      writeFileSync(join(dir, "trusted.asc"), publicKey);
      keyArgs.push("--public-key", join(dir, "trusted.asc"));
    }
    const code = await runCli(
      [
        "verify",
        "--config",
        ctx.path,
        "--version",
        "1.2.3",
        "--dir",
        join(dir, "release"),
        ...keyArgs,
      ].filter(Boolean),
      (t) => lines.push(t),
    );
    expect(lines.join("\n")).toContain("verified: 5 file(s)");
    expect(code).toBe(0);
    expect(spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: join(dir, "release") }).status).toBe(0);
    const victim = join(dir, "release", "valkey-1.2.3-noble-x86_64.tar.gz");
    const bytes = readFileSync(victim);
    bytes[10] = (bytes[10] as number) ^ 1;
    writeFileSync(victim, bytes);
    const after: string[] = [];
    expect(await runCli(["verify", "--dir", join(dir, "release"), ...keyArgs], (t) => after.push(t))).toBe(1);
    expect(after.join("\n")).toMatch(/FAIL valkey-1\.2\.3-noble-x86_64\.tar\.gz +hash-mismatch/);
  });

  it("release-relay verify downloads from upload.public-url with no AWS credentials, and says where the key came from", async () => {
    const doc = parseDocument(readFileSync(ctx.path, "utf8"));
    const publicUrl = `${s3.endpoint}/${BUCKET}/${method}/`;
    doc.setIn(["upload", "public-url"], publicUrl);
    const dir = mkdtempSync(join(tmpdir(), "verify-public-"));
    writeFileSync(join(dir, "release-relay.yml"), doc.toString());
    const keyName = method === "gpg" ? "release-key.asc" : "minisign.pub";
    const keyServer = createServer((req, res) => {
      const found = req.url === `/${keyName}`;
      res.writeHead(found ? 200 : 404).end(found ? readFileSync(join(dir, "first", keyName)) : "");
    });
    await new Promise<void>((resolve) => keyServer.listen(0, "127.0.0.1", resolve));
    const aws = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("AWS_")));
    for (const k of Object.keys(aws)) delete process.env[k];
    const verify = async (into: string, extra: string[] = []) => {
      const lines: string[] = [];
      const args = ["--config", join(dir, "release-relay.yml"), "--version", "1.2.3", "--dir", into];
      const code = await runCli(["verify", ...args, ...extra], (t) => lines.push(t));
      return { code, output: lines.join("\n") };
    };
    try {
      const first = await verify(join(dir, "first"));
      expect(first.output).toContain("verified: 5 file(s)");
      expect(first.code).toBe(0);
      expect(first.output).toContain(
        `⚠ the public key was taken from ${publicUrl}valkey-1.2.3-${keyName}, the same place as the files`,
      );
      const { port } = keyServer.address() as AddressInfo;
      const pinned = await verify(join(dir, "pinned"), [
        "--public-key-url",
        `http://127.0.0.1:${port}/${keyName}`,
      ]);
      expect(pinned.output).toContain("verified: 5 file(s)");
      expect(pinned.output).not.toContain("⚠");
      expect(pinned.code).toBe(0);
      const victim = "valkey-1.2.3-jammy-x86_64.tar.gz";
      const original = readFileSync(join(dir, "first", victim));
      const tampered = Buffer.from(original);
      tampered[10] = (tampered[10] as number) ^ 1;
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${method}/${victim}`, Body: tampered }));
      try {
        const bad = await verify(join(dir, "tampered"), [
          "--public-key-url",
          `http://127.0.0.1:${port}/${keyName}`,
        ]);
        expect(bad.code).toBe(1);
        expect(bad.output).toMatch(/FAIL valkey-1\.2\.3-jammy-x86_64\.tar\.gz +hash-mismatch/);
      } finally {
        await client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: `${method}/${victim}`, Body: original }),
        );
      }
    } finally {
      Object.assign(process.env, aws);
      keyServer.close();
    }
  });

  it("refuses to sign or upload an artifact that changed since it was hashed", async () => {
    const victim = join(ctx.workspace, "dist", "valkey-1.2.3-jammy-arm64.tar.gz");
    const original = readFileSync(victim);
    writeFileSync(victim, Buffer.concat([original, Buffer.from("x")]));
    const before = s3.operations.length;
    await expect(upload()).rejects.toThrow(
      /E_TAMPERED|do not match their build-time hashes: valkey-1\.2\.3-jammy-arm64\.tar\.gz changed since it was built/,
    );
    expect(s3.operations.slice(before)).toEqual([]);
    writeFileSync(victim, original);
  });
});

describe("a glob over the whole directory", () => {
  it("takes only artifacts, not the checksums, signatures and manifests written beside them, on every rerun", async () => {
    const { plan, workspace, cfg, path, hashed } = await release("ed25519", "glob/");
    const again = await hashRelease(
      { artifacts: "dist/*", algorithms: ["sha256"], outputDir: undefined, plan: JSON.stringify(plan) },
      workspace,
    );
    expect(again.hashes).toEqual(hashed.hashes);
    const signer = await createSigner(cfg, makeEd25519Key(), undefined);
    const settings = uploadSettings({ path, hashed: again }, { artifacts: "dist/*" });
    const first = await publishRelease(settings, cfg, { s3: client, workspace, signer });
    const second = await publishRelease(settings, cfg, { s3: client, workspace, signer });
    expect(second.map((p) => p.outcome)).toEqual(first.map(() => "unchanged"));
    expect(first.map((p) => p.name)).not.toContain("valkey-1.2.3-jammy-arm64.tar.gz.sha256");
    await signer?.close();
  });
});

describe("prefix override", () => {
  it("puts every object of the release under the prefix input, manifest and keys included", async () => {
    const ctx = await release("ed25519", "planned/");
    const signer = await createSigner(ctx.cfg, makeEd25519Key(), undefined);
    const settings = uploadSettings(ctx, { prefix: "moved/" });
    const published = await publishRelease(settings, ctx.cfg, {
      s3: client,
      workspace: ctx.workspace,
      signer,
    });
    expect(published.map((p) => p.key).filter((k) => !k.startsWith("moved/"))).toEqual([]);
    expect(published.map((p) => p.key)).toContain("moved/valkey-1.2.3-minisign.pub");
  });
});

describe("immutability", () => {
  it("refuses different bytes under a released key, names the key, and overwrites nothing", async () => {
    const ctx = await release("none", "immutable/");
    const settings = uploadSettings(ctx);
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: "immutable/valkey-1.2.3-noble-arm64.tar.gz",
        Body: "an older, different build",
        Metadata: { sha256: "0".repeat(64) },
      }),
    );
    await expect(
      publishRelease(settings, ctx.cfg, { s3: client, workspace: ctx.workspace, signer: undefined }),
    ).rejects.toThrow(
      "s3 object immutable/valkey-1.2.3-noble-arm64.tar.gz already exists with different content",
    );
    const got = await s3.client().send(
      new (await import("@aws-sdk/client-s3")).GetObjectCommand({
        Bucket: BUCKET,
        Key: "immutable/valkey-1.2.3-noble-arm64.tar.gz",
      }),
    );
    expect(await (got.Body as { transformToString(): Promise<string> }).transformToString()).toBe(
      "an older, different build",
    );
  });
});
