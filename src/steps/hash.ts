// The hash stage (compute-hashes): the built files, exactly as planned, hashed once; SHA256SUMS,
// sidecars and hashes.json written beside them for the publish stage and the downstream edits.
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { countArchiveFiles } from "../adapters/storage/archive-files.js";
import { resolveArtifacts } from "../adapters/storage/artifact-files.js";
import { downloadToFile } from "../adapters/storage/download.js";
import { gunzipHead, type HashAlgorithm, hashFile, hashFiles } from "../adapters/storage/hashing.js";
import { archiveCommit } from "../core/artifacts/archive-commit.js";
import { archiveFormat, checkArtifactContents } from "../core/artifacts/artifact-contents.js";
import { type ArtifactHash, renderChecksums } from "../core/artifacts/checksums.js";
import {
  checkPlannedArtifacts,
  checkSourceArchiveCommit,
  hashEntry,
  parsePlanInput,
} from "../core/artifacts/hash-manifest.js";
import { isReleaseMetadata } from "../core/artifacts/verification.js";
import { ReleaseRelayError } from "../core/errors.js";

/** What compute-hashes is given. */
export interface HashSettings {
  /** The built files: paths or globs, one per line, in the workspace. */
  artifacts: string;
  algorithms: HashAlgorithm[];
  /** Where the checksums go; default: beside the first artifact. */
  outputDir?: string | undefined;
  /** build-matrix's plan (JSON): the files are held to it, and the source archive is added. */
  plan?: string | undefined;
}

/** What compute-hashes wrote. */
export interface HashResult {
  hashes: ArtifactHash[];
  checksumsFile: string;
  hashesFile: string;
}

/** Hashes every artifact (and the tag's source archive when the plan lists one); writes SHA256SUMS, sidecars, hashes.json. */
export async function hashRelease(settings: HashSettings, workspace: string): Promise<HashResult> {
  const plan = settings.plan === undefined ? undefined : parsePlanInput(settings.plan);
  const source = plan?.artifacts.find((a) => a.kind === "source-archive");
  // What compute-hashes writes beside the artifacts (and the source archive it downloads there) is
  // never taken for an artifact, so a glob like dist/* stays right on a rerun.
  const files = (await resolveArtifacts(settings.artifacts, workspace)).filter(
    (f) => basename(f) !== source?.name && !isReleaseMetadata(basename(f)),
  );
  if (files.length === 0) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `no artifacts in ${JSON.stringify(settings.artifacts)}, only checksums and signatures`,
      "point artifacts at the built files",
    );
  }
  const outputDir = resolve(workspace, settings.outputDir ?? dirname(files[0] as string));
  if (plan)
    checkPlannedArtifacts(
      files.map((f) => {
        // release.yml downloads each build artifact into a directory of its name.
        const container = basename(dirname(f));
        return { name: basename(f), artifact: container.startsWith("build-") ? container : undefined };
      }),
      plan,
    );
  const planned = new Map((plan?.artifacts ?? []).map((a) => [a.name, a]));
  const digests = await hashFiles(files, settings.algorithms);
  // Refused before anything is written: sign-upload signs only what hashes.json lists.
  checkArtifactContents(
    await Promise.all(
      digests.map(async (d) => {
        const name = basename(d.path);
        const format = archiveFormat(name);
        const entry = planned.get(name);
        return {
          name,
          target: entry?.target,
          architectureIndependent: entry?.architectureIndependent,
          size: d.size,
          sha256: d.sha256 as string,
          // One file is enough to tell an archive from an empty one; the rest is not decompressed.
          archiveFiles: format && d.size > 0 ? await countArchiveFiles(d.path, format, 1) : undefined,
        };
      }),
    ),
  );
  await mkdir(outputDir, { recursive: true });
  const hashes = digests.map((d) => hashEntry(basename(d.path), "binary", d, planned.get(basename(d.path))));
  if (plan && source) {
    const path = join(outputDir, source.name);
    await downloadToFile(source.url, path);
    checkSourceArchiveCommit(archiveCommit(await gunzipHead(path)), plan, source.url);
    hashes.unshift(
      hashEntry(source.name, "source-archive", await hashFile(path, settings.algorithms), source),
    );
  }
  const checksumsFile = join(outputDir, "SHA256SUMS");
  await writeFile(checksumsFile, renderChecksums(hashes.map((h) => ({ name: h.name, digest: h.sha256 }))));
  if (settings.algorithms.includes("sha512")) {
    await writeFile(
      join(outputDir, "SHA512SUMS"),
      renderChecksums(hashes.map((h) => ({ name: h.name, digest: h.sha512 as string }))),
    );
  }
  for (const h of hashes)
    await writeFile(
      join(outputDir, `${h.name}.sha256`),
      renderChecksums([{ name: h.name, digest: h.sha256 }]),
    );
  hashes.push(hashEntry("SHA256SUMS", "checksums", await hashFile(checksumsFile), plan?.checksums));
  const hashesFile = join(outputDir, "hashes.json");
  await writeFile(hashesFile, `${JSON.stringify(hashes, null, 2)}\n`);
  return { hashes, checksumsFile, hashesFile };
}
