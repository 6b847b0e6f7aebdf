import type { ArtifactHash } from "../artifacts/checksums.js";

/** The PR body: what changed, the artifacts and their hashes, the tracking issue, a checklist for the reviewer. */
export function renderPullRequestBody(input: {
  releaseId: string;
  downstream: string;
  files: readonly string[];
  hashes: readonly ArtifactHash[];
  trackingUrl: string | undefined;
}): string {
  const artifacts = input.hashes.filter((h) => h.kind === "binary" || h.kind === "source-archive");
  return [
    `Release **${input.releaseId}**, prepared by release-relay for \`${input.downstream}\`.`,
    "",
    ...(input.trackingUrl ? [`Tracking issue: ${input.trackingUrl}`, ""] : []),
    "Files changed:",
    ...input.files.map((f) => `- \`${f}\``),
    "",
    ...(artifacts.length
      ? [
          "<details><summary>Artifacts and SHA-256</summary>",
          "",
          "| File | SHA-256 |",
          "| --- | --- |",
          ...artifacts.map((a) => `| ${a.url ? `[${a.name}](${a.url})` : a.name} | \`${a.sha256}\` |`),
          "",
          "</details>",
          "",
        ]
      : []),
    "Checklist:",
    "- [ ] The changes match the release (version, URLs, hashes)",
    "- [ ] CI is green",
    "",
    "<sub>This branch is managed by release-relay: a rerun updates this PR in place.</sub>",
    "",
  ].join("\n");
}
