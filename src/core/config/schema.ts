import { z } from "zod";
import { ARTIFACT_PLACEHOLDERS, findPlaceholders, VERSION_PLACEHOLDERS } from "../downstream/template.js";
import { updaterSchemas, updaters } from "../downstream/updaters/registry.js";
import { editKindSchema } from "../downstream/updaters/updater.js";
import { kebabObject } from "../inputs/kebab-object.js";
import { environmentNameSchema, PRODUCTION } from "./environment-name.js";
import { installationsOf, MAX_INSTALLATIONS } from "./installations.js";
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
  "report-back": z.array(z.enum(["ci", "merge", "image-build"])).default(["ci", "merge"]),
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

export const bucketNameSchema = z.string().regex(/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
  error: (issue) =>
    `expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got ${quoted(issue.input)}`,
});

export const keyPrefixSchema = z.string().regex(/^$|^(?!\/)[A-Za-z0-9!_.*'()/-]*\/$/, {
  error: (issue) =>
    `expected "" or a key prefix ending in "/" without a leading "/", got ${quoted(issue.input)}`,
});

/** An AWS region name, e.g. us-east-1. */
const regionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/);

/** A @user or @org/team to mention in a comment. */
export const mentionSchema = z.string().regex(/^@[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9._-]+)?$/, {
  error: (issue) => `expected a @user or @org/team to mention, got ${quoted(issue.input)}`,
});

/** A GitHub login, as the runner names an actor (apps end in `[bot]`). */
export const githubLoginSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/)
  .max(64);

