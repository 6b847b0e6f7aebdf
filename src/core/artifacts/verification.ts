import type { ChecksumLine } from "./checksums.js";

/** What was found about one file of a release directory. */
export interface FileFacts {
  name: string;
  sha256: string;
  /** Result of verifying its detached signature, if it has one. */
  signature?: { ok: boolean; reason: string };
}

/** The verdict on one file. */
export interface VerifyRow {
  name: string;
  status:
    | "ok"
    | "hash-mismatch"
    | "missing"
    | "not-listed"
    | "bad-signature"
    | "unsigned"
    | "bad-provenance"
    | "no-provenance";
  detail: string;
}

// Files that describe a release rather than being part of it.
const METADATA =
  /(^SHA(256|512)SUMS$|\.(asc|minisig|sha256|sha512|intoto\.jsonl)$|^hashes(\.published)?\.json$|^minisign\.pub$|^release-key\.(asc|pem)$)/;

/** Whether a file is one release-relay writes about a release (checksums, signatures, keys, manifests) rather than an artifact. */
export function isReleaseMetadata(name: string): boolean {
  return METADATA.test(name);
}

/**
 * Judges a release directory: every artifact listed in SHA256SUMS with a matching hash, nothing
 * unlisted, and — when the release is signed — a valid signature for every artifact and for SHA256SUMS.
 */
export function judgeRelease(
  checksums: readonly ChecksumLine[],
  files: readonly FileFacts[],
  checksumsSignature: { ok: boolean; reason: string } | undefined,
): { ok: boolean; rows: VerifyRow[] } {
  const byName = new Map(files.map((f) => [f.name, f]));
  const signed = checksumsSignature !== undefined || files.some((f) => f.signature);
  const rows: VerifyRow[] = [];
  for (const line of checksums) {
    const file = byName.get(line.name);
    if (!file)
      rows.push({ name: line.name, status: "missing", detail: "listed in SHA256SUMS but not present" });
    else if (file.sha256 !== line.digest)
      rows.push({
        name: line.name,
        status: "hash-mismatch",
        detail: `sha256 ${file.sha256}, SHA256SUMS says ${line.digest}`,
      });
    else if (signed && !file.signature)
      rows.push({ name: line.name, status: "unsigned", detail: "no .asc or .minisig beside it" });
    else if (file.signature && !file.signature.ok)
      rows.push({ name: line.name, status: "bad-signature", detail: file.signature.reason });
    else
      rows.push({
        name: line.name,
        status: "ok",
        detail: file.signature ? file.signature.reason : "sha256 matches",
      });
  }
  for (const f of files) {
    if (!isReleaseMetadata(f.name) && !checksums.some((c) => c.name === f.name)) {
      rows.push({ name: f.name, status: "not-listed", detail: "present but not in SHA256SUMS" });
    }
  }
  if (signed) {
    rows.push(
      !checksumsSignature
        ? { name: "SHA256SUMS", status: "unsigned", detail: "no signature of the checksums file" }
        : {
            name: "SHA256SUMS",
            status: checksumsSignature.ok ? "ok" : "bad-signature",
            detail: checksumsSignature.reason,
          },
    );
  }
  return { ok: rows.every((r) => r.status === "ok") && checksums.length > 0, rows };
}
