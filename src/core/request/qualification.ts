// The qualify stage's failures as ledger events: which target failed the project's smoke test, and
// the end of its log, shown on the tracking issue so nobody has to dig through job logs first.
import { ReleaseRelayError } from "../errors.js";
import type { LedgerEvent } from "../ledger/events.js";
import type { RecordingRun } from "../ledger/stage-output-events.js";

/** Lines and characters of a log kept for the tracking issue: the end is where the failure is. */
const EXCERPT_LINES = 40;
const EXCERPT_CHARS = 3500;
const LINE_CHARS = 300;

/** The end of a qualify log as people should read it: colours and control characters removed, progress redraws collapsed. */
export function qualifyLogExcerpt(log: string): string {
  const lines = log
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what is removed
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "")
    .split("\n")
    // A progress bar redraws its line with \r: only what was last drawn is shown.
    .map((line) => (line.split("\r").findLast((part) => part !== "") ?? "").trimEnd())
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .map((line) => line.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ""))
    .map((line) => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line));
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  let tail = lines.slice(-EXCERPT_LINES);
  while (tail.length > 1 && tail.join("\n").length > EXCERPT_CHARS) tail = tail.slice(1);
  const excerpt = tail.join("\n");
  return excerpt === "" ? "(the qualify command printed nothing)" : excerpt;
}

/** One log the qualify job kept for a failed target: `<target>.log`. */
export interface QualifyLog {
  file: string;
  text: string;
}

/**
 * A `qualification-failed` event per failed target's log; a file that names no build target of
 * this release is refused (the template writes `<target>.log`, nothing else belongs there).
 */
export function qualificationEvents(
  logs: readonly QualifyLog[],
  targets: readonly string[],
  run: RecordingRun,
  at: string,
): LedgerEvent[] {
  return logs.map((log) => {
    const target = log.file.replace(/\.log$/, "");
    if (!log.file.endsWith(".log") || !targets.includes(target))
      throw new ReleaseRelayError(
        "E_INPUT",
        `qualify-logs holds ${JSON.stringify(log.file)}, which is not <target>.log of a build target (${targets.join(", ")})`,
        "pass the directory the qualify job's logs were downloaded to, as release.yml does",
      );
    return {
      id: `qualification-failed:${target}:${run.runId}`,
      at,
      type: "qualification-failed" as const,
      target,
      excerpt: qualifyLogExcerpt(log.text),
      ...(run.workflowRunId ? { runId: run.workflowRunId } : {}),
      ...(run.runUrl ? { runUrl: run.runUrl } : {}),
    };
  });
}

/** The qualify stage's failure detail: the targets that failed, for the first-failure comment and Problems. */
export function qualifyFailureDetail(events: readonly LedgerEvent[]): string | undefined {
  const targets = events.flatMap((e) => (e.type === "qualification-failed" ? [e.target] : []));
  return targets.length
    ? `the qualify command failed on ${targets.join(", ")}; nothing was signed or uploaded`
    : undefined;
}
