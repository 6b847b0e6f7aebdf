// The Markdown dashboard: the tracking issue's body, and the job summary.
import type { ReleaseState } from "../ledger/release-state.js";
import { STAGE_LABEL, STAGES } from "../ledger/stages.js";
import { type DashboardContext, linksOf } from "./context.js";
import { duration, size } from "./human-units.js";
import { ledgerMarker } from "./ledger-marker.js";
import { nextActions } from "./next-actions.js";
import {
  type AllowedLinks,
  cell,
  codeCell,
  codeSpan,
  longestBacktickRun,
  markdownLink,
} from "./safe-links.js";
import { refusedSection, requestNotes } from "./trust-notes.js";
import { releaseVerdict } from "./verdict.js";
import { yankSection } from "./yank-section.js";

/** GitHub refuses issue bodies over 65,536 characters; a margin keeps edits safe. */
export const BODY_LIMIT = 60_000;

/** The icon of each stage status. */
export const ICON = {
  pending: "⚪",
  waiting: "⏳",
  running: "🔵",
  succeeded: "✅",
  failed: "❌",
  skipped: "⏭️",
} as const;

/** The one-line verdict at the top of the dashboard. */
export function statusLine(state: ReleaseState, ctx: DashboardContext): string {
  const v = releaseVerdict(state, ctx);
  if (v.kind === "yanked") return `**⛔ Yanked** — ${cell(state.yanked?.reason ?? "")}`;
  if (v.kind === "released") return `**✅ Released** — ${v.progress}`;
  if (v.kind === "attention") return `**❌ Needs attention** — ${v.progress}`;
  return `**🔵 In progress** — ${v.progress}`;
}

function stageTable(state: ReleaseState, links: AllowedLinks): string[] {
  return [
    "| Stage | Status | Duration | Attempts | Run |",
    "| --- | --- | --- | --- | --- |",
    ...STAGES.map((s) => {
      const st = state.stages[s];
      const status =
        st.status === "waiting" && st.detail
          ? `${ICON.waiting} ${cell(st.detail)}`
          : `${ICON[st.status]} ${st.status}`;
      // A stage under way shows when it started: the issue is rewritten at each stage's start and end.
      const took =
        st.status === "running" && st.startedAt
          ? `since ${st.startedAt.slice(11, 16)} UTC`
          : duration(st.startedAt, st.finishedAt);
      return `| ${STAGE_LABEL[s]} | ${status} | ${took} | ${st.attempts || ""} | ${st.runUrl ? markdownLink("log", st.runUrl, links) : ""} |`;
    }),
  ];
}

function downstreamTable(state: ReleaseState, ctx: DashboardContext): string[] {
  const links = linksOf(ctx);
  const names = [...new Set([...ctx.expected.map((x) => x.name), ...state.downstream.map((d) => d.name)])];
  if (names.length === 0) return [];
  const rows = names.map((n) => {
    const d = state.downstream.find((x) => x.name === n);
    const x = ctx.expected.find((e) => e.name === n);
    const repo = d?.repo ?? x?.repo ?? "";
    if (x && (x.mode === "off" || x.mode === "dry-run"))
      return `| ${cell(n)} | ${cell(repo)} | ${x.mode} | | | | |`;
    const pr = d?.error
      ? `❌ ${codeCell(d.error.slice(0, 120))}`
      : d?.skipped
        ? `⏭️ ${cell(d.skipped)}`
        : d?.pr
          ? markdownLink(`#${d.pr.number}`, d.pr.url, links)
          : d?.dispatched
            ? `📨 dispatched \`${cell(d.dispatched.eventType)}\``
            : "⚪ not yet";
    const ci =
      !d || d.ci === "unknown"
        ? ""
        : d.ci === "success"
          ? "✅"
          : d.ci === "failure"
            ? `❌${d.ciUrl ? ` ${markdownLink("log", d.ciUrl, links)}` : ""}`
            : "🔵";
    const merged = d?.merged ? "✅ merged" : d?.closed ? "⛔ closed" : d?.pr ? "open" : "";
    const image = d?.image
      ? d.image.status === "succeeded"
        ? `✅ ${d.image.tags.map((t) => `\`${cell(t)}\``).join(" ")}`
        : "❌ failed"
      : x?.reports.includes("image-build")
        ? "⚪"
        : "";
    const page = d?.page ? markdownLink("live", d.page, links, "page") : "";
    return `| ${cell(n)} | ${cell(repo)} | ${pr} | ${ci} | ${merged} | ${image} | ${page} |`;
  });
  return [
    "| Downstream | Repo | PR | CI | Merged | Image | Page |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ];
}

function artifactSection(state: ReleaseState, compact: number, links: AllowedLinks): string[] {
  if (state.artifacts.length === 0) return [];
  const shown = compact === 2 ? state.artifacts.slice(0, 50) : state.artifacts;
  const rows = shown.map((a) =>
    compact === 0
      ? `| ${a.url ? markdownLink(a.name, a.url, links) : cell(a.name)} | ${size(a.size)} | \`${a.sha256 ?? ""}\` | ${a.state} |`
      : `| ${cell(a.name)} | ${size(a.size)} | \`${(a.sha256 ?? "").slice(0, 16)}\` | ${a.state} |`,
  );
  const more = state.artifacts.length - shown.length;
  const table = [
    "| File | Size | SHA-256 | State |",
    "| --- | --- | --- | --- |",
    ...rows,
    ...(more > 0 ? [`| … and ${more} more, see hashes.json | | | |`] : []),
  ];
  // Many artifacts fold away so the status stays at the top of the issue.
  return state.artifacts.length > 8 || compact > 0
    ? [`<details><summary>Artifacts (${state.artifacts.length})</summary>`, "", ...table, "", "</details>"]
    : [`### Artifacts (${state.artifacts.length})`, "", ...table];
}

