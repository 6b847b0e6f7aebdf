import { z } from "zod";

/**
 * What a downstream repo holds, which picks its starter edit: given to init (`kind`, or
 * `--downstream NAME=OWNER/REPO:KIND`), else guessed from the downstream's name.
 */
export const STARTER_DOWNSTREAM_KINDS = ["hashes", "container", "website", "other"] as const;

export const starterDownstreamKindSchema = z.enum(STARTER_DOWNSTREAM_KINDS, {
  error: (issue) =>
    `expected a kind of downstream: ${STARTER_DOWNSTREAM_KINDS.join(", ")}${issue.input === undefined ? "" : `, got ${JSON.stringify(issue.input)}`}`,
});

export type StarterDownstreamKind = z.infer<typeof starterDownstreamKindSchema>;

// The names projects give these repos (e.g. acme-hashes, acme-container, acme.github.io):
// the starter edit then fits what such a repo holds instead of one edit for every repo.
const KIND_BY_NAME: [RegExp, StarterDownstreamKind][] = [
  [/hash|checksum|sums/, "hashes"],
  [/container|docker|image|oci/, "container"],
  [/web|site|www|docs|homepage|page/, "website"],
];

export function starterDownstreamKind(name: string): StarterDownstreamKind {
  return KIND_BY_NAME.find(([re]) => re.test(name))?.[1] ?? "other";
}

// The Dockerfile's ENV names of the version and hash, as official images spell them (e.g. ACME_VERSION).
const envPrefix = (project: string) => project.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/**
 * The `edits:` lines (indented for a downstream item) of a downstream of that kind, each with a
 * comment saying what to adapt; only placeholders every downstream may use, so the file validates.
 */
export function renderStarterEdits(kind: StarterDownstreamKind, project: string): string {
  switch (kind) {
    case "hashes":
      return `    # Appends the source archive's hash to the repo's README; adapt the file and line to its format.
    edits:
      - kind: append-line
        file: README
        line: "hash {source-archive.name} sha256 {source-archive.sha256} {source-archive.url}"
        conflict-key: "hash {source-archive.name} "`;
    case "container": {
      const env = envPrefix(project);
      return `    # Sets the version and the source archive's hash in the image's Dockerfile; adapt the file and
    # the ENV names to the repo's (one regex-replace per line, or json-set/yaml-set of a versions file).
    edits:
      - kind: regex-replace
        file: Dockerfile
        # Either ENV form (ENV NAME=value or ENV NAME value): the separator is kept as the file has it.
        pattern: '^(ENV ${env}_VERSION[= ]).*$'
        replacement: "$1{version}"
      - kind: regex-replace
        file: Dockerfile
        pattern: '^(ENV ${env}_DOWNLOAD_SHA[= ]).*$'
        replacement: "$1{source-archive.sha256}"`;
    }
    case "website":
      return `    # Creates the release's page; adapt the path and front matter to the site's generator, or name a
    # template file beside release-relay.yml (template: templates/release.md).
    edits:
      - kind: template-create
        file: "content/releases/{version}.md"
        template: |
          ---
          title: "${project} {version}"
          date: {date}
          ---

          ${project} {version}: [{source-archive.name}]({source-archive.url}), sha256 {source-archive.sha256}.
          Release notes: {release-notes-url}`;
    case "other":
      return `    # Sets the version in the repo's VERSION file; adapt the file and pattern to where the repo keeps it.
    edits:
      - kind: regex-replace
        file: VERSION
        pattern: '^\\d+\\.\\d+\\.\\d+\\S*$'
        replacement: "{version}"`;
  }
}
