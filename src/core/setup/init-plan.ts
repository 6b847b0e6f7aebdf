import { z } from "zod";
import { regexSource } from "../config/regex-source.js";
import { configFieldsSchema, mentionSchema, repoNameSchema } from "../config/schema.js";
import { kebabObject } from "../inputs/kebab-object.js";
import { renderStarterEdits, starterDownstreamKind, starterDownstreamKindSchema } from "./starter-edits.js";

/** A downstream's name in release-relay.yml, its branch names and its `--downstream-dir NAME=…`. */
export const downstreamNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, {
  error: "expected a downstream name: a lowercase letter, then lowercase letters, digits and - (e.g. hashes)",
});

/** One downstream: its kind picks its starter edit; without one it is guessed from the name. */
export const initDownstreamSchema = z.strictObject({
  name: downstreamNameSchema,
  repo: repoNameSchema,
  kind: starterDownstreamKindSchema.optional(),
});

/** A checkout to write into: a directory path, relative to where init runs. */
const checkoutDirSchema = z.string().min(1, { error: "expected a directory (a checkout of the repo)" });

// The workflow's tag filter is derived from it, and the version is read from its group.
export const initTagPatternSchema = regexSource
  .refine((p) => p.includes("(?<version>"), {
    error:
      'expected a (?<version>…) group naming the version inside the tag, e.g. "^v(?<version>\\d+\\.\\d+\\.\\d+)$"',
  })
  .default(() => configFieldsSchema.in.shape.tags.parse(undefined).pattern);

/**
 * What `release-relay init` is told, by flags, an answers file (`--answers`, the same keys) or its
 * questions: the project's names, and the checkouts to write into. Nothing else is project-specific.
 */
export const initAnswersSchema = kebabObject({
  project: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: "expected a project name (letters, digits, . _ -)",
  }),
  source: repoNameSchema,
  automation: repoNameSchema,
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    error: "expected an S3 bucket name (3 to 63 lowercase letters, digits, . and -)",
  }),
  downstream: z
    .array(initDownstreamSchema)
    .default([])
    .refine((ds) => new Set(ds.map((d) => d.name)).size === ds.length, {
      error: "expected each downstream name once",
    }),
  notify: z.array(mentionSchema).default([]),
  "tag-pattern": initTagPatternSchema,
  "main-dir": checkoutDirSchema.optional(),
  "automation-dir": checkoutDirSchema.optional(),
  "downstream-dir": z.record(downstreamNameSchema, checkoutDirSchema).optional(),
});

export type InitAnswers = z.infer<typeof initAnswersSchema>;

/**
 * A starting `release-relay.yml` with the project's names; every downstream starts in dry-run, with
 * an edit that fits its kind (hashes, container, website, other): the one given, else guessed from
 * its name.
 */
export function renderStarterConfig(a: InitAnswers): string {
  const downstream = a.downstream.length
    ? a.downstream
        .map(
          (d) => `  - name: ${d.name}
    repo: ${d.repo}
    # dry-run writes the PR's diff into the job summary; switch to pr once it looks right.
    mode: dry-run
${renderStarterEdits(d.kind ?? starterDownstreamKind(d.name), a.project)}`,
        )
        .join("\n")
    : "  []";
  return `# release-relay.yml — written by release-relay init. Schema: release-relay schema.
project: ${a.project}

source:
  repo: ${a.source}
  archive: "${a.project}-{version}.tar.gz"

tags:
  pattern: ${JSON.stringify(a.tagPattern)}

build:
  # Write the project's build here. It runs in a checkout of the tag on each target's runner, gets
  # VERSION, GIT_COMMIT, SOURCE_DATE_EPOCH, TARGET_OS, TARGET_ARCH, TARGET_DISTRO, and must install
  # the program into $STAGING_DIR and pack it as $ARTIFACT_DIR/$ARTIFACT_NAME, e.g.
  #   make && make PREFIX="$STAGING_DIR" install && tar -czf "$ARTIFACT_DIR/$ARTIFACT_NAME" -C "$STAGING_DIR" .
  # compute-hashes refuses an archive with no files, and one file built for two targets (unless
  # the target says architecture-independent: true), before anything is signed.
  command: |
    echo 'edit build.command in release-relay.yml: build for $TARGET_OS/$TARGET_ARCH, install into $STAGING_DIR, pack it as $ARTIFACT_DIR/$ARTIFACT_NAME' >&2
    exit 1
  targets:
    - { os: linux, arch: x86_64, distro: noble, runner: ubuntu-24.04 }
    - { os: linux, arch: arm64, distro: noble, runner: ubuntu-24.04-arm }
  artifact: "${a.project}-{version}-{distro}-{arch}.tar.gz"

# The project's smoke test, on each target's runner against the tarball it built, before anything
# is signed or public; it gets ARTIFACT_PATH, QUALIFY_DIR (empty), VERSION and TARGET_*. This one
# checks only that the tarball unpacks to a program: put the project's own check after it, e.g.
#   "$QUALIFY_DIR/bin/${a.project}" --version | grep -F "$VERSION"
qualify:
  command: |
    tar -xzf "$ARTIFACT_PATH" -C "$QUALIFY_DIR"
    if [ -z "$(find "$QUALIFY_DIR" -type f -perm -u+x -print -quit)" ]; then
      echo "no program in $ARTIFACT_NAME: fix build.command, or edit qualify.command in release-relay.yml to check what the project ships" >&2
      exit 1
    fi
  timeout-minutes: 15

signing:
  method: ed25519
  key-secret: RELEASE_SIGNING_KEY

upload:
  bucket: ${a.bucket}
  prefix: releases/

downstream:
${downstream}

# A GitHub Release for each tag on ${a.source}, published once every stage is done, its notes the
# version's section of CHANGELOG.md ("## 1.2.1"). It needs the release App on ${a.source} with
# Contents read & write; uncomment to keep one (mode: draft leaves it for people to publish).
# assets: upload also attaches the files to it (links to the bucket by default).
# github-release:
#   mode: publish
#   assets: links
#   notes:
#     file: CHANGELOG.md

# Who may send each event to ${a.automation}: GitHub names the account behind the token that sent it,
# a GitHub App as "name[bot]". release-requested: the dispatch App of ${a.source}
# (RELEASE_RELAY_DISPATCH_APP_ID); downstream-report: the report App of the downstream repos
# (RELEASE_RELAY_REPORT_APP_ID). Anything else is refused; a refusal names the sender it saw.
senders:
  release-requested: ["${a.project}-release-requester[bot]"]
  downstream-report: ["${a.project}-release-reporter[bot]"]

tracking:
  repo: ${a.automation}
  labels: [release]
  notify: [${a.notify.map((n) => JSON.stringify(n)).join(", ")}]
`;
}
