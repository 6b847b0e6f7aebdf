import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashFiles } from "../adapters/storage/hashing.js";
import { verifyGpg, verifyMinisign } from "../adapters/storage/signing.js";
import { parseChecksums } from "../core/artifacts/checksums.js";
import { PUBLISHED_KEY_NAMES } from "../core/artifacts/publication.js";
import { type FileFacts, judgeRelease } from "../core/artifacts/verification.js";
import { ReleaseRelayError } from "../core/errors.js";
import { provenanceRows } from "../steps/provenance.js";
import { downloadRelease } from "../steps/verify-download.js";
import { defineCommand } from "./command-line/command.js";
import { readCommandConfig, SHARED_OPTIONS } from "./command-line/shared-options.js";

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

/** The key to check signatures with, and where it came from when that is the files' own place. */
async function publicKeyOf(
  dir: string,
  options: { file?: string; url?: string },
  downloadedFrom: ReadonlyMap<string, string>,
): Promise<{ text?: string; sameAsFiles?: string }> {
  if (options.file && options.url)
    throw new ReleaseRelayError(
      "E_INPUT",
      "verify takes --public-key or --public-key-url, not both",
      "give the one key you trust",
    );
  if (options.file) return { text: await readFile(options.file, "utf8") };
  if (options.url) {
    const response = await fetch(options.url, { redirect: "follow" });
    if (!response.ok)
      throw new ReleaseRelayError(
        "E_INPUT",
        `could not download the public key ${options.url}: HTTP ${response.status}`,
        "check the URL of the key you published",
      );
    return { text: await response.text() };
  }
  const name = PUBLISHED_KEY_NAMES.slice(0, 2).find((n) => existsSync(join(dir, n)));
  if (!name) return {};
  return {
    text: await readFile(join(dir, name), "utf8"),
    sameAsFiles: downloadedFrom.get(name) ?? join(dir, name),
  };
}

/**
 * `release-relay verify --dir DIR [--public-key FILE]`, or `--config FILE --version V [--dir DIR]`
 * to download the release first: exit 0 only if every artifact is listed, matches and is signed.
 */
export const verifyCommand = defineCommand({
  name: "verify",
  summary: "check a release's artifacts against SHA256SUMS, signatures and provenance",
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
    "public-key-url": {
      type: "string",
      value: "URL",
      description: "download the key to check signatures with from where it was published",
    },
    config: {
      type: "string",
      value: "FILE",
      description:
        "download the release from the upload.public-url this release-relay.yml names (with --version)",
    },
    "from-bucket": {
      type: "boolean",
      description: "download through the S3 API with AWS credentials, not from upload.public-url",
    },
    environment: SHARED_OPTIONS.environment,
    version: { type: "string", value: "VERSION", description: "the release to download (with --config)" },
    commit: {
      type: "string",
      value: "SHA",
      description:
        "the commit the release's tag points at, to hold each provenance to (else read from the source archive)",
    },
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
    let downloadedFrom = new Map<string, string>();
    if (values.config && values.version) {
      await mkdir(dir, { recursive: true });
      const config = await readCommandConfig(values.config, values.environment);
      downloadedFrom = await downloadRelease(config, values.version, dir, values["from-bucket"] === true);
    }
    if (!existsSync(join(dir, "SHA256SUMS")))
      throw new ReleaseRelayError(
        "E_INPUT",
        `${dir} has no SHA256SUMS`,
        "download SHA256SUMS with the artifacts",
      );
    const key = await publicKeyOf(
      dir,
      { file: values["public-key"], url: values["public-key-url"] },
      downloadedFrom,
    );
    const keys = key.text?.includes("PGP PUBLIC KEY")
      ? { gpg: key.text }
      : key.text
        ? { minisign: key.text }
        : {};
    if (key.sameAsFiles)
      out(
        `⚠ the public key was taken from ${key.sameAsFiles}, the same place as the files: anyone who can replace the files can replace the key; pass --public-key FILE or --public-key-url URL of the key you published elsewhere`,
      );
    const checksums = parseChecksums(await readFile(join(dir, "SHA256SUMS"), "utf8"));
    const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    const digests = await hashFiles(names.map((n) => join(dir, n)));
    const facts: FileFacts[] = [];
    for (const [i, name] of names.entries()) {
      const signature = await signatureOf(dir, name, keys);
      facts.push({ name, sha256: digests[i]?.sha256 as string, ...(signature ? { signature } : {}) });
    }
    const judged = judgeRelease(checksums, facts, await signatureOf(dir, "SHA256SUMS", keys));
    if (values.commit !== undefined && !/^[0-9a-f]{40}$/.test(values.commit))
      throw new ReleaseRelayError(
        "E_INPUT",
        `--commit ${values.commit} is not a full commit SHA`,
        "pass the 40 hex digits of `git rev-parse TAG^{commit}`",
      );
    const provenance = await provenanceRows(
      dir,
      new Map(facts.map((f) => [f.name, f.sha256])),
      new Set(checksums.map((c) => c.name)),
      key.text,
      values.commit,
    );
    const verdict = {
      ok: judged.ok && provenance.every((r) => r.status === "ok"),
      rows: [...judged.rows, ...provenance],
    };
    const width = Math.max(...verdict.rows.map((r) => r.name.length));
    for (const row of verdict.rows)
      out(
        `${row.status === "ok" ? "OK  " : "FAIL"} ${row.name.padEnd(width)}  ${row.status === "ok" ? "" : `${row.status}: `}${row.detail}`,
      );
    out(
      verdict.ok
        ? `verified: ${checksums.length} file(s)${provenance.length > 0 ? `, ${provenance.length} provenance` : ""} in ${dir}`
        : `NOT verified: ${verdict.rows.filter((r) => r.status !== "ok").length} problem(s) in ${dir}`,
    );
    return verdict.ok ? 0 : 1;
  },
});
