import { z } from "zod";
import { ledgerKey } from "../config/environment.js";
import type { Config } from "../config/schema.js";
import { releaseBranch } from "../downstream/release-branch.js";
import { renderTemplate } from "../downstream/template.js";
import { checksOverrideSchema } from "./source-gate.js";
import type { Version } from "./version.js";

const envSchema = z.record(z.string(), z.string());

const matrixEntrySchema = z.strictObject({
  target: z.string(),
  os: z.string(),
  arch: z.string(),
  distro: z.string(),
  runner: z.string(),
  artifact: z.string(),
  key: z.string(),
  env: envSchema,
});

const artifactSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(["binary", "source-archive"]),
  target: z.string().optional(),
  /** Set when the target is marked architecture-independent: its bytes may equal another target's. */
  architectureIndependent: z.literal(true).optional(),
  key: z.string().optional(),
  url: z.string(),
});

const downstreamJobSchema = z.strictObject({
  name: z.string(),
  repo: z.string(),
  mode: z.enum(["pr", "push", "dry-run", "off"]),
  branch: z.string(),
  after: z.array(z.string()),
});

/** The release plan: everything later stages need, decided once from config + tag + commit. */
export const releasePlanSchema = z.strictObject({
  schemaVersion: z.literal(1),
  releaseId: z.string(),
  project: z.string(),
  /** The source repo and build command, so build jobs need nothing but the plan. */
  source: z.string(),
  buildCommand: z.string(),
  buildTimeoutMinutes: z.number().int().positive(),
  /** The smoke test each target's artifact must pass before anything is public; absent: not configured. */
  qualify: z.strictObject({ command: z.string(), timeoutMinutes: z.number().int().positive() }).optional(),
  version: z.string(),
  tag: z.string(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  prerelease: z.boolean(),
  line: z.string(),
  buildTime: z.string(),
  sourceDateEpoch: z.number().int(),
  matrix: z.strictObject({ include: z.array(matrixEntrySchema) }),
  artifacts: z.array(artifactSchema),
  downstream: z.array(downstreamJobSchema),
  /** Where SHA256SUMS is published: versioned, because every release shares the prefix. */
  checksums: z.strictObject({ key: z.string(), url: z.string() }),
  ledgerBranch: z.string(),
  tracking: z.strictObject({ repo: z.string(), title: z.string() }),
  /** A maintainer released although the source CI gate did not pass; recorded in the ledger. */
  checksOverride: checksOverrideSchema.optional(),
  /** Who asked, as GitHub reports the run that sent the request; absent when no run confirms it. */
  requestedBy: z.string().max(100).optional(),
  /** Claims of the request GitHub did not confirm (dropped), for the tracking issue. */
  unverified: z.array(z.string().max(300)).max(10).optional(),
  /** The environment (profile) released to; absent for production. */
  environment: z.string().optional(),
});

export type ReleasePlan = z.infer<typeof releasePlanSchema>;
export type MatrixEntry = z.infer<typeof matrixEntrySchema>;

/** What a plan is made from; no clock or environment is read inside planRelease. */
export interface PlanInput {
  config: Config;
  version: Version;
  commit: string;
  /** When the release was requested (ISO 8601); fixes BUILD_TIME and SOURCE_DATE_EPOCH for reproducible builds. */
  requestedAt: string;
  /** GitHub's web address, for the source archive URL (`https://github.com`, or a GHES host). */
  serverUrl: string;
}

/** Public download URL of an uploaded key. */
export function objectUrl(upload: Config["upload"], key: string): string {
  if (upload.publicUrl) return `${upload.publicUrl.replace(/\/?$/, "/")}${key.slice(upload.prefix.length)}`;
  if (upload.endpoint) return `${upload.endpoint.replace(/\/$/, "")}/${upload.bucket}/${key}`;
  // "When you use virtual-hosted-style buckets with SSL, the SSL wildcard certificate matches only
  // buckets that don't contain dots" (Amazon S3 User Guide, "Virtual hosting of general purpose
  // buckets"): a dotted bucket is linked path-style, which its certificate covers.
  if (upload.bucket.includes(".")) return `https://s3.${upload.region}.amazonaws.com/${upload.bucket}/${key}`;
  return `https://${upload.bucket}.s3.${upload.region}.amazonaws.com/${key}`;
}

/** Version parts every template may use. */
export function versionPlaceholders(config: Config, version: Version): Record<string, string | number> {
  return {
    project: config.project,
    source: config.source.repo,
    buildCommand: config.build.command,
    version: version.version,
    major: version.major,
    minor: version.minor,
    patch: version.patch,
    prerelease: version.prerelease,
    line: version.line,
  };
}

/** Orders downstreams so every one comes after those it names in `after:` (config order otherwise). */
export function orderDownstream<T extends { name: string; after: readonly string[] }>(
  downstream: readonly T[],
): T[] {
  const done = new Set<string>();
  const ordered: T[] = [];
  const pending = [...downstream];
  while (pending.length > 0) {
    const index = pending.findIndex((d) => d.after.every((a) => done.has(a)));
    // The config schema refuses cycles; a cycle here keeps config order rather than looping.
    const [next] = pending.splice(index === -1 ? 0 : index, 1) as [T];
    ordered.push(next);
    done.add(next.name);
  }
  return ordered;
}

/** One build target's artifact, named by `build.artifact` for this version. */
export interface TargetArtifact {
  /** `<os>-<distro>-<arch>`, e.g. linux-jammy-x86_64. */
  target: string;
  os: string;
  arch: string;
  distro: string;
  artifact: string;
}

/** The artifact each configured build target produces, in config order. */
export function targetArtifacts(config: Config, version: Version): TargetArtifact[] {
  const base = versionPlaceholders(config, version);
  return config.build.targets.map((t) => {
    const distro = t.distro ?? "";
    return {
      target: [t.os, distro, t.arch].filter(Boolean).join("-"),
      os: t.os,
      arch: t.arch,
      distro,
      artifact: renderTemplate(
        config.build.artifact,
        { ...base, os: t.os, arch: t.arch, distro },
        "build.artifact",
      ),
    };
  });
}

/** The name the release mirrors the tag's source archive under, or undefined when it mirrors none. */
export function sourceArchiveName(config: Config, version: Version): string | undefined {
  return config.source.archive
    ? renderTemplate(config.source.archive, versionPlaceholders(config, version), "source.archive")
    : undefined;
}

/** Decides the release: build matrix, artifact names and keys, downstream jobs. Pure and deterministic. */
export function planRelease(input: PlanInput): ReleasePlan {
  const { config, version, commit } = input;
  const when = new Date(input.requestedAt);
  const buildTime = when.toISOString().replace(/\.\d{3}Z$/, "Z");
  const sourceDateEpoch = Math.floor(when.getTime() / 1000);
  const base = versionPlaceholders(config, version);

  const targets = targetArtifacts(config, version);
  const include = config.build.targets.map((t, i): MatrixEntry => {
    const { target, distro, artifact } = targets[i] as TargetArtifact;
    return {
      target,
      os: t.os,
      arch: t.arch,
      distro,
      runner: t.runner,
      artifact,
      key: `${config.upload.prefix}${artifact}`,
      env: {
        ...t.env,
        VERSION: version.version,
        GIT_COMMIT: commit,
        BUILD_TIME: buildTime,
        SOURCE_DATE_EPOCH: String(sourceDateEpoch),
        ARTIFACT_NAME: artifact,
        TARGET_OS: t.os,
        TARGET_ARCH: t.arch,
        TARGET_DISTRO: distro,
      },
    };
  });

  const artifacts: ReleasePlan["artifacts"] = include.map((m, i) => ({
    name: m.artifact,
    kind: "binary",
    target: m.target,
    ...(config.build.targets[i]?.architectureIndependent ? { architectureIndependent: true as const } : {}),
    key: m.key,
    url: objectUrl(config.upload, m.key),
  }));
  const name = sourceArchiveName(config, version);
  if (name !== undefined) {
    // Mirrored and signed beside the binaries; `url` stays GitHub's, which the hashes repo lists.
    artifacts.unshift({
      name,
      kind: "source-archive",
      key: `${config.upload.prefix}${name}`,
      url: `${input.serverUrl.replace(/\/$/, "")}/${config.source.repo}/archive/refs/tags/${version.tag}.tar.gz`,
    });
  }

  return {
    schemaVersion: 1,
    releaseId: `${config.project}@${version.version}`,
    project: config.project,
    source: config.source.repo,
    buildCommand: config.build.command,
    buildTimeoutMinutes: config.build.timeoutMinutes,
    ...(config.qualify
      ? { qualify: { command: config.qualify.command, timeoutMinutes: config.qualify.timeoutMinutes } }
      : {}),
    version: version.version,
    tag: version.tag,
    commit,
    prerelease: version.isPrerelease,
    line: version.line,
    buildTime,
    sourceDateEpoch,
    matrix: { include },
    artifacts,
    downstream: orderDownstream(config.downstream).map((d) => ({
      name: d.name,
      repo: d.repo,
      mode: d.mode,
      branch: releaseBranch(version.version, d.name),
      after: [...d.after],
    })),
    checksums: {
      key: `${config.upload.prefix}${config.project}-${version.version}-SHA256SUMS`,
      url: objectUrl(config.upload, `${config.upload.prefix}${config.project}-${version.version}-SHA256SUMS`),
    },
    ledgerBranch: `release-relay-ledger/${ledgerKey(config, version.version)}`,
    ...(config.environment ? { environment: config.environment } : {}),
    tracking: {
      repo: config.tracking.repo,
      title: renderTemplate(config.tracking.title, base, "tracking.title"),
    },
  };
}
