// actions/attest-build-provenance has no local counterpart: Sigstore and GitHub's attestations API are
// not here. Its stand-in checks what the real one needs and records what it would attest (each subject's
// name and sha256, and the run), for the rehearsal's report.
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { ReleaseRelayError } from "../../../core/errors.js";
import { globRegExp } from "../../../core/setup/filter-glob.js";

/** What of the job the stand-in reads (a stand-in call's fields). */
interface AttestCall {
  host: { workDir: string };
  repo: string;
  runId: number;
  workspace: string;
  inputs: Record<string, string>;
  permissions: Record<string, string> | "none";
  where: string;
}

/** Where the stand-in records a run's attestations: one JSON line per subject. */
export const attestationsFile = (workDir: string, repo: string, runId: number | string): string =>
  join(workDir, "attestations", repo.replace("/", "__"), `${runId}.jsonl`);

/** One subject the stand-in would have attested. */
export interface RecordedAttestation {
  subject: { name: string; digest: { sha256: string } };
  predicateType: "https://slsa.dev/provenance/v1";
  repository: string;
  runId: number;
}

/** The files a `subject-path` names: paths or globs (`*` within one path part), one per line or comma. */
function subjectFiles(workspace: string, patterns: string): string[] {
  const found: string[] = [];
  for (const pattern of patterns
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    let paths = [resolve(workspace)];
    for (const part of pattern.split("/").filter(Boolean)) {
      const re = globRegExp(part);
      paths = paths.flatMap((dir) =>
        !part.includes("*")
          ? existsSync(join(dir, part))
            ? [join(dir, part)]
            : []
          : existsSync(dir) && statSync(dir).isDirectory()
            ? readdirSync(dir)
                .filter((n) => re.test(n))
                .map((n) => join(dir, n))
            : [],
      );
    }
    found.push(...paths.filter((p) => statSync(p).isFile()));
  }
  return found;
}

/**
 * The job needs `id-token: write` (the Sigstore certificate) and `attestations: write` (GitHub's
 * attestations API), and a subject-path that names files ("Using artifact attestations to establish
 * provenance for builds", GitHub Docs:
 * https://docs.github.com/en/actions/security-for-github-actions/using-artifact-attestations/using-artifact-attestations-to-establish-provenance-for-builds).
 */
export async function attestBuildProvenance(call: AttestCall): Promise<{
  outputs: Record<string, string>;
  env: Record<string, string>;
  masks: string[];
  log: string;
}> {
  const fail = (message: string, hint: string): never => {
    throw new ReleaseRelayError("E_RUNNER_STEP", `${call.where}: ${message}`, hint);
  };
  const perms = call.permissions === "none" ? {} : call.permissions;
  if (perms["id-token"] !== "write")
    fail("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable", "give the job id-token: write");
  if (perms.attestations !== "write")
    fail(
      "Failed to persist attestation: Resource not accessible by integration",
      "give the job attestations: write",
    );
  const pattern = call.inputs["subject-path"] ?? "";
  if (!pattern)
    fail("One of subject-path, subject-digest or subject-checksums must be provided", "set subject-path");
  const files = subjectFiles(call.workspace, pattern);
  if (files.length === 0)
    fail(`Could not find subject at path ${pattern}`, "attest the files the build made");
  const recorded: RecordedAttestation[] = files.map((f) => ({
    subject: {
      name: basename(f),
      digest: { sha256: createHash("sha256").update(readFileSync(f)).digest("hex") },
    },
    predicateType: "https://slsa.dev/provenance/v1",
    repository: call.repo,
    runId: call.runId,
  }));
  const out = attestationsFile(call.host.workDir, call.repo, call.runId);
  mkdirSync(join(out, ".."), { recursive: true });
  appendFileSync(out, recorded.map((r) => `${JSON.stringify(r)}\n`).join(""));
  return {
    outputs: { "bundle-path": out, "attestation-id": `${call.runId}`, "attestation-url": "" },
    env: {},
    masks: [],
    log: `Would attest ${recorded.length} subject(s) (no Sigstore or attestations API here): ${recorded.map((r) => r.subject.name).join(", ")}\n`,
  };
}

/** Every attestation the stand-in recorded under the runner's work directory, run by run. */
export function recordedAttestations(workDir: string): RecordedAttestation[] {
  const root = join(workDir, "attestations");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".jsonl"))
    .flatMap((e) =>
      readFileSync(join(e.parentPath, e.name), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedAttestation),
    );
}
