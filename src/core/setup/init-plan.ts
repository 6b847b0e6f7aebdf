import { z } from "zod";
import { AWS_ROLES, trustedSubject } from "../config/aws-roles.js";
import { installationsOf } from "../config/installations.js";
import { regexSource } from "../config/regex-source.js";
import { configFieldsSchema, mentionSchema, repoNameSchema } from "../config/schema.js";
import { kebabObject } from "../inputs/kebab-object.js";
import { renderStarterEdits, starterDownstreamKind } from "./starter-edits.js";

/** The names a project gives `release-relay init`; nothing else is project-specific. */
export const initAnswersSchema = kebabObject({
  project: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: "expected a project name (letters, digits, . _ -)",
  }),
  source: repoNameSchema,
  automation: repoNameSchema,
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "expected an S3 bucket name" }),
  downstream: z
    .array(z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), repo: repoNameSchema }))
    .default([]),
  notify: z.array(mentionSchema).default([]),
  // The workflow's tag filter is derived from it, and the version is read from its group.
  "tag-pattern": regexSource
    .refine((p) => p.includes("(?<version>"), {
      error:
        'expected a (?<version>…) group naming the version inside the tag, e.g. "^v(?<version>\\d+\\.\\d+\\.\\d+)$"',
    })
    .default(() => configFieldsSchema.in.shape.tags.parse(undefined).pattern),
});

export type InitAnswers = z.infer<typeof initAnswersSchema>;

/**
 * A starting `release-relay.yml` with the project's names; every downstream starts in dry-run, with
 * an edit that fits its kind (hashes, container, website), guessed from its name.
 */
export function renderStarterConfig(a: InitAnswers): string {
  const downstream = a.downstream.length
    ? a.downstream
        .map(
          (d) => `  - name: ${d.name}
    repo: ${d.repo}
    # dry-run writes the PR's diff into the job summary; switch to pr once it looks right.
    mode: dry-run
${renderStarterEdits(starterDownstreamKind(d.name), a.project)}`,
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

/** One installation of the App per owner: the workflows mint one token per installation. */
function installationLines(a: InitAnswers): string[] {
  const installations = installationsOf({ tracking: { repo: a.automation }, downstream: a.downstream });
  if (installations.length < 2) return [];
  return [
    `   Its repos belong to ${installations.length} owners: install it once per owner (${installations.map((i) => `${i.owner}: ${i.repositories.join(", ")}`).join("; ")}); the workflows mint one token per installation.`,
  ];
}

/** What each repo needs before the first release, printed at the end of init. */
export function setupInstructions(a: InitAnswers): string {
  const downstreamRepos = a.downstream.map((d) => d.repo);
  return [
    "Before the first release:",
    "",
    `0. In ${a.automation}'s release-relay.yml, write the project's build (build.command: the starter one fails, saying so)`,
    "   and its smoke test (qualify.command: the starter one only checks the tarball holds a program).",
    `1. Create a GitHub App (the release bot) and install it on ${[a.automation, ...downstreamRepos].join(", ")} with exactly:`,
    `   - ${a.automation}: Contents read & write (ledger branch), Issues read & write (tracking issue)`,
    ...downstreamRepos.map(
      (r) =>
        `   - ${r}: Contents read & write, Pull requests read & write, Actions read (reports are confirmed against its runs)`,
    ),
    `   - ${a.source}: Contents read, only if it is private (the tag's source archive is hashed)`,
    ...installationLines(a),
    "   (Not GITHUB_TOKEN: its PRs would not start the downstream repos' CI.)",
    `2. In ${a.automation}: repository secrets RELEASE_RELAY_APP_ID, RELEASE_RELAY_APP_KEY.`,
    `   Create an environment "release" (add required reviewers for an approval gate before anything is public). Its secrets`,
    `   and variables reach only the jobs that sign, publish and yank:`,
    `   - environment secret RELEASE_SIGNING_KEY (\`openssl genpkey -algorithm ed25519\`), and RELEASE_SIGNING_PASSPHRASE for gpg;`,
    ...AWS_ROLES.filter((r) => r.scope === "environment").map(
      (r) => `   - environment variable ${r.variable}: allowed ${r.allows(`${a.bucket}/releases`)};`,
    ),
    `   Repository variables for the jobs outside the environment:`,
    ...AWS_ROLES.filter((r) => r.scope === "repository").map(
      (r) => `   - ${r.variable}: allowed ${r.allows(`${a.bucket}/releases`)};`,
    ),
    `   Each role trusts GitHub's OIDC provider (token.actions.githubusercontent.com) with aud = sts.amazonaws.com and exactly this subject:`,
    ...AWS_ROLES.map(
      (r) =>
        `   - ${r.variable}: sub = ${trustedSubject(r, a.automation, "main")}${r.scope === "repository" ? " (use the repo's default branch if it is not main)" : ""}`,
    ),
    // Installation tokens expire after one hour (GitHub Apps docs, "Authenticating as a GitHub App
    // installation"): a token stored as a secret stops working, so each workflow mints its own.
    `3. Create a GitHub App "${a.project}-release-requester", install it on ${a.automation} only with Contents read & write`,
    `   (what repository_dispatch needs). In ${a.source}: secrets RELEASE_RELAY_DISPATCH_APP_ID, RELEASE_RELAY_DISPATCH_APP_KEY`,
    `   (its id and a private key), variable RELEASE_RELAY_AUTOMATION_REPO=${a.automation}. Each run mints a one-hour token for`,
    `   ${a.automation} alone; put the App's "name[bot]" under senders.release-requested in release-relay.yml.`,
    ...(downstreamRepos.length
      ? [
          `4. Create a GitHub App "${a.project}-release-reporter", install it on ${a.automation} only with Contents read & write.`,
          `   In ${downstreamRepos.join(", ")}: secrets RELEASE_RELAY_REPORT_APP_ID, RELEASE_RELAY_REPORT_APP_KEY, variables`,
          `   RELEASE_RELAY_AUTOMATION_REPO=${a.automation}, RELEASE_RELAY_PROJECT=${a.project}; put the App's "name[bot]" under`,
          `   senders.downstream-report in release-relay.yml.`,
        ]
      : []),
  ].join("\n");
}
