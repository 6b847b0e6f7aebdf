import { z } from "zod";
import { updaterSchemas, updaters } from "../downstream/updaters/registry.js";
import { editKindSchema } from "../downstream/updaters/updater.js";
import { DEFAULT_NOTES_HEADING } from "../github-release/release-notes.js";
import { kebabObject } from "../inputs/kebab-object.js";
import { githubLoginSchema } from "./github-login.js";
import { quoted } from "./quoted.js";
import { regexSource } from "./regex-source.js";

/** `owner/name` as GitHub spells repositories (owner ≤ 39 chars, name ≤ 100). */
export const repoNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, {
    error: (issue) => `expected "owner/name", got ${quoted(issue.input)}`,
  });

const secretName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  error: (issue) =>
    `expected the name of a secret (A-Z, 0-9, _), got ${quoted(issue.input)}; put the key itself in the repository's secrets`,
});

// Run in a checkout of the downstream repo (its own generator), not applied by release-relay itself.
const scriptEditSchema = editKindSchema("script", {
  run: z.string().min(1),
  "timeout-seconds": z.number().int().min(1).max(3600).default(300),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
});

const EDIT_KINDS = [...updaters.map((u) => u.kind), "script"];

export const editSchema = z.discriminatedUnion("kind", [...updaterSchemas, scriptEditSchema], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `expected kind to be one of ${EDIT_KINDS.join(", ")}, got ${quoted((issue.input as { kind?: unknown } | undefined)?.kind)}`
      : undefined,
});

/** A downstream's name, as `after:`, branch names and `recorded-prs` use it. */
export const downstreamNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, {
  error: (issue) => `expected a short lowercase name like "hashes", got ${quoted(issue.input)}`,
});

const downstreamSchema = kebabObject({
  name: downstreamNameSchema,
  repo: repoNameSchema,
  mode: z.enum(["pr", "push", "dry-run", "off"]).default("dry-run"),
  "base-branch": z.string().min(1).optional(),
  after: z.array(z.string()).default([]),
  // The reports the release waits for from this downstream (its report-status workflow sends them).
  reports: z.array(z.enum(["ci", "merge", "image-build"])).default(["ci", "merge"]),
  // A dispatch channel: instead of a PR, the repo receives a repository_dispatch with the release's
  // artifacts and hashes (e.g. to build images from the binaries already built) and reports back.
  dispatch: kebabObject({
    "event-type": z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
        error: "expected an event type such as release-published",
      })
      .default("release-published"),
  }).optional(),
  edits: z.array(editSchema).default([]),
  pr: kebabObject({
    title: z.string().default("{project} {version}"),
    "commit-message": z.string().default("Release {project} {version}"),
    body: z.string().optional(),
    labels: z.array(z.string()).default([]),
    draft: z.boolean().default(false),
  }).prefault({}),
});

const targetSchema = kebabObject({
  os: z.enum(["linux", "macos", "windows", "freebsd"]),
  arch: z.enum(["x86_64", "arm64", "armv7", "i386", "ppc64le", "s390x", "riscv64"]),
  distro: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/)
    .optional(),
  runner: z.string().min(1),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  // The target's artifact is the same file on every architecture (docs, scripts, a jar): compute-hashes
  // then accepts its bytes being identical to another target's.
  "architecture-independent": z.boolean().optional(),
});

const signingSchema = z.discriminatedUnion("method", [
  kebabObject({ method: z.literal("none") }),
  kebabObject({
    method: z.literal("gpg"),
    "key-secret": secretName,
    "passphrase-secret": secretName.optional(),
  }),
  kebabObject({
    method: z.literal("ed25519"),
    "key-secret": secretName,
    "public-key-url": z.url().optional(),
  }),
]);

// Where users download the release from, linked from the PRs and the tracking issue: over plain
// http anyone on the way could swap what they download.
// Users download from it, so https; plain http only on this machine (a local mirror or S3).
const publicUrlSchema = z
  .url({
    protocol: /^https?$/,
    error: (issue) => `expected an https:// URL (users download from it), got ${quoted(issue.input)}`,
  })
  .refine((u) => u.startsWith("https://") || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u), {
    error: (issue) => `expected an https:// URL (users download from it), got ${quoted(issue.input)}`,
  });

