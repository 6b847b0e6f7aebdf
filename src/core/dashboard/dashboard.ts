import type { Config } from "../config/schema.js";
import {
  type DownstreamExpectation,
  downstreamDone,
  isComplete,
  type ReleaseState,
} from "../ledger/release-state.js";
import { STAGE_LABEL, STAGES } from "../ledger/stages.js";
import type { NextAction } from "./next-action.js";
import {
  type AllowedLinks,
  allowedLinks,
  cell,
  codeCell,
  codeSpan,
  GITHUB_COM,
  longestBacktickRun,
  markdownLink,
} from "./safe-links.js";
import { refusedSection, requestNotes } from "./trust-notes.js";
import { yankNextActions, yankSection } from "./yank-section.js";

/** What the dashboard needs besides the ledger. */
export interface DashboardContext {
  version: string;
  /** The ledger commit rendered, written into the hidden marker. */
  ledgerHead: string;
  expected: readonly (DownstreamExpectation & { repo: string })[];
  /** The command people run to redo what failed. */
  rerunCommand: string;
  /** The command that runs the yank of this release (the reason is added to it). */
  yankCommand: string;
  /** The environment released to; absent for production. */
  environment?: string | undefined;
  /** What may be linked; github.com's release pages alone when not given. */
  links?: AllowedLinks | undefined;
}

/** The links a context allows. */
export const linksOf = (ctx: DashboardContext): AllowedLinks => ctx.links ?? { server: GITHUB_COM };

/** What each configured downstream must reach before the release is complete. */
export function downstreamExpectations(config: Config): (DownstreamExpectation & { repo: string })[] {
  return config.downstream.map((d) => ({
    name: d.name,
    repo: d.repo,
    mode: d.mode,
    reportBack: d.reportBack,
    ...(d.dispatch ? { dispatch: true } : {}),
  }));
}

/**
 * The dashboard's context for a release of this config, rendered at ledger commit `head`; `serverUrl`
 * is the GitHub server the release runs on (the run's GITHUB_SERVER_URL).
 */
export function dashboardContext(
  config: Config,
  version: string,
  head: string,
  serverUrl: string = GITHUB_COM,
): DashboardContext {
  const env = config.environment ? ` -f environment=${config.environment}` : "";
  return {
    version,
    ledgerHead: head,
    expected: downstreamExpectations(config),
    rerunCommand: `gh workflow run release.yml --repo ${config.tracking.repo} -f version=${version}${env} -f stages=failed`,
    yankCommand: `gh workflow run yank.yml --repo ${config.tracking.repo} -f version=${version}${env}`,
    ...(config.environment ? { environment: config.environment } : {}),
    links: allowedLinks(config, serverUrl),
  };
}

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

/** A human duration between two ISO times ("" if either is missing). */
export function duration(from?: string, to?: string): string {
  if (!from || !to) return "";
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  return s < 60
    ? `${s}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m ${s % 60}s`
      : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** A human size in B, KiB, MiB or GiB. */
export function size(bytes?: number): string {
  if (bytes === undefined) return "";
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** The marker that ties an issue body to the ledger commit it shows. */
export function ledgerMarker(head: string): string {
  return `<!-- release-relay:ledger ${head} -->`;
}

/** Reads the ledger commit an issue body was rendered from, if any. */
export function readLedgerMarker(body: string | null | undefined): string | undefined {
  // The marker is the body's last line: text quoted above it (a log excerpt) cannot pass for it.
  return /(?:^|\n)<!-- release-relay:ledger ([0-9a-f]{40}|empty) -->\s*$/.exec(body ?? "")?.[1];
}

/** Where a release stands, in one word, with its progress counts. */
export interface Verdict {
  kind: "released" | "yanked" | "attention" | "in-progress";
  progress: string;
}

/** Decides the verdict the dashboards (Markdown and HTML) lead with. */
export function releaseVerdict(state: ReleaseState, ctx: DashboardContext): Verdict {
  const stagesDone = STAGES.filter((s) => ["succeeded", "skipped"].includes(state.stages[s].status)).length;
  const active = ctx.expected.filter((x) => x.mode === "pr" || x.mode === "push");
  const downstreamDoneCount = active.filter((x) =>
    downstreamDone(
      state.downstream.find((d) => d.name === x.name),
      x,
    ),
  ).length;
  const progress = `${stagesDone} of ${STAGES.length} stages done · ${downstreamDoneCount} of ${active.length} downstream repos done`;
  if (state.yanked) return { kind: "yanked", progress };
  if (isComplete(state, ctx.expected)) return { kind: "released", progress };
  const failing =
    STAGES.some((s) => state.stages[s].status === "failed") ||
    state.downstream.some((d) => d.error || d.ci === "failure" || d.image?.status === "failed");
  return { kind: failing ? "attention" : "in-progress", progress };
}

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
      : x?.reportBack.includes("image-build")
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

/** What people should do next, with the link to do it; nothing once the release is done. */
export function nextActions(state: ReleaseState, ctx: DashboardContext): NextAction[] {
  if (state.yanked) return yankNextActions(state, ctx.yankCommand);
  if (isComplete(state, ctx.expected)) return [];
  const actions: NextAction[] = [];
  if (STAGES.some((s) => state.stages[s].status === "failed") || state.downstream.some((d) => d.error))
    actions.push({ text: "Fix the cause above, then redo only what failed", command: ctx.rerunCommand });
  for (const d of state.downstream) {
    if (d.pr && !d.closed && d.ci === "success")
      actions.push({ text: `Review and merge ${d.name}`, url: d.pr.url });
    if (d.ci === "failure")
      actions.push({
        text: `${d.name}'s CI failed on the PR: look at its log, push a fix to the PR branch or rerun`,
        ...(d.ciUrl ? { url: d.ciUrl } : {}),
      });
  }
  return actions;
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
