import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import * as core from "@actions/core";
import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { resolveArtifacts } from "../adapters/storage/artifact-files.js";
import { hashFile, hashFiles } from "../adapters/storage/hashing.js";
import {
  checkKeysFree,
  contentTypeOf,
  createS3Client,
  downloadObject,
  headObject,
  type UploadOutcome,
  uploadImmutable,
} from "../adapters/storage/s3.js";
import {
  ed25519Signer,
  gpgSigner,
  type Signer,
  verifyGpg,
  verifyMinisign,
} from "../adapters/storage/signing.js";
import { type ArtifactHash, hashesFileSchema } from "../core/artifacts/checksums.js";
import { checkRehash, releaseObjectKey } from "../core/artifacts/publication.js";
import { isReleaseMetadata } from "../core/artifacts/verification.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import { describeIssues } from "../core/inputs/validation-issues.js";
import { objectUrl } from "../core/request/plan.js";
import { versionInputSchema } from "../core/request/version.js";

const INPUTS = [
  "artifacts",
  "config-path",
  "environment",
  "version",
  "hashes-file",
  "signing-key",
  "signing-passphrase",
  "bucket",
  "prefix",
  "region",
  "endpoint",
] as const;

const inputsSchema = z
  .object({
    artifacts: z.string().min(1),
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    version: versionInputSchema,
    "hashes-file": z.string().min(1, { error: "pass the hashes-file output of compute-hashes" }),
    "signing-key": z.string().optional(),
    "signing-passphrase": z.string().optional(),
    bucket: z.string().optional(),
    prefix: z.string().optional(),
    region: z.string().optional(),
    endpoint: z.url().optional(),
  })
  .transform((i) => ({
    artifacts: i.artifacts,
    configPath: i["config-path"],
    environment: i.environment,
    version: i.version,
    hashesFile: i["hashes-file"],
    signingKey: i["signing-key"],
    signingPassphrase: i["signing-passphrase"],
    bucket: i.bucket,
    prefix: i.prefix,
    region: i.region,
    endpoint: i.endpoint,
  }));

export type SignUploadSettings = z.output<typeof inputsSchema>;

/** One object the release published. */
export interface Published {
  name: string;
  key: string;
  url: string;
  sha256: string;
  outcome: UploadOutcome;
}

/** Makes the signer the config asks for; `none` signs nothing. */
export async function createSigner(
  config: Config,
  key: string | undefined,
  passphrase: string | undefined,
): Promise<Signer | undefined> {
  if (config.signing.method === "none") return undefined;
  if (!key) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `signing.method is ${config.signing.method} but no signing-key was given`,
      `pass secrets.${config.signing.keySecret} as signing-key`,
    );
  }
  return config.signing.method === "gpg" ? gpgSigner(key, passphrase) : ed25519Signer(key);
}

