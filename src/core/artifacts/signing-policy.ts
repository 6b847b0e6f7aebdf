// What the release signs, and with what: the config's signing method decides; a method that signs
// needs its key, and a signature already published is kept only if it is valid for the file.
import type { Config } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";

/** The signing method to sign with, given the key the step received; undefined when nothing is signed. */
export function signingMethod(
  signing: Config["signing"],
  key: string | undefined,
): { method: "gpg" | "ed25519"; key: string } | undefined {
  if (signing.method === "none") return undefined;
  if (!key)
    throw new ReleaseRelayError(
      "E_INPUT",
      `signing.method is ${signing.method} but no signing-key was given`,
      `pass secrets.${signing.keySecret} as signing-key`,
    );
  return { method: signing.method, key };
}

/**
 * The trusted comment signed with each file (minisign shows it on verification): the project,
 * version, file name and the digest compute-hashes took.
 */
export const signedComment = (project: string, version: string, name: string, sha256: string): string =>
  `${project} ${version} ${name} sha256:${sha256}`;

/** A signature's key: its file's key with the suffix the signer gave the signature file (`.asc`, `.minisig`). */
export const signatureKey = (fileKey: string, file: string, signatureFile: string): string =>
  `${fileKey}${signatureFile.slice(file.length)}`;

/** A released signature never changes: one already published must be valid for this file and key. */
export function checkPublishedSignature(
  key: string,
  name: string,
  check: { ok: boolean; reason?: string | undefined },
): void {
  if (!check.ok)
    throw new ReleaseRelayError(
      "E_IMMUTABLE",
      `s3 object ${key} is not a valid signature of ${name} by this key (${check.reason})`,
      "a released signature never changes: investigate who wrote it",
    );
}