/** The whole `release-relay.yml`; the single source of every name the product uses. */
export const configSchema = kebabObject({
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
    "public-url": z.url().optional(),
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
  // Who may send each dispatch event to the automation repo: the account behind the token that sends
  // it (GitHub sets the event's sender from the token; a payload cannot name it). Events from anyone
  // else are refused and recorded as refused.
  senders: z
    .strictObject({
      "release-requested": z.array(githubLoginSchema).min(1),
      "downstream-status": z.array(githubLoginSchema).min(1),
    })
    .transform((s) => ({
      releaseRequested: s["release-requested"],
      downstreamStatus: s["downstream-status"],
    }))
    .optional(),
  // Profiles such as dev: the real pipeline into another bucket or prefix, with every downstream
  // dry-run and its own ledger and tracking issue (see src/core/environment.ts).
  environments: z
    .record(
      // Names are checked in superRefine: zod reports a bad record key without its message.
      z.string(),
      kebabObject({
        upload: kebabObject({
          bucket: bucketNameSchema.optional(),
          prefix: keyPrefixSchema.optional(),
          region: regionSchema.optional(),
          endpoint: z.url().optional(),
          "public-url": z.url().optional(),
        }).prefault({}),
        tracking: kebabObject({
          title: z.string().min(1).optional(),
          labels: z.array(z.string().min(1)).min(1).optional(),
          notify: z.array(mentionSchema).optional(),
        }).prefault({}),
      }),
    )
    .optional(),
}).superRefine((config, ctx) => {
  checkTagPattern(config.tags.pattern, ctx);
  checkArtifactTemplate(config.build, ctx);
  if (config.source.archive)
    checkPlaceholders(config.source.archive, VERSION_PLACEHOLDERS, ["source", "archive"], ctx);
  if (config.source.releaseNotes)
    checkPlaceholders(
      config.source.releaseNotes,
      [...VERSION_PLACEHOLDERS, "tag"],
      ["source", "release-notes"],
      ctx,
    );
  for (const [i, branch] of (config.source.releaseBranches ?? []).entries())
    checkPlaceholders(branch, ["line", "major", "minor"], ["source", "release-branches", i], ctx);
  checkPlaceholders(config.tracking.title, VERSION_PLACEHOLDERS, ["tracking", "title"], ctx);
  for (const [name, env] of Object.entries(config.environments ?? {})) {
    const named = environmentNameSchema.safeParse(name);
    if (!named.success || name === PRODUCTION)
      ctx.addIssue({
        code: "custom",
        path: ["environments", name],
        message:
          name === PRODUCTION
            ? `"${PRODUCTION}" is the config as written; name another environment`
            : (named.error?.issues[0]?.message ?? "invalid environment name"),
      });
    const movesObjects = env.upload.bucket !== undefined || env.upload.prefix !== undefined;
    if (movesObjects && config.upload.publicUrl && !env.upload.publicUrl)
      ctx.addIssue({
        code: "custom",
        path: ["environments", name, "upload", "public-url"],
        message: `give the public address of ${name}'s objects: upload.public-url would link its files to production's`,
      });
    if (env.tracking.title === config.tracking.title)
      ctx.addIssue({
        code: "custom",
        path: ["environments", name, "tracking", "title"],
        message: `must differ from tracking.title: ${name}'s releases would write to production's tracking issues`,
      });
    if (env.tracking.title)
      checkPlaceholders(
        env.tracking.title,
        VERSION_PLACEHOLDERS,
        ["environments", name, "tracking", "title"],
        ctx,
      );
  }
  if (config.tracking.reviewPing && !config.tracking.reviewPing.notify && config.tracking.notify.length === 0)
    ctx.addIssue({
      code: "custom",
      path: ["tracking", "review-ping", "notify"],
      message: "nobody to ping: list the reviewers (e.g. @org/team) here or in tracking.notify",
    });
  const owners = installationsOf(config).map((i) => i.owner);
  if (owners.length > MAX_INSTALLATIONS)
    ctx.addIssue({
      code: "custom",
      path: ["downstream"],
      message: `the automation repo and the downstream repos belong to ${owners.length} owners (${owners.join(", ")}); the workflows mint one App token per owner, for at most ${MAX_INSTALLATIONS}: move a downstream, or send it the release by dispatch from a repo of a listed owner`,
    });
  checkDownstreamGraph(config.downstream, ctx);
  for (const [i, d] of config.downstream.entries()) {
    if (!d.dispatch && d.edits.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["downstream", i, "edits"],
        message: "a downstream needs at least one edit (or dispatch: to send the release instead of a PR)",
      });
    if (d.dispatch && d.edits.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["downstream", i, "edits"],
        message: "a dispatch downstream sends the release and edits nothing: remove edits, or dispatch:",
      });
    if (d.dispatch && d.mode === "push")
      ctx.addIssue({
        code: "custom",
        path: ["downstream", i, "mode"],
        message: "a dispatch downstream has nothing to push: use mode pr (send), dry-run or off",
      });
  }
  checkNoExpressions(config, [], ctx);
});

/** A validated config; `environment` is set when an environment's overlay was applied (applyEnvironment). */
export type Config = z.output<typeof configSchema> & { environment?: string };
export type Downstream = Config["downstream"][number];
export type Edit = z.output<typeof editSchema>;
export type BuildTarget = Config["build"]["targets"][number];

type Ctx = z.core.$RefinementCtx<unknown>;

function checkTagPattern(pattern: string, ctx: Ctx): void {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return; // already reported by regexSource
  }
  const hasGroups = /\(\?<[A-Za-z]/.test(pattern);
  if (hasGroups && !/\(\?<version>/.test(pattern)) {
    ctx.addIssue({
      code: "custom",
      path: ["tags", "pattern"],
      message: 'named groups present but none is called "version"; name the version part (?<version>...)',
    });
  }
  if (!pattern.startsWith("^") || !pattern.endsWith("$") || re.test("")) {
    ctx.addIssue({
      code: "custom",
      path: ["tags", "pattern"],
      message: `${quoted(pattern)} must be anchored with ^...$ and must not match an empty tag`,
    });
  }
}

// release-relay.yml is read by the actions at run time, never by GitHub: an expression there would be
// used literally (a build command with `${{ secrets.X }}` would run that text), so it is refused.
function checkNoExpressions(node: unknown, path: (string | number)[], ctx: Ctx): void {
  if (typeof node === "string") {
    if (node.includes("${{"))
      ctx.addIssue({
        code: "custom",
        path,
        message:
          "`$" +
          "{{ }}` is not expanded in release-relay.yml; pass the value through the workflow's env: and use $NAME",
      });
  } else if (Array.isArray(node)) {
    for (const [i, v] of node.entries()) checkNoExpressions(v, [...path, i], ctx);
  } else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) checkNoExpressions(v, [...path, k], ctx);
}