/** Re-hashes, signs and uploads a release; every object immutable, every step idempotent. */
export async function runSignUpload(
  settings: SignUploadSettings,
  config: Config,
  deps: { s3: S3Client; workspace: string; signer: Signer | undefined },
): Promise<Published[]> {
  const upload = {
    ...config.upload,
    ...(settings.prefix !== undefined ? { prefix: settings.prefix } : {}),
    ...(settings.bucket ? { bucket: settings.bucket } : {}),
  };
  const expected = (await readHashesFile(settings.hashesFile)).filter((h) => h.kind !== "signature");
  const dir = dirname(settings.hashesFile);
  const files = (await resolveArtifacts(settings.artifacts, deps.workspace)).filter(
    (f) => !isReleaseMetadata(basename(f)),
  );
  // The source archive and SHA256SUMS that compute-hashes wrote are published with the artifacts.
  const written = expected
    .filter((h) => h.kind === "source-archive" || h.kind === "checksums")
    .map((h) => join(dir, h.name));
  const toCheck = [...files.filter((f) => !written.some((w) => basename(w) === basename(f))), ...written];
  const digests = await hashFiles(toCheck);
  checkRehash(
    expected,
    digests.map((d) => ({ name: basename(d.path), sha256: d.sha256 as string, size: d.size })),
  );

  // Planned keys live under upload.prefix; a `prefix` input moves every object under its own.
  const keyFor = (entry: Pick<ArtifactHash, "name" | "key">): string => {
    const planned = entry.key ?? releaseObjectKey(config, settings.version, entry.name);
    return planned.startsWith(config.upload.prefix)
      ? upload.prefix + planned.slice(config.upload.prefix.length)
      : planned;
  };
  await checkKeysFree(
    deps.s3,
    upload.bucket,
    toCheck.map((file, i) => ({
      key: keyFor(expected.find((h) => h.name === basename(file)) as ArtifactHash),
      sha256: digests[i]?.sha256 as string,
      size: digests[i]?.size as number,
    })),
  );

  const published: Published[] = [];
  const publish = async (
    file: string,
    entry: Pick<ArtifactHash, "name" | "key">,
    sha256: string,
    size: number,
  ) => {
    const key = keyFor(entry);
    const outcome = await uploadImmutable(deps.s3, upload.bucket, {
      key,
      file,
      sha256,
      size,
      contentType: contentTypeOf(entry.name),
      cacheControl: upload.cacheControl,
    });
    published.push({ name: entry.name, key, url: objectUrl(upload, key), sha256, outcome });
    return key;
  };

  const signatures: ArtifactHash[] = [];
  const publicKeys: string[] = deps.signer ? await deps.signer.writePublicKeys(dir) : [];
  for (const [i, file] of toCheck.entries()) {
    const name = basename(file);
    const entry = expected.find((h) => h.name === name) as ArtifactHash;
    const key = await publish(file, entry, digests[i]?.sha256 as string, digests[i]?.size as number);
    if (!deps.signer) continue;
    const sigFile = await deps.signer.sign(
      file,
      `${config.project} ${settings.version} ${name} sha256:${entry.sha256}`,
    );
    const sigKey = `${key}${sigFile.slice(file.length)}`;
    // A rerun keeps the signature already published if it is valid for this file (gpg signatures carry a time).
    const existing = await headObject(deps.s3, upload.bucket, sigKey);
    if (existing) {
      const kept = `${sigFile}.published`;
      await downloadObject(deps.s3, upload.bucket, sigKey, kept);
      const keyText = await readFile(publicKeys[0] as string, "utf8");
      const check =
        deps.signer.method === "gpg"
          ? await verifyGpg(file, kept, keyText)
          : await verifyMinisign(file, await readFile(kept, "utf8"), keyText);
      if (!check.ok) {
        throw new ReleaseRelayError(
          "E_IMMUTABLE",
          `s3 object ${sigKey} is not a valid signature of ${name} by this key (${check.reason})`,
          "a released signature never changes: investigate who wrote it",
        );
      }
      await writeFile(sigFile, await readFile(kept));
    }
    const d = await hashFile(sigFile);
    await publish(sigFile, { name: basename(sigFile), key: sigKey }, d.sha256 as string, d.size);
    signatures.push({
      name: basename(sigFile),
      kind: "signature",
      size: d.size,
      sha256: d.sha256 as string,
      key: sigKey,
      url: objectUrl(upload, sigKey),
    });
  }
  for (const pub of publicKeys) {
    const d = await hashFile(pub);
    await publish(pub, { name: basename(pub) }, d.sha256 as string, d.size);
  }
  const keyOf = new Map(published.map((p) => [p.name, p.key]));
  const finalHashes = [
    ...expected.map((h) => ({ ...h, ...(keyOf.has(h.name) ? { key: keyOf.get(h.name) } : {}) })),
    ...signatures,
  ];
  // The published manifest adds the signatures; compute-hashes' own file stays as it was, for reruns.
  const manifest = join(dir, "hashes.published.json");
  await writeFile(manifest, `${JSON.stringify(finalHashes, null, 2)}\n`);
  const m = await hashFile(manifest);
  await publish(manifest, { name: "hashes.json" }, m.sha256 as string, m.size);
  return published;
}

/** The hashes.json compute-hashes wrote, validated: it decides every key and digest published. */
async function readHashesFile(path: string): Promise<ArtifactHash[]> {
  const fix = "pass the hashes-file output of compute-hashes unchanged";
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `hashes-file ${path} is not JSON: ${(error as Error).message}`,
      fix,
    );
  }
  const parsed = hashesFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new ReleaseRelayError(
      "E_INPUT",
      `hashes-file ${path} is not what compute-hashes writes:\n${describeIssues(parsed.error.issues)
        .map((l) => `  ${l}`)
        .join("\n")}`,
      fix,
    );
  return parsed.data;
}

/** Entry point of actions/sign-upload. */
export async function main(): Promise<void> {
  const settings = readInputs(inputsSchema, INPUTS);
  for (const secret of [settings.signingKey, settings.signingPassphrase]) if (secret) core.setSecret(secret);
  const config = await readConfigFile(settings.configPath, settings.environment);
  const signer = await createSigner(config, settings.signingKey, settings.signingPassphrase);
  const s3 = createS3Client({
    bucket: settings.bucket ?? config.upload.bucket,
    region: settings.region ?? config.upload.region,
    endpoint: settings.endpoint ?? config.upload.endpoint,
  });
  try {
    const published = await runSignUpload(settings, config, {
      s3,
      workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      signer,
    });
    core.setOutput("uploaded", JSON.stringify(published));
    core.setOutput(
      "signatures",
      JSON.stringify(published.filter((p) => /\.(asc|minisig)$/.test(p.name)).map((p) => p.name)),
    );
    const created = published.filter((p) => p.outcome === "created").length;
    core.setOutput("outcome", created === 0 ? "unchanged" : "created");
    const rows = published.map((p) => `| \`${p.name}\` | \`${p.key}\` | ${p.outcome} |`);
    await core.summary
      .addRaw(
        `## Published\n\n${created} created, ${published.length - created} unchanged.\n\n| File | Key | Outcome |\n| --- | --- | --- |\n${rows.join("\n")}\n`,
      )
      .write();
  } finally {
    await signer?.close();
    s3.destroy();
  }
}
