// The DSSE envelope that carries a provenance statement and its signature, one JSON line in
// `<artifact>.intoto.jsonl` (the in-toto attestation bundle format). What is signed is the PAE of
// the payload, never the JSON as it happens to be serialized.
import { z } from "zod";
import { ReleaseRelayError } from "../errors.js";
import { type ProvenanceStatement, provenanceStatementSchema } from "./statement.js";

export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** The suffix of a provenance file beside its artifact. */
export const PROVENANCE_SUFFIX = ".intoto.jsonl";

/** DSSE's pre-authentication encoding: `DSSEv1 <len> <type> <len> <payload>`, lengths in bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, "utf8"),
    type,
    Buffer.from(` ${payload.length} `, "utf8"),
    payload,
  ]);
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: "not base64" });

export const envelopeSchema = z.strictObject({
  payloadType: z.literal(IN_TOTO_PAYLOAD_TYPE),
  payload: base64.min(1),
  signatures: z.array(z.strictObject({ keyid: z.string(), sig: base64.min(1) })).min(1),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/** The statement's bytes as signed: its JSON, once; the envelope carries exactly these bytes. */
export const statementPayload = (statement: ProvenanceStatement): Buffer =>
  Buffer.from(JSON.stringify(statement), "utf8");

/** The `.intoto.jsonl` text: the envelope on one line. */
export function renderEnvelope(payload: Uint8Array, signature: { keyid: string; sig: Uint8Array }): string {
  const envelope: Envelope = {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: Buffer.from(payload).toString("base64"),
    signatures: [{ keyid: signature.keyid, sig: Buffer.from(signature.sig).toString("base64") }],
  };
  return `${JSON.stringify(envelope)}\n`;
}

/** A provenance file read back: its statement, the bytes signed and the signature to check. */
export interface ParsedProvenance {
  statement: ProvenanceStatement;
  /** The PAE bytes the signature is over. */
  signed: Buffer;
  keyid: string;
  sig: Buffer;
}

const malformed = (source: string, why: string) =>
  new ReleaseRelayError(
    "E_TAMPERED",
    `${source} is not a release-relay provenance: ${why}`,
    "download the .intoto.jsonl published beside the artifact, unchanged; a file that does not parse was not written by the release",
  );

/** Parses a `.intoto.jsonl` (input from outside): one DSSE envelope of a SLSA v1 statement. */
export function parseProvenance(text: string, source: string): ParsedProvenance {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length !== 1) throw malformed(source, `${lines.length} lines, not one envelope`);
  let raw: unknown;
  try {
    raw = JSON.parse(lines[0] as string);
  } catch {
    throw malformed(source, "the envelope is not JSON");
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success)
    throw malformed(source, `the envelope is not DSSE: ${envelope.error.issues[0]?.message ?? "invalid"}`);
  const payload = Buffer.from(envelope.data.payload, "base64");
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString("utf8"));
  } catch {
    throw malformed(source, "the payload is not JSON");
  }
  const parsed = provenanceStatementSchema.safeParse(statement);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformed(
      source,
      `the payload is not a SLSA v1 provenance statement (${issue?.path.join(".") || "statement"}: ${issue?.message})`,
    );
  }
  const [signature] = envelope.data.signatures as [Envelope["signatures"][number]];
  return {
    statement: parsed.data,
    signed: preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload),
    keyid: signature.keyid,
    sig: Buffer.from(signature.sig, "base64"),
  };
}
