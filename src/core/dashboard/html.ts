import { downstreamDone } from "../ledger/completion.js";
import type { ReleaseState } from "../ledger/release-state.js";
import { STAGE_LABEL, STAGES } from "../ledger/stages.js";
import { type DashboardContext, linksOf } from "./context.js";
import { duration, size } from "./human-units.js";
import { nextActions } from "./next-actions.js";
import { type AllowedLinks, escapeHtml, htmlLink } from "./safe-links.js";
import { releaseVerdict } from "./verdict.js";

/** The label linked to `url`, or the label alone when there is no URL. */
const linkOr = (links: AllowedLinks, url: string | undefined, label: string): string =>
  url ? htmlLink(label, url, links) : escapeHtml(label);

// Plain glyphs in colour: emoji need fonts that many machines (and headless browsers) lack.
const MARK = {
  ok: '<span class="mark ok-t">✓</span>',
  bad: '<span class="mark bad-t">✗</span>',
  run: '<span class="mark run-t">●</span>',
  idle: '<span class="mark idle-t">○</span>',
  skip: '<span class="mark idle-t">–</span>',
};
const STATUS_MARK = {
  pending: MARK.idle,
  waiting: MARK.idle,
  running: MARK.run,
  succeeded: MARK.ok,
  failed: MARK.bad,
  skipped: MARK.skip,
} as const;

