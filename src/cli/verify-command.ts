import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadToFile } from "../adapters/storage/download.js";
import { readHashesFile } from "../adapters/storage/hashes-file.js";
import { hashFiles } from "../adapters/storage/hashing.js";
import { createS3Client, downloadObject } from "../adapters/storage/s3.js";
import { verifyGpg, verifyMinisign } from "../adapters/storage/signing.js";
import { parseChecksums } from "../core/artifacts/checksums.js";
import { releaseObjectKey } from "../core/artifacts/publication.js";
import { type FileFacts, judgeRelease } from "../core/artifacts/verification.js";
import { ReleaseRelayError } from "../core/errors.js";
import { readCommandConfig, SHARED_OPTIONS } from "./cli-args.js";
import { defineCommand } from "./command-line/command.js";

async function signatureOf(dir: string, name: string, keys: { gpg?: string; minisign?: string }) {
  const asc = join(dir, `${name}.asc`);
  const minisig = join(dir, `${name}.minisig`);
  const file = join(dir, name);
  if (existsSync(asc))
    return keys.gpg
      ? verifyGpg(file, asc, keys.gpg)
      : { ok: false, reason: "no gpg public key to check it with" };
  if (existsSync(minisig)) {
    return keys.minisign
      ? verifyMinisign(file, await readFile(minisig, "utf8"), keys.minisign)
      : { ok: false, reason: "no minisign public key to check it with" };
  }
  return undefined;
}

/** Downloads a release's published files (as listed in its hashes.json) into `dir`. */
async function download(
  configPath: string,
  environment: string | undefined,
  version: string,
  dir: string,
): Promise<void> {
  const config = await readCommandConfig(configPath, environment);
  const s3 = createS3Client({
    bucket: config.upload.bucket,
    region: config.upload.region,
    endpoint: config.upload.endpoint,
  });
  try {
    const manifestKey = releaseObjectKey(config, version, "hashes.json");
    await downloadObject(s3, config.upload.bucket, manifestKey, join(dir, "hashes.json"));
    const entries = await readHashesFile(
      join(dir, "hashes.json"),
      `s3 object ${manifestKey} (the release manifest)`,
      "the release manifest was changed after it was published; do not trust this release",
    );
    for (const e of entries) {
      // The source archive is GitHub's, not ours: it is fetched from where GitHub serves it.
      if (e.key) await downloadObject(s3, config.upload.bucket, e.key, join(dir, e.name));
      else if (e.url) await downloadToFile(e.url, join(dir, e.name));
    }
    for (const name of ["release-key.asc", "minisign.pub", "release-key.pem"]) {
      await downloadObject(
        s3,
        config.upload.bucket,
        releaseObjectKey(config, version, name),
        join(dir, name),
      ).catch(() => undefined);
    }
  } finally {
    s3.destroy();
  }
}

/**
 * `release-relay verify --dir DIR [--public-key FILE]`, or `--config FILE --version V [--dir DIR]`
 * to download the release first: exit 0 only if every artifact is listed, matches and is signed.
 */
export const verifyCommand = defineCommand({
  name: "verify",
  summary: "check a release's artifacts against SHA256SUMS and signatures",
  options: {
    dir: {
      type: "string",
      value: "DIR",
      description: "the release's files (with --config and --version: where they are downloaded)",
    },
    "public-key": {
      type: "string",
      value: "FILE",
      description: "the key to check signatures with (else the one found in DIR)",
    },
    config: {
      type: "string",
      value: "FILE",
      description: "download the release from the bucket this release-relay.yml names (with --version)",
    },
    environment: SHARED_OPTIONS.environment,
    version: { type: "string", value: "VERSION", description: "the release to download (with --config)" },
  },
  example: "release-relay verify --dir ./downloads --public-key release-key.asc",
  run: async ({ values }, out) => {
    if (!values.dir && !(values.config && values.version)) {
      throw new ReleaseRelayError(
        "E_INPUT",
        "verify needs --dir DIR, or --config FILE --version V",
        "e.g. release-relay verify --dir ./downloads --public-key release-key.asc",
      );
    }
    const dir = values.dir ?? (await mkdtemp(join(tmpdir(), "release-verify-")));
    if (values.config && values.version) {
      await mkdir(dir, { recursive: true });
      await download(values.config, values.environment, values.version, dir);
    }
    if (!existsSync(join(dir, "SHA256SUMS")))
      throw new ReleaseRelayError(
        "E_INPUT",
        `${dir} has no SHA256SUMS`,
        "download SHA256SUMS with the artifacts",
      );
    const keyFile =
      values["public-key"] ??
      ["release-key.asc", "minisign.pub"].map((n) => join(dir, n)).find((p) => existsSync(p));
    const keyText = keyFile ? await readFile(keyFile, "utf8") : undefined;
    const keys = keyText?.includes("PGP PUBLIC KEY")
      ? { gpg: keyText }
      : keyText
        ? { minisign: keyText }
        : {};
    if (keyFile && !values["public-key"])
      out(
        `note: using the public key found in the release directory (${keyFile}); pass --public-key to check against a key you trust`,
      );
    const checksums = parseChecksums(await readFile(join(dir, "SHA256SUMS"), "utf8"));
    const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    const digests = await hashFiles(names.map((n) => join(dir, n)));
    const facts: FileFacts[] = [];
    for (const [i, name] of names.entries()) {
      const signature = await signatureOf(dir, name, keys);
      facts.push({ name, sha256: digests[i]?.sha256 as string, ...(signature ? { signature } : {}) });
    }
    const verdict = judgeRelease(checksums, facts, await signatureOf(dir, "SHA256SUMS", keys));
    const width = Math.max(...verdict.rows.map((r) => r.name.length));
    for (const row of verdict.rows)
      out(
        `${row.status === "ok" ? "OK  " : "FAIL"} ${row.name.padEnd(width)}  ${row.status === "ok" ? "" : `${row.status}: `}${row.detail}`,
      );
    out(
      verdict.ok
        ? `verified: ${checksums.length} file(s) in ${dir}`
        : `NOT verified: ${verdict.rows.filter((r) => r.status !== "ok").length} problem(s) in ${dir}`,
    );
    return verdict.ok ? 0 : 1;
  },
});
