// The GitHub Release's body: the version's notes, then every file the release published (from the
// published hashes.json, whatever kinds it lists), how to verify them, the container tags and the
// download page. Every link is one the tracking issue would show (safe-links).
import { size } from "../dashboard/human-units.js";
import {
  type AllowedLinks,
  cell,
  codeCell,
  codeSpan,
  markdownLink,
  markdownUrl,
} from "../dashboard/safe-links.js";
import { safeNotesMarkdown } from "./notes-markdown.js";
import type { ReleaseNotes } from "./release-notes.js";

/**
 * "body is too long (maximum is 125000 characters)": GitHub's limit on a release body, see
 * https://docs.github.com/en/rest/releases/releases#create-a-release (the REST reference does not
 * state the number; GitHub's 422 does).
 */
export const RELEASE_BODY_LIMIT = 125_000;

/** One file the release published, as the ledger records it from the published hashes.json. */
export interface PublishedRecord {
  name: string;
  size: number;
  sha256: string;
  url?: string | undefined;
}

export interface ReleaseBodyInput {
  version: string;
  notes: ReleaseNotes;
  /** The notes file at the tag on GitHub: where truncated or missing notes are read in full. */
  notesUrl: string;
  files: readonly PublishedRecord[];
  /** How the release is signed: which one-liner verifies a signature. */
  signing: "none" | "gpg" | "ed25519";
  /** The public key users verify with, when the release publishes one. */
  publicKeyUrl?: string | undefined;
  /** The image `docker pull` names (github-release.container-image), when the config names one. */
  containerImage?: string | undefined;
  /** The image tags the release PR sets (github-release.container-tags). */
  containerTags: readonly string[];
  /** The version's download page, from release-relay.yml (github-release.download-page). */
  downloadPage?: string | undefined;
  allowed: AllowedLinks;
  yanked?: { at: string; reason: string; by: string } | undefined;
}

function notesSection(input: ReleaseBodyInput): string {
  if (input.notes.found) return safeNotesMarkdown(input.notes.text, input.allowed);
  const where = `[${cell(input.notes.file)}](${markdownUrl(input.notesUrl)})`;
  // The release is still made: the line says where the notes were looked for.
  return input.notes.why === "no-file"
    ? `_No release notes: ${where} does not exist at this tag._`
    : `_No release notes for ${cell(input.version)}: ${where} has no section whose heading matches ${codeSpan(input.notes.heading ?? "")}._`;
}

function filesSection(input: ReleaseBodyInput): string {
  if (input.files.length === 0) return "## Downloads\n\n_Nothing published yet._";
  const rows = input.files.map(
    (f) =>
      `| ${f.url ? markdownLink(f.name, f.url, input.allowed) : `\`${f.name}\``} | ${size(f.size)} | \`${f.sha256}\` |`,
  );
  return `## Downloads\n\n| File | Size | SHA-256 |\n| --- | --- | --- |\n${rows.join("\n")}`;
}

function verifySection(input: ReleaseBodyInput): string | undefined {
  const signed = input.files.some((f) => /\.(asc|minisig)$/.test(f.name));
  if (!signed || input.signing === "none") return undefined;
  const key = input.signing === "gpg" ? "release-key.asc" : "minisign.pub";
  const keyLine = input.publicKeyUrl
    ? `The public key: ${markdownLink(key, input.publicKeyUrl, input.allowed)}.`
    : `Verify with the project's public key (${key}).`;
  const oneLiner =
    input.signing === "gpg"
      ? "gpg --import release-key.asc && gpg --verify FILE.asc FILE"
      : "minisign -Vm FILE -p minisign.pub";
  return [
    "## Verify",
    "",
    `Every file has a signature beside it (listed above). ${keyLine} With every file downloaded into one directory:`,
    "",
    "```sh",
    `npx release-relay verify --dir . --public-key ${key}`,
    oneLiner,
    "sha256sum -c SHA256SUMS --ignore-missing",
    "```",
  ].join("\n");
}

function extrasSection(input: ReleaseBodyInput): string | undefined {
  const lines: string[] = [];
  const [first] = input.containerTags;
  if (first !== undefined) {
    const tags = input.containerTags.map((t) => codeCell(t)).join(", ");
    lines.push(
      input.containerImage
        ? `Container image ${codeCell(input.containerImage)}, tags ${tags}: \`docker pull ${input.containerImage}:${first}\``
        : `Container image tags: ${tags}`,
    );
  }
  // An address release-relay.yml gives: the only page the body links besides GitHub's and the files'.
  if (input.downloadPage)
    lines.push(`Download page: [${cell(input.downloadPage)}](${markdownUrl(input.downloadPage)})`);
  return lines.length > 0 ? lines.join("\n\n") : undefined;
}

function yankedBanner(y: NonNullable<ReleaseBodyInput["yanked"]>): string {
  return `> [!CAUTION]\n> **Yanked** on ${y.at.slice(0, 10)} by ${codeCell(y.by)}: ${codeCell(y.reason)}. Do not use this release.`;
}

/** The body, at most RELEASE_BODY_LIMIT characters: too long notes are cut, with a link to the rest. */
export function renderReleaseBody(input: ReleaseBodyInput): string {
  const head = input.yanked ? `${yankedBanner(input.yanked)}\n\n` : "";
  const tail = [filesSection(input), verifySection(input), extrasSection(input)]
    .filter((s) => s !== undefined)
    .join("\n\n");
  const notes = notesSection(input);
  const whole = `${head}${notes}\n\n${tail}\n`;
  if (whole.length <= RELEASE_BODY_LIMIT) return whole;
  const cutNote = `\n\n_The notes are cut here; read them in full in [the notes file](${markdownUrl(input.notesUrl)})._`;
  const room = RELEASE_BODY_LIMIT - head.length - tail.length - cutNote.length - 12;
  if (room <= 0) return `${head}${cutNote.trim()}\n\n${tail}`.slice(0, RELEASE_BODY_LIMIT);
  // Cut at a line end, so no link or table row is left half written.
  const cut = notes.slice(0, room);
  const atLine = cut.lastIndexOf("\n");
  const kept = atLine > 0 ? cut.slice(0, atLine) : cut;
  // A code block cut open would swallow the files table: it is closed first.
  const fences = kept.split("\n").filter((l) => /^\s{0,3}(```|~~~)/.test(l)).length;
  const closed = fences % 2 === 1 ? `${kept}\n\`\`\`\`\`\`` : kept;
  return `${head}${closed}${cutNote}\n\n${tail}\n`;
}
