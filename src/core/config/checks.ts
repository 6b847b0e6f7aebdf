import type { z } from "zod";
import { ARTIFACT_PLACEHOLDERS, VERSION_PLACEHOLDERS } from "../downstream/template.js";
import { checkDownstreamPlaceholders } from "./downstream-placeholders.js";
import { environmentNameSchema, PRODUCTION } from "./environment-name.js";
import { checkGitHubRelease } from "./github-release-checks.js";
import { installationsOf, MAX_INSTALLATIONS } from "./installations.js";
import { checkPlaceholders } from "./placeholder-checks.js";
import { quoted } from "./quoted.js";
import type { Config } from "./schema.js";

type Ctx = z.core.$RefinementCtx<unknown>;

/**
 * The rules of release-relay.yml that span fields (placeholders a template may use, names that must
 * be unique or exist, environments that must not write to production's places); each problem is
 * added to `ctx`, so all of them are reported at once.
 */
export function checkConfig(config: Config, ctx: Ctx): void {
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
  checkDownstreamPlaceholders(config, ctx);
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
  checkGitHubRelease(config, ctx);
  checkNoExpressions(config, [], ctx);
}

function checkTagPattern(pattern: string, ctx: Ctx): void {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return; // already reported by regexSource
  }
  const hasGroups = /\(\?<[A-Za-z]/.test(pattern);
  // The version is what the group matched; without one a release would take the whole tag for it.
  if (!/\(\?<version>/.test(pattern)) {
    ctx.addIssue({
      code: "custom",
      path: ["tags", "pattern"],
      message: hasGroups
        ? 'named groups present but none is called "version"; name the version part (?<version>...)'
        : 'no (?<version>...) group: name the part of the tag that is the version, e.g. "^v(?<version>\\d+\\.\\d+\\.\\d+)$"',
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