export const bucketNameSchema = z.string().regex(/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
  error: (issue) =>
    `expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got ${quoted(issue.input)}`,
});

export const keyPrefixSchema = z.string().regex(/^$|^(?!\/)[A-Za-z0-9!_.*'()/-]*\/$/, {
  error: (issue) =>
    `expected "" or a key prefix ending in "/" without a leading "/", got ${quoted(issue.input)}`,
});

/**
 * A container image as `docker pull` names it (`acme/demo`, `ghcr.io/acme/demo`), without a
 * tag: the grammar of the distribution spec's repository names, an optional registry host first.
 */
const containerImageSchema = z
  .string()
  .regex(
    /^(?:[A-Za-z0-9.-]+(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/,
    {
      error: (issue) =>
        `expected an image name as docker pull takes it, without a tag (e.g. acme/demo), got ${quoted(issue.input)}`,
    },
  )
  .max(255);

/** An AWS region name, e.g. us-east-1. */
const regionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/);

/** A @user or @org/team to mention in a comment. */
export const mentionSchema = z.string().regex(/^@[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9._-]+)?$/, {
  error: (issue) => `expected a @user or @org/team to mention, got ${quoted(issue.input)}`,
});

export { githubLoginSchema };

/**
 * The whole `release-relay.yml`, field by field; the single source of every name the product uses.
 * The rules between fields are checkConfig's (checks.ts): parse.ts applies both, as configSchema.
 */
