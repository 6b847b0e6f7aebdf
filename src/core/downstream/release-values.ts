import type { ArtifactHash } from "../artifacts/checksums.js";
import type { Config } from "../config/schema.js";
import { githubReleaseRepo } from "../github-release/wanted-release.js";
import { targetArtifacts, versionPlaceholders } from "../request/plan.js";
import type { Version } from "../request/version.js";
import { type EditValues, renderTemplate, type TemplateRecord } from "./template.js";

/** What a downstream edit may use: the release's version, date, hashes and container tags. */
export interface ReleaseData {
  version: Version;
  /** Release date, YYYY-MM-DD. */
  date: string;
  hashes: readonly ArtifactHash[];
  floatingTags: readonly string[];
}

const fields = (h: ArtifactHash) => ({
  name: h.name,
  kind: h.kind,
  sha256: h.sha256,
  size: h.size,
  url: h.url ?? "",
});

/**
 * The placeholder values of one release: version parts, `{date}`, `{tags}` and the list
 * `{#floating-tags}`, `{release-notes-url}`, `{source-archive.sha256}`-style fields, the list
 * `{#artifacts}` of every published file, `{#binaries}` (with the target's os, arch, distro),
 * `{binary.<target>.sha256}`-style fields per build target, and `{#distros}` — each built distro
 * with its sorted `{#arches}`, the matrix a download page lists.
 */
export function editValues(config: Config, data: ReleaseData): EditValues {
  const base = versionPlaceholders(config, data.version);
  const values: EditValues = {
    ...base,
    date: data.date,
    tags: data.floatingTags.join(", "),
    "floating-tags": [...data.floatingTags],
    // The GitHub Release release-relay publishes is the notes' page; a draft is no one's page yet.
    "release-notes-url":
      config.source.releaseNotes && !(githubReleaseRepo(config) && config.githubRelease?.mode === "publish")
        ? renderTemplate(
            config.source.releaseNotes,
            { ...base, tag: data.version.tag },
            "source.release-notes",
          )
        : `https://github.com/${config.source.repo}/releases/tag/${data.version.tag}`,
    artifacts: data.hashes.map(fields),
  };
  for (const h of data.hashes) {
    if (h.kind !== "source-archive" && h.kind !== "checksums") continue;
    for (const [k, v] of Object.entries(fields(h))) values[`${h.kind}.${k}`] = v;
  }
  // Only targets whose artifact was really built and hashed: a page lists what can be downloaded.
  const byName = new Map(data.hashes.filter((h) => h.kind === "binary").map((h) => [h.name, h]));
  const binaries: TemplateRecord[] = [];
  const distros = new Map<string, string[]>();
  for (const t of targetArtifacts(config, data.version)) {
    const h = byName.get(t.artifact);
    if (!h) continue;
    const binary = { ...fields(h), target: t.target, os: t.os, arch: t.arch, distro: t.distro };
    binaries.push(binary);
    for (const [k, v] of Object.entries(binary)) values[`binary.${t.target}.${k}`] = v;
    const arches = distros.get(t.distro) ?? [];
    if (!arches.includes(t.arch)) arches.push(t.arch);
    distros.set(t.distro, arches);
  }
  values.binaries = binaries;
  values.distros = [...distros].map(([distro, arches]) => ({ distro, arches: arches.sort() }));
  return values;
}