const VERDICT = {
  released: { label: "Released", cls: "ok" },
  yanked: { label: "Yanked", cls: "bad" },
  attention: { label: "Needs attention", cls: "bad" },
  "in-progress": { label: "In progress", cls: "run" },
} as const;

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.warning{border-left:4px solid #b35900;background:#fff4e5;padding:6px 10px}
.ok{background:#1a7f37}.bad{background:#cf222e}.run{background:#0969da}.idle{background:#8c959f}
.muted{color:#59636e;font-size:13px}
.mark{font-weight:700}.ok-t{color:#1a7f37}.bad-t{color:#cf222e}.run-t{color:#0969da}.idle-t{color:#8c959f}
ol.timeline{list-style:none;padding:0;margin:0}
ol.timeline li{display:grid;grid-template-columns:170px 130px 1fr 90px;gap:12px;align-items:center;background:#fff;border:1px solid #d1d9e0;border-radius:6px;padding:8px 12px;margin-bottom:6px}
ol.timeline li.failed{border-color:#cf222e;background:#ffebe9}
.bar{height:8px;border-radius:4px;background:#d1d9e0;position:relative}.bar span{position:absolute;top:0;height:8px;border-radius:4px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.card{background:#fff;border:1px solid #d1d9e0;border-radius:6px;padding:12px 14px}
.card.failed{border-color:#cf222e;background:#ffebe9}.card.done{border-color:#1a7f37}
.card h3{margin:0 0 6px;font-size:16px}.card dl{display:grid;grid-template-columns:70px 1fr;margin:0;gap:2px 8px}.card dt{color:#59636e}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d1d9e0;padding:6px 8px;text-align:left;font-size:13px}
code{font:12px ui-monospace,monospace;word-break:break-all}
.problems{background:#ffebe9;border:1px solid #cf222e;border-radius:6px;padding:10px 16px}
pre{font:12px ui-monospace,monospace;background:#fff;border:1px solid #d1d9e0;padding:8px;overflow-x:auto;white-space:pre-wrap}
.next{background:#ddf4ff;border:1px solid #0969da;border-radius:6px;padding:10px 16px}
`;

function timeline(state: ReleaseState, links: AllowedLinks): string {
  // Stages record when they ended; one without a recorded start began when the one before it ended.
  let previous = state.firstAt;
  const spans = STAGES.map((s) => {
    const st = state.stages[s];
    const from = st.startedAt ?? (st.finishedAt ? previous : undefined);
    if (st.finishedAt) previous = st.finishedAt;
    return { s, st, from, to: st.finishedAt };
  });
  const times = spans
    .flatMap((x) => [x.from, x.to])
    .filter((t): t is string => Boolean(t))
    .map(Date.parse);
  const start = times.length ? Math.min(...times) : 0;
  const span = times.length ? Math.max(1, Math.max(...times) - start) : 1;
  const items = spans.map(({ s, st, from, to }) => {
    const left = from ? ((Date.parse(from) - start) / span) * 100 : 0;
    const right = to ? ((Date.parse(to) - start) / span) * 100 : left;
    const colour = st.status === "failed" ? "#cf222e" : st.status === "succeeded" ? "#1a7f37" : "#0969da";
    const bar = from
      ? `<span style="left:${left.toFixed(1)}%;width:${Math.max(1, right - left).toFixed(1)}%;background:${colour}"></span>`
      : "";
    return `<li class="${st.status}" data-stage="${s}"><strong>${escapeHtml(STAGE_LABEL[s])}</strong><span>${STATUS_MARK[st.status]} ${st.status === "waiting" && st.detail ? escapeHtml(st.detail) : st.status}${st.attempts > 1 ? ` (${st.attempts} attempts)` : ""}</span><div class="bar">${bar}</div><span class="muted">${duration(from, to)} ${st.runUrl ? htmlLink("log", st.runUrl, links) : ""}</span></li>`;
  });
  return `<ol class="timeline" id="timeline">${items.join("")}</ol>`;
}

function downstreamCards(state: ReleaseState, ctx: DashboardContext): string {
  const links = linksOf(ctx);
  const names = [...new Set([...ctx.expected.map((x) => x.name), ...state.downstream.map((d) => d.name)])];
  const cards = names.map((n) => {
    const d = state.downstream.find((x) => x.name === n);
    const x = ctx.expected.find((e) => e.name === n);
    const done = x ? downstreamDone(d, x) : false;
    const failed = Boolean(d?.error || d?.ci === "failure" || d?.image?.status === "failed");
    const rows: [string, string][] = [
      ["Repo", escapeHtml(d?.repo ?? x?.repo ?? "")],
      ["Mode", escapeHtml(x?.mode ?? "")],
      [
        "PR",
        d?.error
          ? `${MARK.bad} ${escapeHtml(d.error)}`
          : d?.pr
            ? htmlLink(`#${d.pr.number}`, d.pr.url, links)
            : d?.dispatched
              ? `${MARK.ok} dispatched <code>${escapeHtml(d.dispatched.eventType)}</code>`
              : d?.skipped
                ? `${MARK.skip} ${escapeHtml(d.skipped)}`
                : `${MARK.idle} not yet`,
      ],
      [
        "CI",
        d?.ci === "success"
          ? `${MARK.ok} passed`
          : d?.ci === "failure"
            ? `${MARK.bad} ${linkOr(links, d.ciUrl, "failed")}`
            : d?.ci === "pending"
              ? `${MARK.run} running`
              : MARK.idle,
      ],
      [
        "Merge",
        d?.merged
          ? `${MARK.ok} merged`
          : d?.closed
            ? `${MARK.bad} closed`
            : d?.pr
              ? `${MARK.run} open`
              : MARK.idle,
      ],
    ];
    if (x?.reports.includes("image-build") || d?.image)
      rows.push([
        "Image",
        d?.image
          ? d.image.status === "succeeded"
            ? `${MARK.ok} built ${d.image.tags.map((t) => `<code>${escapeHtml(t)}</code>`).join(" ")}${d.image.url ? ` ${htmlLink("build", d.image.url, links)}` : ""}`
            : `${MARK.bad} ${linkOr(links, d.image.url, "failed")}`
          : MARK.idle,
      ]);
    if (d?.page) rows.push(["Page", htmlLink("live", d.page, links, "page")]);
    const body = rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("");
    return `<section class="card${failed ? " failed" : done ? " done" : ""}" data-downstream="${escapeHtml(n)}"><h3>${escapeHtml(n)}</h3><dl>${body}</dl></section>`;
  });
  return `<div class="cards" id="downstream">${cards.join("")}</div>`;
}

function artifactTable(state: ReleaseState, links: AllowedLinks): string {
  const rows = state.artifacts.map(
    (a) =>
      `<tr><td>${linkOr(links, a.url, a.name)}</td><td>${size(a.size)}</td><td><code>${escapeHtml(a.sha256 ?? "")}</code></td><td>${escapeHtml(a.state)}</td></tr>`,
  );
  return `<table id="artifacts"><thead><tr><th>File</th><th>Size</th><th>SHA-256</th><th>State</th></tr></thead><tbody>${rows.join("") || '<tr><td colspan="4">none yet</td></tr>'}</tbody></table>`;
}

function problemsAndNext(state: ReleaseState, ctx: DashboardContext): string {
  const links = linksOf(ctx);
  const out: string[] = [];
  if (state.failures.length > 0)
    out.push(
      `<section class="problems" id="problems"><h2>Problems</h2><ul>${state.failures
        .slice(-10)
        .map(
          (f) =>
            `<li><strong>${escapeHtml(f.what)}</strong> <span class="muted">${escapeHtml(f.at)}</span>: ${escapeHtml(f.detail.slice(0, 500))}${f.runUrl ? ` ${htmlLink("log", f.runUrl, links)}` : ""}</li>`,
        )
        .join("")}</ul></section>`,
    );
  const next = nextActions(state, ctx);
  if (next.length > 0)
    out.push(
      `<section class="next" id="next"><h2>Next</h2><ul>${next
        .map(
          (a) =>
            `<li>${escapeHtml(a.text)}${a.command ? `: <code>${escapeHtml(a.command)}</code>` : ""}${a.url ? ` ${htmlLink("open", a.url, links)}` : ""}</li>`,
        )
        .join("")}</ul></section>`,
    );
  return out.join("");
}

function qualificationFailures(state: ReleaseState, links: AllowedLinks): string {
  if (state.qualification.length === 0 || state.stages.qualify.status === "succeeded") return "";
  return `<section class="problems" id="qualification"><h2>Qualification failed</h2>${state.qualification
    .map(
      (q) =>
        `<h3 data-target="${escapeHtml(q.target)}">${escapeHtml(q.target)}${q.runUrl ? ` ${htmlLink("log", q.runUrl, links)}` : ""}</h3><pre>${escapeHtml(q.excerpt)}</pre>`,
    )
    .join("")}</section>`;
}

/** The release dashboard as one static, self-contained HTML page (no script, no external resource). */
export function renderDashboardHtml(
  state: ReleaseState,
  ctx: DashboardContext,
  options: { title: string },
): string {
  const verdict = releaseVerdict(state, ctx);
  const links = linksOf(ctx);
  const v = VERDICT[verdict.kind];
  const issue = state.trackingIssue
    ? htmlLink(`tracking issue #${state.trackingIssue.number}`, state.trackingIssue.url, links)
    : "no tracking issue yet";
  const reruns = state.reruns.length
    ? `<h2>Reruns</h2><ul id="reruns">${state.reruns.map((r) => `<li>${escapeHtml(r.at)} by ${escapeHtml(r.by)}: ${escapeHtml(r.stages.join(", "))}</li>`).join("")}</ul>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(options.title)} — release dashboard</title><style>${STYLE}</style></head>
<body><main>
<header><h1>${escapeHtml(options.title)}</h1>
<p><span class="badge ${v.cls}" id="verdict" data-verdict="${verdict.kind}">${v.label}</span> ${escapeHtml(verdict.progress)}</p>
<p class="muted">${issue} · ledger ${escapeHtml(ctx.ledgerHead.slice(0, 12))} · ${state.eventCount} events${state.request ? ` · tag ${escapeHtml(state.request.tag)} at <code>${escapeHtml(state.request.commit.slice(0, 12))}</code>` : ""}</p></header>
${ctx.environment ? `<p class="warning" id="environment">Environment ${escapeHtml(ctx.environment)}: its own files and ledger, every downstream dry-run — nothing here reached users.</p>` : ""}
${
  state.yanked
    ? `<section id="yank" class="warning"><p>Yanked by ${escapeHtml(state.yanked.by)} (${escapeHtml(state.yanked.at)}): “${escapeHtml(state.yanked.reason)}”</p><ul>${state.yank.map((y) => `<li data-target="${escapeHtml(y.target)}" data-outcome="${y.outcome}">${escapeHtml(y.target)}: ${escapeHtml(y.outcome)}${y.url ? ` ${htmlLink(undefined, y.url, links)}` : ""}${y.detail ? ` — ${escapeHtml(y.detail)}` : ""}</li>`).join("")}</ul></section>`
    : ""
}
${
  state.request?.checksOverride
    ? `<p class="warning" id="checks-override">Released with source CI not green (${escapeHtml(state.request.checksOverride.failing.join(", "))}): overridden by ${escapeHtml(state.request.checksOverride.by)} — “${escapeHtml(state.request.checksOverride.reason)}”</p>`
    : ""
}
${
  state.approvals.length
    ? `<ul id="approvals">${state.approvals.map((a) => `<li data-state="${a.state}">Publishing ${a.state} by ${escapeHtml(a.by)} (environment <code>${escapeHtml(a.environment)}</code>, ${escapeHtml(a.at)})${a.comment ? `: “${escapeHtml(a.comment)}”` : ""}</li>`).join("")}</ul>`
    : ""
}
${problemsAndNext(state, ctx)}
${qualificationFailures(state, links)}
<h2>Stages</h2>${timeline(state, links)}
<h2>Downstream repos</h2>${downstreamCards(state, ctx)}
<h2>Artifacts (${state.artifacts.length})</h2>${artifactTable(state, links)}
${reruns}
</main></body></html>
`;
}
