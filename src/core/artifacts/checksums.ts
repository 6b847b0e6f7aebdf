import { z } from "zod";
import { ReleaseRelayError } from "../errors.js";
import { parseJsonInput } from "../inputs/json-input.js";
import { describeIssues } from "../inputs/validation-issues.js";

/** One published file of a release, as `hashes.json` lists it. */
export const artifactHashSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/),
  kind: z.enum(["source-archive", "binary", "checksums", "signature"]),
  size: z.number().int().nonnegative(),
  // An all-zero digest is a placeholder someone committed, never the hash of a real file.
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .refine((h) => !/^0+$/.test(h), { error: "an all-zero sha256 is not a real hash" }),
  sha512: z
    .string()
    .regex(/^[0-9a-f]{128}$/)
    .optional(),
  key: z.string().optional(),
  url: z.string().optional(),
});

export const hashesFileSchema = z.array(artifactHashSchema);
export type ArtifactHash = z.infer<typeof artifactHashSchema>;

/** What fixes a hashes file that does not parse, unless its reader knows better. */
export const HASHES_FILE_HINT = "pass the hashes.json that compute-hashes wrote, unchanged";

/**
 * The one reading of a hashes.json (compute-hashes' output, or the manifest sign-upload published):
 * it decides every key and digest published, so every problem is named, where it is. `source` says
 * which file it is (`hashes-file dist/hashes.json`).
 */
export function parseHashesFile(text: string, source: string, hint = HASHES_FILE_HINT): ArtifactHash[] {
  const raw = parseJsonInput(text, z.unknown(), source, hint);
  const parsed = hashesFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success)
    throw new ReleaseRelayError(
      "E_INPUT",
      `${source} is not valid, not what compute-hashes writes:\n${describeIssues(parsed.error.issues)
        .map((l) => `  ${l}`)
        .join("\n")}`,
      hint,
    );
  return parsed.data;
}

/** `SHA256SUMS` in the format `sha256sum -c` reads: `<hex>  <name>`, sorted by name (bytewise), LF. */
export function renderChecksums(entries: readonly { name: string; digest: string }[]): string {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [i, e] of sorted.entries()) {
    if (/[\\\n\r]/.test(e.name)) {
      // sha256sum escapes such names with a leading backslash; release names never need it.
      throw new ReleaseRelayError(
        "E_INPUT",
        `artifact name ${JSON.stringify(e.name)} has a backslash or newline`,
        "rename the artifact",
      );
    }
    if (i > 0 && sorted[i - 1]?.name === e.name) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `two artifacts are named ${e.name}`,
        "give every artifact a distinct file name",
      );
    }
  }
  return sorted.map((e) => `${e.digest}  ${e.name}\n`).join("");
}

/** One line of a checksums file. */
export interface ChecksumLine {
  name: string;
  digest: string;
  binary: boolean;
}

/** Parses `SHA256SUMS` / `SHA512SUMS` (text `  ` or binary ` *` markers); refuses anything else. */
export function parseChecksums(text: string, algorithm: "sha256" | "sha512" = "sha256"): ChecksumLine[] {
  const hexLength = algorithm === "sha256" ? 64 : 128;
  const re = new RegExp(`^([0-9a-f]{${hexLength}}) ([ *])(.+)$`);
  return text
    .split("\n")
    .filter((line, i, all) => line !== "" || i < all.length - 1)
    .map((line, i) => {
      const m = re.exec(line);
      if (!m) {
        throw new ReleaseRelayError(
          "E_INPUT",
          `checksums line ${i + 1} is not "<${algorithm} hex>  <file>": ${JSON.stringify(line.slice(0, 80))}`,
          "use the checksums file the release published, unmodified",
        );
      }
      return { digest: m[1] as string, binary: m[2] === "*", name: m[3] as string };
    });
}
