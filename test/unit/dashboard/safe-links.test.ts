import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";
import { dashboardContext } from "../../../src/core/dashboard/context.js";
import { renderDashboardHtml } from "../../../src/core/dashboard/html.js";
import { renderDashboard } from "../../../src/core/dashboard/markdown.js";
import {
  allowedLinks,
  cell,
  codeCell,
  htmlLink,
  markdownLink,
  markdownUrl,
  safeLink,
} from "../../../src/core/dashboard/safe-links.js";
import { type LedgerEvent, ledgerEventSchema } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";
import { yankStepEvent } from "../../../src/core/yank/yank-plan.js";
import { valkeyReleaseEvents } from "../../support/release-events.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8"),
  "release-relay.yml",
);
const allowed = { server: "https://github.com", downloads: "https://download.valkey.io/releases/" };
const repo = "https://github.com/valkey-io/valkey";

describe("safeLink", () => {
  it("links the pages of a normal release as they are", () => {
    for (const url of [
      `${repo}/actions/runs/12345`,
      `${repo}/actions/runs/12345/job/678`,
      `${repo}/pull/42`,
      `${repo}/issues/7`,
      `${repo}/releases/tag/8.0.2`,
      `${repo}/releases`,
      `${repo}/commit/${"ab12".repeat(10)}`,
      `${repo}/issues/7#issuecomment-99`,
      "https://download.valkey.io/releases/valkey-8.0.2-noble-x86_64.tar.gz",
    ])
      expect(safeLink(url, allowed)).toBe(url);
    expect(markdownLink("#42", `${repo}/pull/42`, allowed)).toBe(`[#42](${repo}/pull/42)`);
    expect(htmlLink("log", `${repo}/actions/runs/1`, allowed)).toBe(
      `<a href="${repo}/actions/runs/1">log</a>`,
    );
  });

  it("refuses script and data URLs, showing them as code", () => {
    expect(safeLink("javascript:alert(1)", allowed)).toBeUndefined();
    expect(markdownLink("log", "javascript:alert(1)", allowed)).toBe("log `javascript:alert%281%29`");
    expect(htmlLink("log", "javascript:alert(1)", allowed)).toBe("log <code>javascript:alert(1)</code>");
    const data = "data:text/html,<script>alert(1)</script>";
    expect(safeLink(data, allowed)).toBeUndefined();
    expect(markdownLink("log", data, allowed)).toBe(
      "log `data:text/html,%3Cscript%3Ealert%281%29%3C/script%3E`",
    );
    expect(htmlLink("log", data, allowed)).toBe(
      "log <code>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</code>",
    );
  });

  it("refuses other hosts and lookalikes of the GitHub server", () => {
    for (const url of [
      "https://evil.example/valkey-io/valkey/pull/1",
      "https://github.com.evil.example/valkey-io/valkey/pull/1",
      "https://evil.example/https://github.com/valkey-io/valkey/pull/1",
      "https://github.com@evil.example/",
      "https://github.com@evil.example/valkey-io/valkey/pull/1",
      "https://someone@github.com/valkey-io/valkey/pull/1",
      "http://github.com/valkey-io/valkey/pull/1",
      "https://github.com:8443/valkey-io/valkey/pull/1",
      "https://download.valkey.io.evil.example/releases/x.tar.gz",
    ])
      expect(safeLink(url, allowed)).toBeUndefined();
    expect(markdownLink("#1", "https://github.com@evil.example/", allowed)).toBe(
      "#1 `https://github.com@evil.example/`",
    );
  });

  it("links only the known page shapes of the GitHub server", () => {
    for (const url of [
      "https://github.com/",
      "https://github.com/valkey-io",
      `${repo}/settings`,
      `${repo}/pull/42/files`,
      `${repo}/actions/runs/abc`,
      `${repo}/commit/not-hex`,
      "https://github.com/-bad/valkey/pull/1",
      "https://github.com/login/oauth/authorize?client_id=x",
    ])
      expect(safeLink(url, allowed)).toBeUndefined();
  });

  it("keeps a link on the right host from breaking out of [text](url)", () => {
    const closing = `${repo}/pull/1)](javascript:alert(1))`;
    expect(safeLink(closing, allowed)).toBeUndefined();
    expect(markdownLink("#1", closing, allowed)).toBe(
      "#1 `https://github.com/valkey-io/valkey/pull/1%29%5D%28javascript:alert%281%29%29`",
    );
    // Anything may follow releases/: it is linked, encoded so that it stays inside the parentheses.
    const release = `${repo}/releases/tag/8.0.2)](javascript:alert(1))`;
    expect(markdownLink("notes", release, allowed)).toBe(
      "[notes](https://github.com/valkey-io/valkey/releases/tag/8.0.2%29%5D%28javascript:alert%281%29%29)",
    );
    expect(htmlLink("notes", release, allowed)).toBe(`<a href="${release}">notes</a>`);
  });

  it("encodes HTML in a URL, linked or not", () => {
    const img = "<img src=x onerror=alert(1)>";
    expect(markdownLink("notes", `${repo}/releases/${img}`, allowed)).toBe(
      "[notes](https://github.com/valkey-io/valkey/releases/%3Cimg%20src=x%20onerror=alert%281%29%3E)",
    );
    expect(htmlLink("notes", `${repo}/releases/${img}`, allowed)).toBe(
      '<a href="https://github.com/valkey-io/valkey/releases/%3Cimg%20src=x%20onerror=alert(1)%3E">notes</a>',
    );
    expect(markdownLink("log", `https://evil.example/${img}`, allowed)).toBe(
      "log `https://evil.example/%3Cimg%20src=x%20onerror=alert%281%29%3E`",
    );
    expect(htmlLink("log", `https://evil.example/${img}`, allowed)).toBe(
      "log <code>https://evil.example/&lt;img src=x onerror=alert(1)&gt;</code>",
    );
  });

  it("keeps a space and a | from breaking the table, linked or not", () => {
    const file = "https://download.valkey.io/releases/valkey 8.0.2|x.tar.gz";
    expect(markdownLink("valkey", file, allowed)).toBe(
      "[valkey](https://download.valkey.io/releases/valkey%208.0.2%7Cx.tar.gz)",
    );
    expect(markdownLink("log", "https://evil.example/a b|c", allowed)).toBe(
      "log `https://evil.example/a%20b%7Cc`",
    );
  });

  it("escapes link texts as table cells, so they cannot close the link or start another", () => {
    expect(markdownLink("x](https://evil.example) [y|z", `${repo}/pull/1`, allowed)).toBe(
      `[x\\](https://evil.example) \\[y\\|z](${repo}/pull/1)`,
    );
    expect(cell("a\\|b <b>")).toBe("a\\\\\\|b &lt;b>");
  });

  it("percent-encodes what Markdown reads, and control and non-ASCII characters", () => {
    expect(markdownUrl("https://h/()<>| `\"'[]\\\u0007é")).toBe(
      "https://h/%28%29%3C%3E%7C%20%60%22%27%5B%5D%5C%07%C3%A9",
    );
  });

  it("takes files from under the download URL only, and pages from its host only", () => {
    expect(safeLink("https://download.valkey.io/releases-evil/x.tar.gz", allowed)).toBeUndefined();
    expect(safeLink("https://download.valkey.io/other/x.tar.gz", allowed)).toBeUndefined();
    // A page only under the download location itself: another path of a shared host is not it.
    expect(safeLink("https://download.valkey.io/other/", allowed, "page")).toBeUndefined();
    expect(safeLink("https://download.valkey.io/releases/index.html", allowed, "page")).toBe(
      "https://download.valkey.io/releases/index.html",
    );
    expect(safeLink("https://valkey.io/download/", allowed, "page")).toBeUndefined();
    expect(safeLink(`${repo}/releases/tag/8.0.2`, allowed, "page")).toBeUndefined();
    expect(
      safeLink("https://download.valkey.io/releases/x", { server: "https://github.com" }),
    ).toBeUndefined();
  });

  it("links GitHub pages of the release's own repositories only", () => {
    const own = allowedLinks(config);
    expect(safeLink(`${repo}/actions/runs/1`, own)).toBe(`${repo}/actions/runs/1`);
    expect(safeLink("https://github.com/mallory/evil/releases/download/v1/x.tar.gz", own)).toBeUndefined();
    expect(safeLink("https://github.com/VALKEY-IO/valkey-hashes/pull/3", own)).toBe(
      "https://github.com/VALKEY-IO/valkey-hashes/pull/3",
    );
  });

  it("takes plain http from a loopback server only, as the local rehearsal serves GitHub", () => {
    const local = { server: "http://127.0.0.1:4010" };
    expect(safeLink("http://127.0.0.1:4010/acme/cachet/pull/3", local)).toBe(
      "http://127.0.0.1:4010/acme/cachet/pull/3",
    );
    expect(safeLink("http://127.0.0.1:4010/acme/cachet/pull/3)", local)).toBeUndefined();
    expect(safeLink("http://ghe.example:4010/acme/cachet/pull/3", local)).toBeUndefined();
    const plain = { server: "http://ghe.example" };
    expect(safeLink("http://ghe.example/acme/cachet/pull/3", plain)).toBeUndefined();
  });

  it("allows the config's public download URL and the given GitHub server", () => {
    const repos = [
      "valkey-io/valkey",
      "valkey-io/valkey-release-automation",
      ...config.downstream.map((d) => d.repo),
    ];
    expect(allowedLinks(config)).toEqual({ ...allowed, repos });
    expect(dashboardContext(config, "8.0.2", "h", "https://ghe.example").links).toEqual({
      server: "https://ghe.example",
      downloads: "https://download.valkey.io/releases/",
      repos,
    });
    const { publicUrl: _, ...upload } = config.upload;
    // A dotted bucket is linked path-style (the wildcard certificate does not cover it).
    expect(allowedLinks({ ...config, upload }).downloads).toBe(
      `https://s3.${upload.region}.amazonaws.com/${upload.bucket}/${upload.prefix}`,
    );
  });
});