function problems(state: ReleaseState, links: AllowedLinks): string[] {
  if (state.failures.length === 0) return [];
  const recent = state.failures.slice(-10);
  return [
    "### Problems",
    "",
    ...recent.map(
      (f) =>
        `- ❌ **${cell(f.what)}** (${f.at}): ${codeCell(f.detail.slice(0, 500))}${f.runUrl ? ` — ${markdownLink("log", f.runUrl, links)}` : ""}`,
    ),
    ...(state.failures.length > recent.length
      ? [`- … ${state.failures.length - recent.length} earlier problem(s) in the ledger`]
      : []),
  ];
}

/** A fence no line of `text` can close: longer than its longest run of backticks. */
function fenceFor(text: string): string {
  return "`".repeat(Math.max(2, longestBacktickRun(text)) + 1);
}

/** The targets whose artifact failed the qualify command, each with the end of its log (verbatim, in a code block). */
function qualificationSection(state: ReleaseState, compact: number, links: AllowedLinks): string[] {
  if (state.qualification.length === 0 || state.stages.qualify.status === "succeeded") return [];
  return [
    `### Qualification failed on ${state.qualification.map((q) => cell(q.target)).join(", ")}`,
    "",
    ...state.qualification.flatMap((q) => {
      const excerpt = compact > 0 ? q.excerpt.split("\n").slice(-10).join("\n") : q.excerpt;
      const fence = fenceFor(excerpt);
      return [
        `**${cell(q.target)}**${q.runUrl ? ` — ${markdownLink("log", q.runUrl, links)}` : ""}`,
        "",
        `${fence}text`,
        excerpt,
        fence,
        "",
      ];
    }),
  ];
}

function nextSteps(state: ReleaseState, ctx: DashboardContext): string[] {
  const steps = nextActions(state, ctx).map((a) =>
    a.command
      ? `- ${cell(a.text)}: ${codeSpan(a.command)}`
      : a.url && a.text.startsWith("Review")
        ? `- ${cell(a.text)}: ${markdownLink(undefined, a.url, linksOf(ctx))}`
        : `- ${cell(a.text)}`,
  );
  return steps.length ? ["### Next", "", ...steps] : [];
}

/** A release let through a red source CI gate says so, with who and why, above everything else. */
function checksOverrideNote(state: ReleaseState): string[] {
  const o = state.request?.checksOverride;
  if (!o) return [];
  return [
    `> ⚠️ **Released with source CI not green** (${cell(o.failing.join(", ") || "—")}): overridden by ${cell(o.by)} — ${codeCell(o.reason)}`,
    "",
  ];
}

/** Who approved (or refused) publishing, through the deployment environment's reviewers. */
function approvalNotes(state: ReleaseState): string[] {
  if (state.approvals.length === 0) return [];
  return [
    ...state.approvals.map(
      (a) =>
        `> ${a.state === "approved" ? "🔐 Publishing approved" : "⛔ Publishing rejected"} by ${cell(a.by)} (environment \`${cell(a.environment)}\`, ${a.at})${a.comment ? `: “${cell(a.comment)}”` : ""}`,
    ),
    "",
  ];
}

const RELEASE_STATE = { draft: "a draft", published: "published", yanked: "yanked (a draft again)" } as const;

/** The GitHub Release of the tag, linked as a page of the source repo (safe-links). */
function githubReleaseLine(state: ReleaseState, links: ReturnType<typeof linksOf>): string[] {
  const r = state.githubRelease;
  if (!r) return [];
  return [
    `> 📦 GitHub Release: ${markdownLink(`${r.repo} release`, r.url, links)}, ${RELEASE_STATE[r.state]}`,
    "",
  ];
}

/** The tracking issue body (also the job summary): status first, then stages, downstreams, artifacts. */
export function renderDashboard(state: ReleaseState, ctx: DashboardContext): string {
  const links = linksOf(ctx);
  // yankSection writes a step's url into its table as it is: it is given the rendered link instead.
  const yank = {
    ...state,
    yank: state.yank.map((y) => (y.url ? { ...y, url: markdownLink(undefined, y.url, links) } : y)),
  };
  for (let compact = 0; compact < 3; compact++) {
    const lines = [
      statusLine(state, ctx),
      "",
      ...(ctx.environment
        ? [
            `> 🧪 Environment **${cell(ctx.environment)}**: its own files and ledger, every downstream dry-run — nothing here reached users.`,
            "",
          ]
        : []),
      ...yankSection(yank, cell),
      ...checksOverrideNote(state),
      ...requestNotes(state),
      ...approvalNotes(state),
      ...githubReleaseLine(state, links),
      ...stageTable(state, links),
      "",
      ...downstreamTable(state, ctx),
      "",
      ...problems(state, links),
      "",
      ...qualificationSection(state, compact, links),
      "",
      ...nextSteps(state, ctx),
      "",
      ...artifactSection(state, compact, links),
      "",
      ...(state.reruns.length
        ? [
            "<details><summary>Reruns</summary>",
            "",
            ...state.reruns.map(
              (r) => `- ${r.at} by ${cell(r.by)}: ${r.stages.join(", ") || "nothing to redo"}`,
            ),
            "",
            "</details>",
            "",
          ]
        : []),
      ...refusedSection(state),
      `<sub>${state.eventCount} events in the ledger, last at ${state.lastAt ?? "—"} · release ${cell(ctx.version)}</sub>`,
      ledgerMarker(ctx.ledgerHead),
    ];
    const body = `${lines.join("\n").replace(/\n{3,}/g, "\n\n")}\n`;
    if (body.length <= BODY_LIMIT || compact === 2) return body;
  }
  throw new Error("unreachable");
}