export const configFieldsSchema = kebabObject({
  project: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: (issue) => `expected a project name (letters, digits, . _ -), got ${quoted(issue.input)}`,
  }),
  source: kebabObject({
    repo: repoNameSchema,
    archive: z.string().min(1).optional(),
    // The release notes' address, for {release-notes-url}; GitHub's release page of the tag otherwise.
    "release-notes": z.string().min(1).optional(),
    // A release tag's commit must be on one of these branches ({line} = 8.0, {major}, {minor}).
    "release-branches": z
      .array(
        z.string().regex(/^[A-Za-z0-9._{}-][A-Za-z0-9._/{}-]*$/, {
          error: (issue) =>
            `expected a branch name (may use {line}, {major}, {minor}), got ${quoted(issue.input)}`,
        }),
      )
      .min(1)
      .optional(),
    // Checks that must have passed on the tag's commit before anything is sent: names, or `all`.
    "required-checks": z
      .union([z.literal("all"), z.array(z.string().min(1).max(200)).min(1)], {
        error: 'expected "all" or a list of check names (check runs or commit status contexts)',
      })
      .optional(),
    // How long the trigger waits for required checks that are still running.
    "checks-wait-minutes": z.number().int().min(0).max(120).default(30),
  }),
  tags: kebabObject({
    pattern: regexSource.default("^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$"),
  }).prefault({}),
  build: kebabObject({
    command: z.string().min(1),
    targets: z.array(targetSchema).min(1, { error: "list at least one build target" }),
    artifact: z.string().min(1),
    "timeout-minutes": z.number().int().min(1).max(360).default(60),
  }),
  // The project's own smoke test, run on each target against the built artifact before anything is
  // signed or uploaded: a failure stops the release with nothing public.
  qualify: kebabObject({
    command: z.string().min(1),
    "timeout-minutes": z.number().int().min(1).max(360).default(30),
  }).optional(),
  signing: signingSchema.prefault({ method: "none" }),
  upload: kebabObject({
    bucket: bucketNameSchema,
    prefix: keyPrefixSchema.default(""),
    region: regionSchema.default("us-east-1"),
    endpoint: z.url().optional(),
    "public-url": publicUrlSchema.optional(),
    "cache-control": z.string().default("public, max-age=31536000, immutable"),
  }),
  downstream: z.array(downstreamSchema).default([]),
  tracking: kebabObject({
    repo: repoNameSchema,
    labels: z.array(z.string().min(1)).default(["release"]),
    notify: z.array(mentionSchema).default([]),
    title: z.string().default("Release {version}"),
    // Release PRs nobody merged within after-hours: their reviewers are pinged once, on the tracking issue.
    "review-ping": kebabObject({
      "after-hours": z.number().int().min(1).max(720),
      notify: z.array(mentionSchema).min(1).optional(),
    }).optional(),
  }),
  // A GitHub Release for the tag in source.repo: a draft from the request on, published once every
  // stage is done (mode publish), or left a draft for people to publish (mode draft). Absent: none.
  "github-release": kebabObject({
    mode: z.enum(["off", "draft", "publish"]).default("draft"),
    // links: the body links each file where the bucket serves it (upload.public-url). upload: the
    // files are also the release's own assets, uploaded while it is a draft (an immutable release
    // takes none once published); an asset of the same name must have the same bytes.
    assets: z.enum(["links", "upload"]).default("links"),
    // The release notes: the file in the source repo at the tag, and the heading of the version's
    // section ({version} stands for it, matched literally), e.g. "^Acme {version} " for "Acme 1.2.1 - Released ...".
    notes: kebabObject({
      file: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, {
        error: (issue) =>
          `expected a path in the source repo (no leading / or ..), got ${quoted(issue.input)}`,
      }),
      heading: regexSource
        .refine((h) => h.includes("{version}"), { error: "the heading pattern must contain {version}" })
        .default(DEFAULT_NOTES_HEADING),
    }).prefault({ file: "CHANGELOG.md" }),
    // The container image the body names, and where its tags come from: a list (or comma-separated
    // value) a downstream's script writes, `<downstream>.<output>` as edits name it ({container.tags}).
    // The tags are what the release PR release-relay opened sets, never what a report claims.
    "container-image": containerImageSchema.optional(),
    "container-tags": z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z][A-Za-z0-9_.-]*$/, {
        error: (issue) =>
          `expected <downstream>.<output>, the script output that lists the image tags (e.g. container.tags), got ${quoted(issue.input)}`,
      })
      .optional(),
    // The version's download page ({version}, {major}, {minor}, {patch}, {prerelease}, {line},
    // {tag}; an https address whose host is written out), linked from the body: an address from
    // this file, never one a report names.
    "download-page": z.string().min(1).optional(),
  }).optional(),
  // Who may send each dispatch event to the automation repo: the account behind the token that sends
  // it (GitHub sets the event's sender from the token; a payload cannot name it). Events from anyone
  // else are refused and recorded as refused.
  senders: z
    .strictObject({
      "release-requested": z.array(githubLoginSchema).min(1),
      "downstream-report": z.array(githubLoginSchema).min(1),
    })
    .transform((s) => ({
      releaseRequested: s["release-requested"],
      downstreamReport: s["downstream-report"],
    }))
    .optional(),
  // Profiles such as dev: the real pipeline into another bucket or prefix, with every downstream
  // dry-run and its own ledger and tracking issue (see src/core/config/environment.ts).
  environments: z
    .record(
      // Names are checked in checkConfig: zod reports a bad record key without its message.
      z.string(),
      kebabObject({
        upload: kebabObject({
          bucket: bucketNameSchema.optional(),
          prefix: keyPrefixSchema.optional(),
          region: regionSchema.optional(),
          endpoint: z.url().optional(),
          "public-url": publicUrlSchema.optional(),
        }).prefault({}),
        tracking: kebabObject({
          title: z.string().min(1).optional(),
          labels: z.array(z.string().min(1)).min(1).optional(),
          notify: z.array(mentionSchema).optional(),
        }).prefault({}),
      }),
    )
    .optional(),
});

/** A validated config; `environment` is set when an environment's overlay was applied (applyEnvironment). */
export type Config = z.output<typeof configFieldsSchema> & { environment?: string };
export type Downstream = Config["downstream"][number];
export type Edit = z.output<typeof editSchema>;
export type BuildTarget = Config["build"]["targets"][number];
