// Release notes as the GitHub Release shows them. The notes are the project's own Markdown, kept as
// written, but they come from a file anyone with a merged PR may have edited: raw HTML is shown as
// text, and a link (inline, autolink or bare URL) goes only where the tracking issue would link —
// the release's repos on this GitHub and its download location. Any other address stays as code.
import { type AllowedLinks, codeSpan, markdownUrl, safeLink } from "../dashboard/safe-links.js";

// A fenced code block's opening line: its content is shown verbatim by GitHub, nothing to neutralise.
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** A URL outside code, as a link when it may be one, or as code that no autolinker turns into one. */
function linkOrCode(label: string | undefined, url: string, allowed: AllowedLinks): string {
  const href = safeLink(url, allowed);
  if (href) return label === undefined ? href : `[${label}](${markdownUrl(href)})`;
  return label === undefined ? codeSpan(url) : `${label} ${codeSpan(url)}`;
}

// Inline code spans are left alone; everything else on the line is rewritten.
const CODE_SPAN = /(`+)[\s\S]*?\1/g;
const INLINE_LINK = /!?\[([^\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s<>]*\))*)>?(?:\s+"[^"\n]*")?\s*\)/g;
const AUTOLINK = /<((?:https?|ftp|mailto|javascript|data|vbscript|file):[^>\s]*)>/gi;
const BARE_URL = /\b(?:https?:\/\/|www\.)[^\s<>`"']+/gi;
// A reference definition `[x]: url` makes `[x]` a link anywhere in the body.
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$/;

function rewriteText(text: string, allowed: AllowedLinks): string {
  const links: string[] = [];
  // Links are swapped for placeholders first, so a link's rewritten address is not seen as a bare URL.
  const hold = (s: string) => `\uE000${links.push(s) - 1}\uE000`;
  let out = text
    .replaceAll("\uE000", "")
    .replace(INLINE_LINK, (_m, label: string, url: string) =>
      hold(linkOrCode(label.replaceAll("<", "&lt;"), url, allowed)),
    )
    .replace(AUTOLINK, (_m, url: string) => hold(linkOrCode(undefined, url, allowed)))
    .replace(BARE_URL, (url) => {
      // Trailing punctuation ends a sentence, not the URL (as GitHub's autolinker reads it).
      const trimmed = url.replace(/[.,:;!?)]+$/, "");
      return hold(linkOrCode(undefined, trimmed, allowed)) + url.slice(trimmed.length);
    });
  // Raw HTML is shown as text: no <a>, <img>, <details> or comment can hide or add anything.
  out = out.replaceAll("<", "&lt;");
  return out.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => links[Number(i)] as string);
}

function rewriteLine(line: string, allowed: AllowedLinks): string {
  if (REFERENCE_DEFINITION.test(line)) return codeSpan(line.trim());
  let out = "";
  let last = 0;
  for (const m of line.matchAll(CODE_SPAN)) {
    out += rewriteText(line.slice(last, m.index), allowed) + m[0];
    last = m.index + m[0].length;
  }
  return out + rewriteText(line.slice(last), allowed);
}

/** The notes with raw HTML shown as text and every link checked, code blocks and spans untouched. */
export function safeNotesMarkdown(notes: string, allowed: AllowedLinks): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of notes.split(/\r?\n/)) {
    const open = FENCE.exec(line);
    if (fence !== undefined) {
      out.push(line);
      if (open && (open[1] as string)[0] === fence[0] && (open[1] as string).length >= fence.length)
        fence = undefined;
      continue;
    }
    if (open) {
      fence = open[1];
      out.push(line);
      continue;
    }
    out.push(rewriteLine(line, allowed));
  }
  // An unclosed fence would swallow everything after the notes: close it.
  if (fence !== undefined) out.push(fence);
  return out.join("\n");
}