function checkPlaceholders(
  template: string,
  allowed: readonly string[],
  path: (string | number)[],
  ctx: Ctx,
): void {
  for (const name of findPlaceholders(template)) {
    if (!allowed.includes(name)) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `unknown placeholder {${name}}; use ${allowed.map((p) => `{${p}}`).join(", ")}`,
      });
    }
  }
}

function checkArtifactTemplate(build: Config["build"], ctx: Ctx): void {
  checkPlaceholders(build.artifact, ARTIFACT_PLACEHOLDERS, ["build", "artifact"], ctx);
  if (!build.artifact.includes("{version}")) {
    ctx.addIssue({ code: "custom", path: ["build", "artifact"], message: "must contain {version}" });
  }
  const seen = new Map<string, number>();
  build.targets.forEach((t, i) => {
    const id = [t.os, t.arch, t.distro ?? ""].join("/");
    const prev = seen.get(id);
    if (prev !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["build", "targets", i],
        message: `duplicates build.targets[${prev}] (${id})`,
      });
    }
    seen.set(id, i);
  });
  const names = new Map<string, number>();
  build.targets.forEach((t, i) => {
    const name = build.artifact
      .replaceAll("{os}", t.os)
      .replaceAll("{arch}", t.arch)
      .replaceAll("{distro}", t.distro ?? "");
    const prev = names.get(name);
    if (prev !== undefined && seen.size === build.targets.length) {
      ctx.addIssue({
        code: "custom",
        path: ["build", "artifact"],
        message: `targets ${prev} and ${i} would both produce ${quoted(name)}; add {os}, {arch} or {distro}`,
      });
    }
    names.set(name, i);
  });
}

function checkDownstreamGraph(downstream: Config["downstream"], ctx: Ctx): void {
  const index = new Map<string, number>();
  downstream.forEach((d, i) => {
    if (index.has(d.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["downstream", i, "name"],
        message: `name ${quoted(d.name)} is used twice`,
      });
    }
    index.set(d.name, i);
  });
  downstream.forEach((d, i) => {
    d.after.forEach((dep, j) => {
      if (!index.has(dep) || dep === d.name) {
        ctx.addIssue({
          code: "custom",
          path: ["downstream", i, "after", j],
          message: `${quoted(dep)} is not another downstream; use one of ${[...index.keys()].filter((n) => n !== d.name).join(", ") || "(none)"}`,
        });
      }
    });
  });
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): string[] | null => {
    if (state.get(name) === "done") return null;
    if (state.get(name) === "visiting") return [...trail, name];
    state.set(name, "visiting");
    const node = downstream[index.get(name) ?? -1];
    for (const dep of node?.after ?? []) {
      if (!index.has(dep) || dep === name) continue;
      const cycle = visit(dep, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, "done");
    return null;
  };
  for (const d of downstream) {
    const cycle = visit(d.name, []);
    if (cycle) {
      const start = cycle.indexOf(cycle.at(-1) as string);
      ctx.addIssue({
        code: "custom",
        path: ["downstream", index.get(d.name) ?? 0, "after"],
        message: `cycle in after: ${cycle.slice(start).join(" → ")}; remove one of these dependencies`,
      });
      return;
    }
  }
}
