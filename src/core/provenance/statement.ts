// The SLSA v1 provenance statement of one artifact: what was built (name and digest), from which
// source (repo, tag, commit), by which workflow run and command, for which matrix target. Nothing in
// it depends on when it is made, so the same release always states the same thing.
import { z } from "zod";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
/** What externalParameters mean (described in README, "Provenance"). */
export const BUILD_TYPE = "https://github.com/release-relay/release-relay/blob/main/README.md#provenance";

/** What the release knows about one artifact's build when it publishes it. */
export interface BuildFacts {
  artifact: { name: string; sha256: string };
  /** The source repo (`owner/name`), the release tag and the commit the tag points at. */
  source: { repo: string; tag: string; commit: string };
  /** The release workflow run that signed and published the artifact. */
  workflow: { repo: string; path: string; ref: string; runId: string; attempt: string };
  buildCommand: string;
  /** The matrix target the artifact was built for. */
  target: string;
  /** GitHub's web address (`https://github.com`, or a GitHub Enterprise host). */
  serverUrl: string;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const commitHex = z.string().regex(/^[0-9a-f]{40}$/);

/** The statement as release-relay writes it; read back from outside, so every field is checked. */
export const provenanceStatementSchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z
    .array(z.object({ name: z.string().min(1), digest: z.object({ sha256: sha256Hex }) }))
    .length(1, { error: "release-relay states one subject per provenance" }),
  predicateType: z.literal(SLSA_PROVENANCE_V1),
  predicate: z.object({
    buildDefinition: z.object({
      buildType: z.string(),
      externalParameters: z.object({
        workflow: z.object({ repository: z.string(), path: z.string(), ref: z.string() }),
        source: z.object({ repository: z.string(), tag: z.string(), commit: commitHex }),
        buildCommand: z.string(),
        target: z.string(),
      }),
      resolvedDependencies: z.array(
        z.object({ uri: z.string(), digest: z.object({ gitCommit: commitHex }) }),
      ),
    }),
    runDetails: z.object({
      builder: z.object({ id: z.string() }),
      metadata: z.object({ invocationId: z.string() }),
    }),
  }),
});

export type ProvenanceStatement = z.infer<typeof provenanceStatementSchema>;

/** The statement for one artifact. */
export function provenanceStatement(facts: BuildFacts): ProvenanceStatement {
  const server = facts.serverUrl.replace(/\/+$/, "");
  const w = facts.workflow;
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: facts.artifact.name, digest: { sha256: facts.artifact.sha256 } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          workflow: { repository: `${server}/${w.repo}`, path: w.path, ref: w.ref },
          source: {
            repository: `${server}/${facts.source.repo}`,
            tag: facts.source.tag,
            commit: facts.source.commit,
          },
          buildCommand: facts.buildCommand,
          target: facts.target,
        },
        resolvedDependencies: [
          {
            uri: `git+${server}/${facts.source.repo}@refs/tags/${facts.source.tag}`,
            digest: { gitCommit: facts.source.commit },
          },
        ],
      },
      runDetails: {
        // The same form as GitHub's own attestations: the workflow file at its ref builds.
        builder: { id: `${server}/${w.repo}/${w.path}@${w.ref}` },
        metadata: { invocationId: `${server}/${w.repo}/actions/runs/${w.runId}/attempts/${w.attempt}` },
      },
    },
  };
}

/**
 * The workflow file and ref from GITHUB_WORKFLOW_REF (`owner/repo/.github/workflows/release.yml@refs/heads/main`,
 * "Variables reference", GitHub Docs); undefined when it is not of that form.
 */
export function parseWorkflowRef(
  workflowRef: string,
): { repo: string; path: string; ref: string } | undefined {
  const m = /^([^/\s]+\/[^/\s]+)\/([^@\s]+)@(\S+)$/.exec(workflowRef);
  return m ? { repo: m[1] as string, path: m[2] as string, ref: m[3] as string } : undefined;
}