describe("dashboards fed hostile report URLs", () => {
  const at = (m: number) => `2025-01-07T12:${String(m).padStart(2, "0")}:00Z`;
  const hostile: LedgerEvent[] = [
    {
      id: "pr:hashes:evil",
      at: at(1),
      type: "pull-request",
      downstream: "hashes",
      repo: "valkey-io/valkey-hashes",
      number: 40,
      url: "https://github.com/valkey-io/valkey-hashes/pull/40)](https://evil.example/pr)",
      action: "updated",
    },
    {
      id: "ci:hashes:evil",
      at: at(2),
      type: "downstream-ci",
      downstream: "hashes",
      state: "failure",
      runId: "99",
      url: "https://github.com.evil.example/valkey-io/valkey-hashes/actions/runs/9",
    },
    {
      id: "image:container:evil",
      at: at(3),
      type: "image-build",
      downstream: "container",
      status: "failed",
      tags: [],
      runId: "99",
      url: "https://github.com@evil.example/valkey-io/valkey-container/actions/runs/9",
    },
    {
      id: "page:website:evil",
      at: at(4),
      type: "page-published",
      downstream: "website",
      url: "https://evil.example/https://download.valkey.io/releases/",
    },
    {
      id: "artifact:evil",
      at: at(5),
      type: "artifact",
      name: "valkey-8.0.2-extra.tar.gz",
      state: "uploaded",
      url: "https://evil.example/<img src=x onerror=alert(1)>",
    },
    {
      id: "failed:website:evil",
      at: at(6),
      type: "downstream-failed",
      downstream: "website",
      error: "push refused",
      runUrl: "https://evil.example/a b|c",
    },
    {
      id: "tracking:evil",
      at: at(7),
      type: "tracking-issue",
      repo: "valkey-io/valkey-release-automation",
      number: 1,
      url: "http://github.com/valkey-io/valkey-release-automation/issues/1",
    },
  ];
  const ctx = dashboardContext(config, "8.0.2", "1".repeat(40));

  /** Every link target of a Markdown body and of an HTML page. */
  const targets = (markdown: string, html: string) => [
    ...[...markdown.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1]),
    ...[...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]),
  ];
  const outsideCode = (text: string) => text.replace(/`[^`\n]*`/g, "").replace(/<code>.*?<\/code>/g, "");

  function expectNoHostileLink(markdown: string, html: string) {
    for (const target of targets(markdown, html))
      expect(target).toMatch(/^https:\/\/(github\.com\/valkey-io\/|download\.valkey\.io\/releases\/)/);
    expect(outsideCode(markdown)).not.toContain("evil");
    expect(outsideCode(html)).not.toContain("evil");
    expect(html).not.toContain("<img");
  }

  it("shows each hostile URL as code, keeps the tables whole and the legitimate links", () => {
    for (const e of hostile) expect(ledgerEventSchema.safeParse(e).success).toBe(true);
    const state = deriveState([...valkeyReleaseEvents(), ...hostile]);
    const markdown = renderDashboard(state, ctx);
    const html = renderDashboardHtml(state, ctx, { title: "valkey 8.0.2" });
    expectNoHostileLink(markdown, html);
    expect(markdown).toContain(
      "| hashes | valkey-io/valkey-hashes | #40 `https://github.com/valkey-io/valkey-hashes/pull/40%29%5D%28https://evil.example/pr%29` | ❌ log `https://github.com.evil.example/valkey-io/valkey-hashes/actions/runs/9` |",
    );
    expect(markdown).toContain("live `https://evil.example/https://download.valkey.io/releases/`");
    expect(markdown).toContain(
      "| valkey-8.0.2-extra.tar.gz `https://evil.example/%3Cimg%20src=x%20onerror=alert%281%29%3E` |",
    );
    expect(markdown).toContain("`push refused` — log `https://evil.example/a%20b%7Cc`");
    // A cell break smuggled in a URL would add a column to its row.
    const pipes = (line: string) => line.replace(/\\\|/g, "").split("|").length;
    for (const table of ["| Downstream |", "| File |"]) {
      const lines = markdown.split("\n");
      const start = lines.findIndex((l) => l.startsWith(table));
      const rows = lines.slice(start, lines.indexOf("", start));
      for (const row of rows) expect(pipes(row)).toBe(pipes(rows[0] as string));
    }
    expect(markdown).toContain("[#41](https://github.com/valkey-io/valkey-container/pull/41)");
    expect(markdown).toContain(
      "[valkey-8.0.2-noble-x86_64.tar.gz](https://download.valkey.io/releases/valkey-8.0.2-noble-x86_64.tar.gz)",
    );
    expect(html).toContain(
      "tracking issue #1 <code>http://github.com/valkey-io/valkey-release-automation/issues/1</code>",
    );
    expect(html).toContain('<a href="https://github.com/valkey-io/valkey-container/pull/41">#41</a>');
  });

  it("shows a hostile yank URL as code in the yank table and the next steps", () => {
    const state = deriveState([
      ...valkeyReleaseEvents(),
      { id: "yank", at: at(10), type: "yank", reason: "broken", by: "alice" },
      yankStepEvent("hashes", "revert-proposed", at(11), "7-1", {
        url: "https://evil.example/valkey-io/valkey-hashes/pull/9",
      }),
    ]);
    const markdown = renderDashboard(state, ctx);
    const html = renderDashboardHtml(state, ctx, { title: "valkey 8.0.2" });
    expectNoHostileLink(markdown, html);
    expect(markdown).toContain(
      "| hashes | ↩️ revert PR opened | `https://evil.example/valkey-io/valkey-hashes/pull/9`  |",
    );
    expect(markdown).toContain(
      "- Review and merge the revert PR of hashes: `https://evil.example/valkey-io/valkey-hashes/pull/9`",
    );
  });
});

describe("a local rehearsal's server", () => {
  const local = { server: "http://127.0.0.1:4000" };
  it("is any loopback port (a resumed world listens elsewhere), and only while the server itself is local", () => {
    expect(safeLink("http://127.0.0.1:5000/o/r/pull/2", local)).toBe("http://127.0.0.1:5000/o/r/pull/2");
    expect(safeLink("http://127.0.0.1:5000/o/r/pull/2", { server: "https://github.com" })).toBeUndefined();
    expect(safeLink("http://10.0.0.1:4000/o/r/pull/2", local)).toBeUndefined();
  });
});

describe("free text from outside", () => {
  it("is inline code on one line: no link, no mention, no cell break", () => {
    expect(codeCell("see https://evil.example/x cc @org/team | ok\nnext")).toBe(
      "`see https://evil.example/x cc @org/team \\| ok next`",
    );
    expect(codeCell("a `tick`")).toBe("`` a `tick` ``");
    expect(codeCell("  ")).toBe("");
  });
});
