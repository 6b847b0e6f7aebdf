import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import * as core from "@actions/core";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { resolveArtifacts } from "../adapters/storage/artifact-files.js";
import { downloadToFile } from "../adapters/storage/download.js";
import { gunzipHead, type HashAlgorithm, hashFile, hashFiles } from "../adapters/storage/hashing.js";
import { archiveCommit } from "../core/artifacts/archive-commit.js";
import { type ArtifactHash, renderChecksums } from "../core/artifacts/checksums.js";
import { misplacedArtifacts } from "../core/artifacts/placement.js";
import { isReleaseMetadata } from "../core/artifacts/verification.js";
import { ReleaseRelayError } from "../core/errors.js";
import { type ReleasePlan, releasePlanSchema } from "../core/request/plan.js";

const INPUTS = ["artifacts", "algorithms", "output-dir", "plan"] as const;

const inputsSchema = z
  .object({
    artifacts: z.string().min(1, { error: "list the artifact files (paths or globs, one per line)" }),
    algorithms: z
      .string()
      .default("sha256")
      .transform((s) => [
        ...new Set(
          s
            .split(",")
            .map((a) => a.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z.array(z.enum(["sha256", "sha512"])).refine((a) => a.includes("sha256"), {
          error: "sha256 is always computed: use sha256 or sha256,sha512",
        }),
      ),
    "output-dir": z.string().optional(),
    plan: z.string().optional(),
  })
  .transform((i) => ({
    artifacts: i.artifacts,
    algorithms: i.algorithms as HashAlgorithm[],
    outputDir: i["output-dir"],
    plan: i.plan,
  }));

export type ComputeHashesSettings = z.output<typeof inputsSchema>;

/** What compute-hashes wrote. */
export interface ComputeHashesResult {
  hashes: ArtifactHash[];
  checksumsFile: string;
  hashesFile: string;
}

function parsePlan(text: string | undefined): ReleasePlan | undefined {
  if (text === undefined) return undefined;
  const result = releasePlanSchema.safeParse(JSON.parse(text));
  if (!result.success) {
    throw new ReleaseRelayError(
      "E_INPUT",
      "input plan is not a release plan",
      "pass the `plan` output of build-matrix unchanged",
    );
  }
  return result.data;
}

/** Hashes every artifact (and the tag's source archive when the plan lists one); writes SHA256SUMS, sidecars, hashes.json. */
export async function runComputeHashes(
  settings: ComputeHashesSettings,
  workspace: string,
): Promise<ComputeHashesResult> {
  const plan = parsePlan(settings.plan);
  const source = plan?.artifacts.find((a) => a.kind === "source-archive");
  // The source archive is downloaded beside the artifacts: a rerun's glob must not take it for one.
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
  const planned = new Map((plan?.artifacts ?? []).map((a) => [a.name, a]));
  if (plan) {
    const names = new Set(files.map((f) => basename(f)));
    const unplanned = [...names].filter((n) => planned.get(n)?.kind !== "binary");
    const missing = plan.artifacts
      .filter((a) => a.kind === "binary" && !names.has(a.name))
      .map((a) => a.name);
    if (unplanned.length > 0 || missing.length > 0) {
      throw new ReleaseRelayError(
        "E_INPUT",
        [
          missing.length ? `missing artifacts: ${missing.join(", ")}` : "",
          unplanned.length ? `artifacts not in the plan: ${unplanned.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join("; "),
        "every target of the build matrix must produce exactly its planned artifact; rerun the failed builds",
      );
    }
  }
  if (plan) {
    // A file is taken only from its own target's artifact: another upload of the run cannot stand in.
    const misplaced = misplacedArtifacts(
      files.map((f) => {
        const container = basename(dirname(f));
        return { name: basename(f), artifact: container.startsWith("build-") ? container : undefined };
      }),
      plan,
    );
    if (misplaced.length > 0)
      throw new ReleaseRelayError(
        "E_INPUT",
        `artifacts from the wrong build: ${misplaced.join("; ")}`,
        "each target's build uploads only build-<target>-<commit>; rerun with the build stage, and look for what else uploaded build-* artifacts",
      );
  }
  const digests = await hashFiles(files, settings.algorithms);
  await mkdir(outputDir, { recursive: true });
  const hashes: ArtifactHash[] = digests.map((d) => {
    const name = basename(d.path);
    const p = planned.get(name);
    return {
      name,
      kind: "binary",
      size: d.size,
      sha256: d.sha256 as string,
      ...(d.sha512 ? { sha512: d.sha512 } : {}),
      ...(p?.key ? { key: p.key } : {}),
      ...(p?.url ? { url: p.url } : {}),
    };
  });
  if (source) {
    const path = join(outputDir, source.name);
    await downloadToFile(source.url, path);
    // The archive is served by tag name: a tag moved since the request would publish another commit's
    // source beside binaries built from the requested one.
    const archived = archiveCommit(await gunzipHead(path));
    if (plan && archived && archived !== plan.commit)
      throw new ReleaseRelayError(
        "E_TAMPERED",
        `the source archive of tag ${plan.tag} (${source.url}) is of commit ${archived}, not ${plan.commit}, the commit this release built: the tag moved after the release was requested`,
        `put the tag back on ${plan.commit}, or yank ${plan.version} and release a new version from the new commit`,
      );
    const d = await hashFile(path, settings.algorithms);
    hashes.unshift({
      name: source.name,
      kind: "source-archive",
      size: d.size,
      sha256: d.sha256 as string,
      ...(d.sha512 ? { sha512: d.sha512 } : {}),
      ...(source.key ? { key: source.key } : {}),
      url: source.url,
    });
  }
  const checksums = renderChecksums(hashes.map((h) => ({ name: h.name, digest: h.sha256 })));
  const checksumsFile = join(outputDir, "SHA256SUMS");
  await writeFile(checksumsFile, checksums);
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
  const own = await hashFile(checksumsFile);
  hashes.push({
    name: "SHA256SUMS",
    kind: "checksums",
    size: own.size,
    sha256: own.sha256 as string,
    ...(plan ? { key: plan.checksums.key, url: plan.checksums.url } : {}),
  });
  const hashesFile = join(outputDir, "hashes.json");
  await writeFile(hashesFile, `${JSON.stringify(hashes, null, 2)}\n`);
  return { hashes, checksumsFile, hashesFile };
}

/** Entry point of actions/compute-hashes. */
export async function main(): Promise<void> {
  const settings = readInputs(inputsSchema, INPUTS);
  const result = await runComputeHashes(settings, process.env.GITHUB_WORKSPACE ?? process.cwd());
  core.setOutput("hashes", JSON.stringify(result.hashes));
  core.setOutput("checksums-file", result.checksumsFile);
  core.setOutput("hashes-file", result.hashesFile);
  const rows = result.hashes.map((h) => `| \`${h.name}\` | ${h.kind} | ${h.size} | \`${h.sha256}\` |`);
  await core.summary
    .addRaw(
      `## Hashes\n\n| File | Kind | Bytes | SHA-256 |\n| --- | --- | --- | --- |\n${rows.join("\n")}\n`,
    )
    .write();
}
