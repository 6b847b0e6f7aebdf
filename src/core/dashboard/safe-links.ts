import { type Config, repoNameSchema } from "../config/schema.js";
import { objectUrl } from "../request/plan.js";

/**
 * Where the dashboards may link to. Report URLs come from downstream repos and other runs: only pages
 * of the GitHub server this release runs on and the release's own download location are trusted.
 */
export interface AllowedLinks {
  /** The GitHub server (https://github.com, a GHES host, or the local rehearsal's http://127.0.0.1:port). */
  server: string;
  /** Where the release's files are published (upload.public-url, else the bucket's address). */
  downloads?: string | undefined;
  /** The repositories of the release ("owner/name"): GitHub pages of any other repo are not linked. */
  repos?: readonly string[] | undefined;
}

/** A release link: a GitHub page or a published file. A page: what a downstream reports as published. */
export type LinkKind = "release" | "page";

export const GITHUB_COM = "https://github.com";

/** The links a release of this config may show, on the GitHub server the release runs on. */
export function allowedLinks(config: Config, serverUrl: string = GITHUB_COM): AllowedLinks {
  // The prefix the uploader gives each object, so every artifact URL it records starts with it.
  return {
    server: serverUrl,
    downloads: objectUrl(config.upload, config.upload.prefix),
    repos: [config.source.repo, config.tracking.repo, ...config.downstream.map((d) => d.repo)],
  };
}

// Plain http only where nothing crosses a network: the local rehearsal serves its GitHub there.
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

const GITHUB_PAGE =
  /^\/([^/]+)\/([^/]+)\/(?:actions\/runs\/\d{1,20}(?:\/job\/\d{1,20})?|pull\/\d{1,10}|issues\/\d{1,10}|releases(?:\/.*)?|commit\/[0-9a-f]{7,64}|archive\/refs\/tags\/[A-Za-z0-9._+-]{1,128}\.(?:tar\.gz|zip))$/;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * The same server: one origin. A local rehearsal's GitHub listens on a new port each time a kept
 * world is resumed, so on loopback any loopback origin is that server (nothing else is served there).
 */
function sameServer(u: URL, server: URL): boolean {
  if (u.origin === server.origin) return true;
  return (
    server.protocol === "http:" &&
    LOOPBACK.has(server.hostname) &&
    u.protocol === "http:" &&
    LOOPBACK.has(u.hostname)
  );
}

function isGithubPage(u: URL, server: URL | undefined, repos: readonly string[] | undefined): boolean {
  const m = GITHUB_PAGE.exec(u.pathname);
  if (server === undefined || !sameServer(u, server) || m === null) return false;
  const repo = `${m[1]}/${m[2]}`;
  return (
    repoNameSchema.safeParse(repo).success &&
    (repos === undefined || repos.some((r) => r.toLowerCase() === repo.toLowerCase()))
  );
}

function isDownload(u: URL, downloads: URL | undefined): boolean {
  if (!downloads || u.origin !== downloads.origin) return false;
  // A whole path segment: /releases/ must not admit /releases-evil/.
  const base = downloads.pathname.endsWith("/") ? downloads.pathname : `${downloads.pathname}/`;
  return u.pathname.startsWith(base);
}

/** The address to link `url` with, or undefined when it must not be a link. */
export function safeLink(
  url: string | undefined,
  allowed: AllowedLinks,
  kind: LinkKind = "release",
): string | undefined {
  const u = url ? parse(url) : undefined;
  if (!u) return undefined;
  const scheme = u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.has(u.hostname));
  // A user name before @ makes `https://github.com@evil.example/` read as the trusted host.
  if (!scheme || u.username || u.password) return undefined;
  const downloads = allowed.downloads ? parse(allowed.downloads) : undefined;
  // No setting names a downstream's website: a published page is trusted only on the download host.
  // A page is linked only under the download location itself: on a shared host (a path-style bucket
  // endpoint) the origin alone would admit another bucket's files.
  const ok =
    kind === "page"
      ? isDownload(u, downloads)
      : isGithubPage(u, parse(allowed.server), allowed.repos) || isDownload(u, downloads);
  return ok ? u.href : undefined;
}

// What would end a Markdown link destination or a table cell, start HTML, or hide in plain sight.
const MARKDOWN_UNSAFE = new Set([..."()<>|`\"'[]\\ "]);
const utf8 = new TextEncoder();

/** `url` percent-encoded so that it stays one Markdown link destination and one table cell. */
export function markdownUrl(url: string): string {
  let out = "";
  for (const ch of url) {
    const code = ch.codePointAt(0) ?? 0;
    out +=
      code < 0x20 || code >= 0x7f || MARKDOWN_UNSAFE.has(ch)
        ? [...utf8.encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("")
        : ch;
  }
  return out;
}

/** Text in a Markdown table cell: no cell break, no HTML, no link of its own. */
export const cell = (s: string): string =>
  s
    .replaceAll("\\", "\\\\")
    .replaceAll("|", "\\|")
    .replaceAll("\n", " ")
    .replaceAll("<", "&lt;")
    .replaceAll("[", "\\[")
    .replaceAll("]", "\\]");

/** How one dashboard writes a link, a URL shown as code, and plain text. */
interface LinkFormat {
  link(label: string, href: string): string;
  code(url: string): string;
  text(label: string): string;
}

/**
 * A link when `url` may be linked; otherwise the label and the URL as code, which nothing (not even
 * GitHub's autolinker) turns into a link. Without a label the URL is its own text.
 */
function formatLink(
  format: LinkFormat,
  label: string | undefined,
  url: string,
  allowed: AllowedLinks,
  kind: LinkKind | undefined,
): string {
  const href = safeLink(url, allowed, kind);
  if (href) return format.link(label ?? href, href);
  return label === undefined ? format.code(url) : `${format.text(label)} ${format.code(url)}`;
}

export const escapeHtml = (s: string): string =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

const MARKDOWN: LinkFormat = {
  link: (label, href) => `[${cell(label)}](${markdownUrl(href)})`,
  code: (url) => `\`${markdownUrl(url)}\``,
  text: (label) => cell(label),
};

const HTML: LinkFormat = {
  link: (label, href) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`,
  code: (url) => `<code>${escapeHtml(url)}</code>`,
  text: (label) => escapeHtml(label),
};

/** `[label](url)` in Markdown, or the label and the URL as inline code. */
export const markdownLink = (
  label: string | undefined,
  url: string,
  allowed: AllowedLinks,
  kind?: LinkKind,
) => formatLink(MARKDOWN, label, url, allowed, kind);

/** An anchor in HTML, or the label and the URL as code. */
export const htmlLink = (label: string | undefined, url: string, allowed: AllowedLinks, kind?: LinkKind) =>
  formatLink(HTML, label, url, allowed, kind);

/** The longest run of backticks in a text (0 for none): a code span or fence must be longer. */
export const longestBacktickRun = (text: string): number =>
  Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));

/** Inline code that no backtick inside it can end early. */
export function codeSpan(text: string): string {
  const ticks = "`".repeat(longestBacktickRun(text) + 1);
  return ticks.length > 1 ? `${ticks} ${text} ${ticks}` : `${ticks}${text}${ticks}`;
}

/**
 * Free text from outside (an error, a reason, a script's message) as inline code: GitHub neither
 * links its URLs nor notifies its @mentions there; on one line, with table pipes escaped.
 */
export function codeCell(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line === "" ? "" : codeSpan(line).replaceAll("|", "\\|");
}
