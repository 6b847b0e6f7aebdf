// The publish stage (sign-upload): re-hash what was built, sign it, and upload it and the manifest,
// every object immutable, so a rerun publishes nothing twice and changes nothing published.
import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { readConfigFile } from "../adapters/config-file.js";
import { readPublishingRun } from "../adapters/run-context.js";
import { resolveArtifacts } from "../adapters/storage/artifact-files.js";
import { readHashesFile } from "../adapters/storage/hashes-file.js";
import { hashFile, hashFiles } from "../adapters/storage/hashing.js";
import {
  checkKeysFree,
  contentTypeOf,
  createS3Client,
  downloadObject,
  headObject,
  uploadImmutable,
} from "../adapters/storage/s3.js";
import {
  ed25519Signer,
  gpgSigner,
  type Signer,
  verifyGpg,
  verifyMinisign,
} from "../adapters/storage/signing.js";
import type { ArtifactHash } from "../core/artifacts/checksums.js";
import { parsePlanInput } from "../core/artifacts/hash-manifest.js";
import {
  checkRehash,
  type PublishedFile,
  publishedKey,
  publishedManifest,
} from "../core/artifacts/publication.js";
import {
  checkPublishedSignature,
  signatureKey,
  signedComment,
  signingMethod,
} from "../core/artifacts/signing-policy.js";
import { isReleaseMetadata } from "../core/artifacts/verification.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import { PROVENANCE_SUFFIX } from "../core/provenance/envelope.js";
import { objectUrl } from "../core/request/plan.js";
import { buildFactsOf, type PublishingRun, writeProvenance } from "./provenance.js";

/** What sign-upload is given. */
export interface PublishSettings {
  /** The built files: paths or globs, one per line, in the workspace. */
  artifacts: string;
  configPath: string;
  environment?: string | undefined;
  version: string;
  /** compute-hashes' hashes.json: it decides every key and digest published. */
  hashesFile: string;
  signingKey?: string | undefined;
  signingPassphrase?: string | undefined;
  /** Overrides of upload.bucket, upload.prefix, upload.region and upload.endpoint. */
  bucket?: string | undefined;
  prefix?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  /** build-matrix's plan (JSON): with a signer, each built artifact's provenance is published from it. */
  plan?: string | undefined;
}

/** Makes the signer the config asks for; `none` signs nothing. */
export async function createSigner(
  config: Config,
  key: string | undefined,
  passphrase: string | undefined,
): Promise<Signer | undefined> {
  const signing = signingMethod(config.signing, key);
  if (!signing) return undefined;
  return signing.method === "gpg" ? gpgSigner(signing.key, passphrase) : ed25519Signer(signing.key);
}

/** The publish stage as a release runs it: with the config's bucket and signer, closed at the end. */
export async function publish(settings: PublishSettings, workspace: string): Promise<PublishedFile[]> {
  const config = await readConfigFile(settings.configPath, settings.environment);
  const signer = await createSigner(config, settings.signingKey, settings.signingPassphrase);
  const s3 = createS3Client({
    bucket: settings.bucket ?? config.upload.bucket,
    region: settings.region ?? config.upload.region,
    endpoint: settings.endpoint ?? config.upload.endpoint,
  });
  try {
    const run = settings.plan !== undefined && signer ? readPublishingRun() : undefined;
    return await publishRelease(settings, config, { s3, workspace, signer, run });
  } finally {
    await signer?.close();
    s3.destroy();
  }
}

/** Re-hashes, signs and uploads a release; every object immutable, every step idempotent. */
export async function publishRelease(
  settings: PublishSettings,
  config: Config,
  deps: { s3: S3Client; workspace: string; signer: Signer | undefined; run?: PublishingRun | undefined },
): Promise<PublishedFile[]> {
  const plan = settings.plan === undefined ? undefined : parsePlanInput(settings.plan);
  const upload = {
    ...config.upload,
    ...(settings.prefix !== undefined ? { prefix: settings.prefix } : {}),
    ...(settings.bucket ? { bucket: settings.bucket } : {}),
  };
  const expected = (
    await readHashesFile(
      settings.hashesFile,
      `hashes-file ${settings.hashesFile}`,
      "pass the hashes-file output of compute-hashes unchanged",
    )
  ).filter((h) => h.kind !== "signature");
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
  const entryOf = (file: string) => expected.find((h) => h.name === basename(file)) as ArtifactHash;
  const keyFor = (entry: Pick<ArtifactHash, "name" | "key">) =>
    publishedKey(config, settings.version, upload.prefix, entry);
  await checkKeysFree(
    deps.s3,
    upload.bucket,
    toCheck.map((file, i) => ({
      key: keyFor(entryOf(file)),
      sha256: digests[i]?.sha256 as string,
      size: digests[i]?.size as number,
    })),
  );

  const published: PublishedFile[] = [];
  const put = async (
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
    const entry = entryOf(file);
    const key = await put(file, entry, digests[i]?.sha256 as string, digests[i]?.size as number);
    if (!deps.signer) continue;
    const sigFile = await deps.signer.sign(
      file,
      signedComment(config.project, settings.version, entry.name, entry.sha256),
    );
    const sigKey = signatureKey(key, file, sigFile);
    // A rerun keeps the signature already published if it is valid for this file (gpg signatures carry a time).
    if (await headObject(deps.s3, upload.bucket, sigKey)) {
      const kept = `${sigFile}.published`;
      await downloadObject(deps.s3, upload.bucket, sigKey, kept);
      const keyText = await readFile(publicKeys[0] as string, "utf8");
      const check =
        deps.signer.method === "gpg"
          ? await verifyGpg(file, kept, keyText)
          : await verifyMinisign(file, await readFile(kept, "utf8"), keyText);
      checkPublishedSignature(sigKey, entry.name, check);
      await writeFile(sigFile, await readFile(kept));
    }
    const signed = [{ path: sigFile, key: sigKey }];
    if (plan && entry.kind === "binary") {
      const run = deps.run;
      if (!run)
        throw new ReleaseRelayError(
          "E_INPUT",
          "provenance needs the workflow run: GITHUB_WORKFLOW_REF, GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT are not set",
          "run sign-upload in the release workflow, or leave out the plan input to publish no provenance",
        );
      const provenanceKey = `${key}${PROVENANCE_SUFFIX}`;
      const provenance = await writeProvenance(
        file,
        buildFactsOf(plan, run, { name: entry.name, sha256: entry.sha256 }),
        deps.signer,
        await readFile(publicKeys[0] as string, "utf8"),
        { s3: deps.s3, bucket: upload.bucket, key: provenanceKey },
      );
      signed.push({ path: provenance, key: provenanceKey });
    }
    for (const s of signed) {
      const d = await hashFile(s.path);
      await put(s.path, { name: basename(s.path), key: s.key }, d.sha256 as string, d.size);
      // A provenance is a signed statement about its file: listed with the signatures.
      signatures.push({
        name: basename(s.path),
        kind: "signature",
        size: d.size,
        sha256: d.sha256 as string,
        key: s.key,
        url: objectUrl(upload, s.key),
      });
    }
  }
  for (const pub of publicKeys) {
    const d = await hashFile(pub);
    await put(pub, { name: basename(pub) }, d.sha256 as string, d.size);
  }
  const manifest = join(dir, "hashes.published.json");
  const keyOf = new Map(published.map((p) => [p.name, p.key]));
  await writeFile(manifest, `${JSON.stringify(publishedManifest(expected, keyOf, signatures), null, 2)}\n`);
  const m = await hashFile(manifest);
  await put(manifest, { name: "hashes.json" }, m.sha256 as string, m.size);
  return published;
}
