import { basename } from "node:path";
import type { RehearsalOutcome } from "../rehearsal/rehearsal-outcome.js";
import type { RunnerNotice } from "../rehearsal/runner/runner-host.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Which run a line belongs to: its workflow file and run number, as `[release.yml #1002]`. */
export function runLabel(file: string, runId: number): string {
  return `[${basename(file)} #${runId}]`;
}

/** One progress line per run, job and phase, as the rehearsal goes. */
export function progressLine(n: RunnerNotice | { kind: "phase"; text: string }): string | undefined {
  switch (n.kind) {
    case "phase":
      return `• ${n.text}`;
    case "run-started":
      return `▶ ${runLabel(n.run.file, n.run.id)} ${n.run.repo} · ${n.run.workflow} (on ${n.run.event})`;
    case "environment":
      return `    environment ${n.environment} for ${n.job}: ${n.approvedBy}`;
    case "job-finished": {
      const mark = n.job.result === "success" ? "✓" : n.job.result === "skipped" ? "–" : "✗";
      const line = `  ${mark} ${runLabel(n.file, n.runId)} ${n.title}${n.job.runsOn ? ` on ${n.job.runsOn}` : ""} ${n.job.result === "skipped" ? "skipped" : seconds(n.job.durationMs)}`;
      const errors = n.job.steps
        .filter((s) => s.outcome === "failure")
        .map(
          (s) =>
            `      ✗ ${s.name}: ${(s.errors[0] ?? s.log.trim().split("\n").slice(-3).join(" | ")).slice(0, 400)}`,
        );
      return [line, ...errors].join("\n");
    }
    default:
      return undefined;
  }
}

/**
 * The end of a rehearsal: tracking issue, PR diffs, bucket, verify, API calls, where things are.
 * `kept`: the world stays in `dir` (`--keep`); else it is a temporary one, removed after this report.
 */
export function finalReport(o: RehearsalOutcome, dir: string, kept: boolean): string {
  const s = o.summary;
  const routes = Object.entries(s.apiCalls.byRoute)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([r, n]) => `    ${String(n).padStart(4)}  ${r}`);
  const failed = o.runs.flatMap((r) =>
    r.jobs.filter((j) => j.result === "failure").map((j) => `${r.repo} · ${r.workflow} · ${j.name}`),
  );
  return [
    "",
    "════ Tracking issue ════",
    o.trackingIssueBody.replace(/<!--[\s\S]*?-->\n?/g, "").trim(),
    "",
    "════ Downstream PRs ════",
    ...(o.diffs.length === 0 && o.dryRuns.length === 0
      ? ["(none)"]
      : [
          ...o.diffs.flatMap((d) => {
            const pr = s.prs.find((p) => p.downstream === d.downstream);
            return [`── ${d.downstream}: ${d.repo} #${d.number} (${pr?.state ?? "?"})`, d.diff.trimEnd(), ""];
          }),
          ...o.dryRuns.flatMap((d) => [
            `── ${d.downstream}: ${d.repo} (dry-run: no PR opened; this diff is what it would propose)`,
            d.diff.trimEnd() || "(no change)",
            "",
          ]),
        ]),
    "════ Bucket ════",
    ...o.objects.map((x) => `  ${String(x.size).padStart(9)}  ${x.key}`),
    "",
    "════ release-relay verify ════",
    o.verify.output.trim(),
    "",
    "════ Numbers ════",
    `  API calls by the workflows: ${s.apiCalls.total} (${s.apiCalls.mutating} mutating, ${s.apiCalls.contentCreating} content-creating)`,
    ...routes,
    ...Object.entries(s.apiCalls.byLogin)
      .sort((a, b) => b[1].contentCreating - a[1].contentCreating)
      .map(([login, n]) => `    ${login}: ${n.total} calls, ${n.contentCreating} content-creating`),
    `  time: ${seconds(s.durationsMs.total)} in all, ${seconds(s.durationsMs.builds)} building, ${seconds(s.durationsMs.orchestration)} orchestration`,
    `  workflow runs: ${o.runs.length}`,
    ...releaseRunsLine(o),
    ...(s.faultsInjected.github + s.faultsInjected.s3 > 0
      ? [`  faults injected: ${s.faultsInjected.github} into the GitHub API, ${s.faultsInjected.s3} into S3`]
      : []),
    ...(failed.length ? ["  failed jobs:", ...failed.map((f) => `    ✗ ${f}`)] : []),
    "",
    ...(kept
      ? [
          `Dashboard: ${dir}/dashboard.html`,
          `World:     ${dir} (repos/, artifacts/, tracking-issue.md, summary.json, each job's log in actions/runs/RUN/JOB/job.log)`,
        ]
      : [
          `World:     removed (it was a temporary one, ${dir}); to keep it, with the dashboard and each job's log, rehearse with --keep DIR`,
        ]),
    s.yanked !== undefined
      ? s.yanked
        ? `⛔ ${s.version} yanked: open PRs closed, merged ones reverted by PR, objects moved under yanked/.`
        : `❌ the yank of ${s.version} is not done (see the tracking issue). Run it again: release-relay rehearse --resume --keep ${dir} --yank REASON`
      : s.completed
        ? s.environment
          ? `✅ ${s.version} released to ${s.environment}: every stage done, every downstream dry-run (nothing proposed), artifacts verified.`
          : releasedLine(o)
        : o.notStarted
          ? `❌ ${s.version} was never released: ${o.notStarted}.`
          : s.waitingForMerges
            ? `⏸ ${s.version} waiting for merges, as --no-merge asks: every stage done, artifacts verified, every release PR open with its CI passed.`
            : kept
              ? `❌ ${s.version} did not complete. Rerun what failed: release-relay rehearse --resume --keep ${dir}`
              : `❌ ${s.version} did not complete: what failed is above, with each failed step's last lines. To keep the world and every job's log, rehearse with --keep DIR; then rerun what failed with --resume --keep DIR.`,
  ].join("\n");
}

/** When a release was requested more than once, how many release runs there were and which built. */
function releaseRunsLine(o: RehearsalOutcome): string[] {
  const releases = o.runs.filter((r) => r.workflow === "release" && r.file.endsWith("/release.yml"));
  if (releases.length < 2) return [];
  const built = releases.filter((r) => r.jobs.some((j) => j.id === "build" && j.result === "success"));
  const waited = releases.filter((r) => r.conclusion === "cancelled").length;
  return [
    `  release runs: ${releases.length} for one release, build ran in ${built.length} (${built.map((r) => r.id).join(", ") || "none"})${waited ? `, ${waited} cancelled while waiting` : ""}`,
  ];
}

/** The last line of a completed production release: what happened downstream, dry runs apart. */
function releasedLine(o: RehearsalOutcome): string {
  const s = o.summary;
  const dry = o.dryRuns.length;
  if (dry === 0)
    return `✅ ${s.version} released: every stage done, every downstream PR merged and reported, artifacts verified.`;
  const dryRuns = `${dry} downstream${dry === 1 ? "" : "s"} in dry-run: ${dry === 1 ? "its diff is" : "their diffs are"} above, no PR was opened`;
  return s.prs.length === 0
    ? `✅ ${s.version} released: every stage done, artifacts verified; ${dryRuns}.`
    : `✅ ${s.version} released: every stage done, ${s.prs.length} downstream PR(s) merged and reported, artifacts verified; ${dryRuns}.`;
}
