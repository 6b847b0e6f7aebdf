import { ReleaseRelayError } from "../errors.js";

/** Minisign's prehashed Ed25519 (BLAKE2b-512 of the file): what `minisign -S` writes by default. */
const PREHASHED = "ED";
const KEY_ALGORITHM = "Ed";

/** A parsed `.minisig` file. */
export interface MinisignSignature {
  keyId: Buffer;
  /** Ed25519 signature of BLAKE2b-512(file). */
  signature: Buffer;
  trustedComment: string;
  /** Ed25519 signature of `signature || trustedComment`. */
  globalSignature: Buffer;
}

/** `minisign.pub`: an untrusted comment and base64("Ed" || key id || public key). */
export function formatMinisignPublicKey(keyId: Buffer, publicKey: Buffer): string {
  const id = Buffer.from(keyId).reverse().toString("hex").toUpperCase();
  return `untrusted comment: minisign public key ${id}\n${Buffer.concat([Buffer.from(KEY_ALGORITHM), keyId, publicKey]).toString("base64")}\n`;
}

/** Key id and raw 32-byte public key of a `minisign.pub` (or its base64 line alone). */
export function parseMinisignPublicKey(text: string): { keyId: Buffer; publicKey: Buffer } {
  const line =
    text
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("untrusted comment:"))
      .at(-1) ?? "";
  const raw = Buffer.from(line.trim(), "base64");
  if (raw.length !== 42 || raw.subarray(0, 2).toString() !== KEY_ALGORITHM) {
    throw new ReleaseRelayError(
      "E_INPUT",
      "not a minisign Ed25519 public key",
      "pass the minisign.pub file published with the release",
    );
  }
  return { keyId: raw.subarray(2, 10), publicKey: raw.subarray(10) };
}

/** The `.minisig` text for a signature made over BLAKE2b-512 of the file. */
export function formatMinisignSignature(sig: MinisignSignature, untrustedComment: string): string {
  return [
    `untrusted comment: ${untrustedComment}`,
    Buffer.concat([Buffer.from(PREHASHED), sig.keyId, sig.signature]).toString("base64"),
    `trusted comment: ${sig.trustedComment}`,
    sig.globalSignature.toString("base64"),
    "",
  ].join("\n");
}

/** Parses a `.minisig`; only the prehashed algorithm release-relay and current minisign write is accepted. */
export function parseMinisignSignature(text: string): MinisignSignature {
  const lines = text.split("\n");
  const raw = Buffer.from(lines[1]?.trim() ?? "", "base64");
  const trusted = lines[2] ?? "";
  const global = Buffer.from(lines[3]?.trim() ?? "", "base64");
  if (
    !lines[0]?.startsWith("untrusted comment:") ||
    raw.length !== 74 ||
    !trusted.startsWith("trusted comment: ") ||
    global.length !== 64
  ) {
    throw new ReleaseRelayError(
      "E_INPUT",
      "not a minisign signature file",
      "pass the .minisig file published with the artifact",
    );
  }
  if (raw.subarray(0, 2).toString() !== PREHASHED) {
    throw new ReleaseRelayError(
      "E_INPUT",
      "legacy (non-prehashed) minisign signature",
      "sign with `minisign -S` (prehashed) or release-relay",
    );
  }
  return {
    keyId: raw.subarray(2, 10),
    signature: raw.subarray(10),
    trustedComment: trusted.slice("trusted comment: ".length),
    globalSignature: global,
  };
}
