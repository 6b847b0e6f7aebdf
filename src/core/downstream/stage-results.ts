// What the downstream stages did, as their job summaries show it, and the failure that ends the job.
import { ReleaseRelayError } from "../errors.js";
import type { PrResult } from "../ledger/stage-output-events.js";
import type { GeneratedEdits } from "./generated-edits.js";

/**
 * What happened in one downstream repo: an entry of the `prs` output track-status reads back
 * (prResultSchema), with a dry run's diff for the summary.
 */
export type DownstreamResult = PrResult & {
  diff?: string | undefined;
  /** What the job's log should point out, e.g. image tags the GitHub Release cannot name. */
  warning?: string | undefined;
};

/** The job summary: one row per downstream, and the full diff of dry-run ones. */
export function renderPrSummary(results: readonly DownstreamResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.downstream} | ${r.repo} | ${r.outcome} | ${r.url ? `[#${r.number}](${r.url})` : ""} | ${r.error ? r.error.replaceAll("|", "\\|") : r.files.map((f) => `\`${f}\``).join(" ")}${r.warning ? ` (${r.warning.replaceAll("|", "\\|")})` : ""} |`,
  );
  const diffs = results
    .filter((r) => r.diff)
    .map((r) => `### ${r.downstream} (dry-run: nothing was opened)\n\n\`\`\`diff\n${r.diff}\`\`\`\n`);
  return [
    `## Downstream PRs`,
    "",
    "| Downstream | Repo | Outcome | PR | Files / error |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    ...diffs,
  ].join("\n");
}

/** The failure of the PR stage when a downstream failed: what the others did (a dry run opens nothing). */
export function failedPullRequests(results: readonly DownstreamResult[]): ReleaseRelayError | undefined {
  const failed = results.filter((r) => r.outcome === "failed");
  if (failed.length === 0) return undefined;
  const dryRuns = results.filter((r) => r.outcome === "dry-run").length;
  const done = results.filter((r) => !["failed", "dry-run", "skipped"].includes(r.outcome)).length;
  const others = [
    ...(done > 0 ? ["the others were opened"] : []),
    ...(dryRuns > 0 ? [`${dryRuns} in dry-run opened nothing (their diffs are in the job summary)`] : []),
  ];
  return new ReleaseRelayError(
    "E_DOWNSTREAM",
    `${failed.length} downstream(s) failed: ${failed.map((f) => `${f.downstream}: ${f.error}`).join("; ")}`,
    `${others.length > 0 ? `${others.join("; ")}; ` : ""}fix these and rerun (only what is missing is redone)`,
  );
}

/** The generate job's summary: what each generator changed, or why it failed. */
export function renderGeneratedSummary(generated: GeneratedEdits): string {
  const rows = Object.entries(generated.downstreams).map(([name, g]) =>
    g.status === "failed"
      ? `| ${name} | ${g.repo} | failed | ${g.error.replaceAll("|", "\\|").replaceAll("\n", " ")} |`
      : `| ${name} | ${g.repo} | ${g.files.length} file(s) at ${g.baseSha.slice(0, 12)} | ${Object.keys(g.outputs).join(", ")} |`,
  );
  return [
    "## Generated downstream edits",
    "",
    rows.length
      ? "| Downstream | Repo | Change | Outputs / error |\n| --- | --- | --- | --- |"
      : "No downstream runs a script.",
    ...rows,
    "",
  ].join("\n");
}

/** The failure of the generate job when a generator failed: the downstream job opens the other PRs. */
export function failedGenerators(generated: GeneratedEdits): ReleaseRelayError | undefined {
  const failed = Object.entries(generated.downstreams).filter(([, g]) => g.status === "failed");
  if (failed.length === 0) return undefined;
  return new ReleaseRelayError(
    "E_DOWNSTREAM",
    `${failed.length} downstream generator(s) failed: ${failed.map(([name]) => name).join(", ")}`,
    "each error is in the generated edits and in the summary; the downstream job opens the other PRs",
  );
}
