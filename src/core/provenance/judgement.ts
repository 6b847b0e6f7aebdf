// What verify holds each provenance file to: it is of the file beside it (name and sha256), that file
// is in the signed SHA256SUMS, it names the tag's commit, and the release key signed it.
import type { VerifyRow } from "../artifacts/verification.js";
import { PROVENANCE_SUFFIX } from "./envelope.js";
import type { ProvenanceStatement } from "./statement.js";

/** One provenance file as verify found it. */
export interface ProvenanceFacts {
  /** The `.intoto.jsonl` file's name. */
  file: string;
  /** Its statement, or why it could not be read. */
  statement: ProvenanceStatement | { malformed: string };
  /** Its envelope's signature checked with the release key (absent when it could not be read). */
  signature?: { ok: boolean; reason: string };
}

/** What verify knows to hold the provenance to. */
export interface ProvenanceExpectations {
  /** sha256 of each file in the directory, by name. */
  files: ReadonlyMap<string, string>;
  /** The names SHA256SUMS lists (its signature covers them). */
  listed: ReadonlySet<string>;
  /** The commit the release's tag points at, from a source it trusts; undefined: not known. */
  commit: { sha: string; from: string } | undefined;
}

const short = (sha: string) => sha.slice(0, 12);

/** The verdict on one provenance file. */
export function judgeProvenance(p: ProvenanceFacts, expect: ProvenanceExpectations): VerifyRow {
  const fail = (detail: string): VerifyRow => ({ name: p.file, status: "bad-provenance", detail });
  if ("malformed" in p.statement) return fail(p.statement.malformed);
  const [subject] = p.statement.subject as [ProvenanceStatement["subject"][number]];
  const artifact = p.file.slice(0, -PROVENANCE_SUFFIX.length);
  if (subject.name !== artifact)
    return fail(`it is the provenance of ${subject.name}, not of ${artifact}: another file's provenance`);
  const actual = expect.files.get(artifact);
  if (actual === undefined) return fail(`${artifact} is not in the directory`);
  if (!expect.listed.has(artifact)) return fail(`${artifact} is not listed in SHA256SUMS`);
  if (subject.digest.sha256 !== actual)
    return fail(
      `it names sha256 ${short(subject.digest.sha256)}…, but ${artifact} is ${short(actual)}…: another build's provenance`,
    );
  const build = p.statement.predicate.buildDefinition;
  const commit = build.externalParameters.source.commit;
  if (build.resolvedDependencies.some((d) => d.digest.gitCommit !== commit))
    return fail(`its source commit ${short(commit)} and resolved dependencies disagree`);
  if (!expect.commit)
    return fail(
      `the tag's commit is not known to check its commit ${short(commit)} against: pass --commit $(git rev-parse ${build.externalParameters.source.tag}^{commit})`,
    );
  if (commit !== expect.commit.sha)
    return fail(
      `it names commit ${commit}, but tag ${build.externalParameters.source.tag} is ${expect.commit.sha} (${expect.commit.from}): built from another commit`,
    );
  if (!p.signature) return { name: p.file, status: "unsigned", detail: "no signature to check" };
  if (!p.signature.ok) return { name: p.file, status: "bad-signature", detail: p.signature.reason };
  return {
    name: p.file,
    status: "ok",
    detail: `${artifact} built from ${short(commit)} (${build.externalParameters.source.tag}) for ${build.externalParameters.target}; ${p.signature.reason}`,
  };
}

/** Rows for the artifacts that must have a provenance beside them and have none. */
export function missingProvenance(required: readonly string[], present: ReadonlySet<string>): VerifyRow[] {
  return required
    .filter((name) => !present.has(`${name}${PROVENANCE_SUFFIX}`))
    .map((name) => ({
      name: `${name}${PROVENANCE_SUFFIX}`,
      status: "no-provenance" as const,
      detail: `the release lists ${name} as built but publishes no provenance of it`,
    }));
}
