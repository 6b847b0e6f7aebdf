// The provenance of each built artifact, made in the publish stage: a SLSA v1 statement in a DSSE
// envelope signed with the release key, published beside the artifact. A rerun keeps the one already
// published (its run id and attempt are the first publish's): a released object never changes.
import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { readHashesFile } from "../adapters/storage/hashes-file.js";
import { gunzipHead } from "../adapters/storage/hashing.js";
import { downloadObject, headObject } from "../adapters/storage/s3.js";
import { type Signer, verifyBytes } from "../adapters/storage/signing.js";
import { archiveCommit } from "../core/artifacts/archive-commit.js";
import type { VerifyRow } from "../core/artifacts/verification.js";
import { ReleaseRelayError } from "../core/errors.js";
import {
  IN_TOTO_PAYLOAD_TYPE,
  PROVENANCE_SUFFIX,
  parseProvenance,
  preAuthEncoding,
  renderEnvelope,
  statementPayload,
} from "../core/provenance/envelope.js";
import { judgeProvenance, missingProvenance, type ProvenanceFacts } from "../core/provenance/judgement.js";
import { type BuildFacts, provenanceStatement } from "../core/provenance/statement.js";
import type { ReleasePlan } from "../core/request/plan.js";

/** The workflow run that publishes, as the runner describes it. */
export interface PublishingRun {
  workflow: BuildFacts["workflow"];
  serverUrl: string;
}

/** What the release states about one artifact's build: from the plan and the publishing run. */
export function buildFactsOf(
  plan: ReleasePlan,
  run: PublishingRun,
  artifact: { name: string; sha256: string },
): BuildFacts {
  const target = plan.artifacts.find((a) => a.name === artifact.name)?.target;
  if (!target)
    throw new ReleaseRelayError(
      "E_INPUT",
      `${artifact.name} is not a built artifact of the plan: no matrix target to state its provenance for`,
      "pass the plan output of build-matrix unchanged, the same plan compute-hashes was given",
    );
  return {
    artifact,
    source: { repo: plan.source, tag: plan.tag, commit: plan.commit },
    workflow: run.workflow,
    buildCommand: plan.buildCommand,
    target,
    serverUrl: run.serverUrl,
  };
}

/**
 * Writes `<file>.intoto.jsonl`: the envelope already published at `key` when there is one (it must be
 * this file's, of this commit, signed by this key), else a new one signed by `signer`.
 */
export async function writeProvenance(
  file: string,
  facts: BuildFacts,
  signer: Signer,
  publicKeyText: string,
  published: { s3: S3Client; bucket: string; key: string },
): Promise<string> {
  const out = `${file}${PROVENANCE_SUFFIX}`;
  if (await headObject(published.s3, published.bucket, published.key)) {
    await downloadObject(published.s3, published.bucket, published.key, out);
    const kept = parseProvenance(await readFile(out, "utf8"), `s3 object ${published.key}`);
    const subject = kept.statement.subject[0];
    const commit = kept.statement.predicate.buildDefinition.externalParameters.source.commit;
    const signature = await verifyBytes(kept.signed, kept.sig, publicKeyText);
    const problem = !signature.ok
      ? `its signature does not verify with this key (${signature.reason})`
      : subject?.name !== facts.artifact.name || subject.digest.sha256 !== facts.artifact.sha256
        ? `it is of ${subject?.name} sha256 ${subject?.digest.sha256}, not of this ${basename(file)}`
        : commit !== facts.source.commit
          ? `it names commit ${commit}, not ${facts.source.commit}`
          : undefined;
    if (problem)
      throw new ReleaseRelayError(
        "E_IMMUTABLE",
        `s3 object ${published.key} is not this release's provenance of ${facts.artifact.name}: ${problem}`,
        "a released provenance never changes: investigate who wrote it",
      );
    return out;
  }
  const payload = statementPayload(provenanceStatement(facts));
  const signature = await signer.signBytes(preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload));
  await writeFile(out, renderEnvelope(payload, signature));
  return out;
}

/** Where verify reads the tag's commit from: `--commit`, else the source archive SHA256SUMS lists. */
async function tagCommit(
  dir: string,
  candidates: readonly string[],
  given: string | undefined,
): Promise<{ sha: string; from: string } | undefined> {
  if (given) return { sha: given, from: "--commit" };
  for (const name of candidates) {
    // GitHub's source archive is made by git archive, which writes the commit into it; its bytes are
    // the ones the signed SHA256SUMS lists, so the commit read there is the release's.
    const sha = await gunzipHead(join(dir, name)).then(archiveCommit, () => undefined);
    if (sha) return { sha, from: `the source archive ${name}` };
  }
  return undefined;
}

/**
 * verify's rows for the provenance in a release directory: each `.intoto.jsonl` judged, and each file
 * the release's hashes.json lists as built and has no provenance of, when the release has any.
 */
export async function provenanceRows(
  dir: string,
  files: ReadonlyMap<string, string>,
  listed: ReadonlySet<string>,
  publicKeyText: string | undefined,
  commitOption: string | undefined,
): Promise<VerifyRow[]> {
  const present = [...files.keys()].filter((n) => n.endsWith(PROVENANCE_SUFFIX)).sort();
  const manifest = files.has("hashes.json")
    ? await readHashesFile(
        join(dir, "hashes.json"),
        "hashes.json",
        "use the hashes.json the release published",
      )
    : undefined;
  // A release published before provenance (or without a plan) has none to check: provenance is
  // required once the release lists any, or any is in the directory.
  const listsProvenance = (manifest ?? []).some((h) => h.name.endsWith(PROVENANCE_SUFFIX));
  if (present.length === 0 && !listsProvenance) return [];
  const built = (manifest ?? []).filter((h) => h.kind === "binary").map((h) => h.name);
  const archives = manifest
    ? manifest.filter((h) => h.kind === "source-archive").map((h) => h.name)
    : [...listed].filter((n) => n.endsWith(".tar.gz"));
  const commit = await tagCommit(dir, archives, commitOption);
  const rows: VerifyRow[] = [];
  for (const file of present) {
    let facts: ProvenanceFacts;
    try {
      const parsed = parseProvenance(await readFile(join(dir, file), "utf8"), file);
      facts = {
        file,
        statement: parsed.statement,
        signature: publicKeyText
          ? await verifyBytes(parsed.signed, parsed.sig, publicKeyText)
          : { ok: false, reason: "no public key to check it with" },
      };
    } catch (e) {
      if (!(e instanceof ReleaseRelayError)) throw e;
      facts = { file, statement: { malformed: e.message } };
    }
    rows.push(judgeProvenance(facts, { files, listed, commit }));
  }
  rows.push(...missingProvenance(built, new Set(present)));
  return rows;
}
