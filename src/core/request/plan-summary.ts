import type { ReleasePlan } from "./plan.js";

const cell = (text: string): string => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The build-matrix job summary: what will be built, where it goes, which downstreams follow. */
export function renderPlanSummary(plan: ReleasePlan): string {
  const lines = [
    `## ${cell(plan.releaseId)} — release plan`,
    "",
    `Tag \`${plan.tag}\` at \`${plan.commit.slice(0, 12)}\`${plan.prerelease ? " (release candidate)" : ""}, build time ${plan.buildTime}.`,
    "",
    "| Target | Runner | Artifact | S3 key |",
    "| --- | --- | --- | --- |",
    ...plan.matrix.include.map(
      (m) => `| ${cell(m.target)} | \`${cell(m.runner)}\` | \`${cell(m.artifact)}\` | \`${cell(m.key)}\` |`,
    ),
  ];
  const source = plan.artifacts.find((a) => a.kind === "source-archive");
  if (source) lines.push("", `Source archive: [\`${cell(source.name)}\`](${source.url})`);
  if (plan.downstream.length > 0) {
    lines.push("", "| Downstream | Repo | Mode | Branch |", "| --- | --- | --- | --- |");
    for (const d of plan.downstream) {
      lines.push(`| ${cell(d.name)} | ${cell(d.repo)} | ${d.mode} | \`${cell(d.branch)}\` |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
