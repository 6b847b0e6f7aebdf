// The tag filter of the main repo's request-release workflow: init writes the one derived from
// tags.pattern, and the doctor checks the installed one still lets every release tag through.
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { DoctorFinding } from "./doctor.js";
import { filterMatches } from "./filter-glob.js";
import { REQUEST_WORKFLOW_PATH } from "./installed-files.js";
import { sampleTags, type TagFilter, tagFilterFor } from "./tag-filter.js";

/** The filter workflows-templates/main-repo/release.yml holds: the one of the default tags.pattern. */
export const TEMPLATE_TAG_FILTERS: readonly string[] = [
  "[0-9]+.[0-9]+.[0-9]+",
  "[0-9]+.[0-9]+.[0-9]+-rc[0-9]+",
];

const PUSH = /^ {2}push:\s*$/;
const TAGS = /^ {4}tags:\s*$/;
const ITEM = /^ {6}- /;

/**
 * The workflow's text with its `on.push.tags` list replaced, as the template lays it out (the list
 * under `  push:` / `    tags:`); a text laid out otherwise is returned unchanged.
 */
export function withTagFilters(text: string, filters: readonly string[]): string {
  const lines = text.split("\n");
  const on = lines.findIndex((l) => /^on:\s*$/.test(l));
  const push = lines.findIndex((l, i) => i > on && PUSH.test(l));
  const tags = lines.findIndex((l, i) => i > push && TAGS.test(l));
  if (on < 0 || push < 0 || tags < 0 || lines.slice(push + 1, tags).some((l) => !/^ {4,}/.test(l)))
    return text;
  let end = tags + 1;
  while (end < lines.length && ITEM.test(lines[end] as string)) end++;
  lines.splice(tags + 1, end - tags - 1, ...filters.map((f) => `      - ${JSON.stringify(f)}`));
  return lines.join("\n");
}

/** What init says of the filter it wrote: which tags start the workflow, and when it is wider than the pattern. */
export function describeTagFilter(pattern: string, filter: TagFilter = tagFilterFor(pattern)): string {
  const list = filter.filters.map((f) => JSON.stringify(f)).join(", ");
  return filter.wide
    ? `The main repo's workflow starts on tags matching ${list}: tags.pattern ${pattern} has ${filter.wide}, which a tag filter cannot express, so the filter is wider and the trigger refuses every tag tags.pattern does not accept.`
    : `The main repo's workflow starts on tags matching ${list} (from tags.pattern ${pattern}).`;
}

interface InstalledTagFilter {
  tags?: string[] | undefined;
  ignore?: string[] | undefined;
  /** 1-based line of the list to change (or of `push:`, or of `on:`). */
  line: number;
  push: boolean;
}

function readInstalledFilter(text: string): InstalledTagFilter | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) return undefined;
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number] } | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  const on = doc.get("on", true);
  const push = isMap(on) ? on.get("push", true) : undefined;
  const list = (key: string) => {
    const node = isMap(push) ? push.get(key, true) : undefined;
    return isSeq(node)
      ? { node, items: node.items.map((i) => String((i as { value?: unknown }).value ?? i)) }
      : undefined;
  };
  const tags = list("tags");
  const ignore = list("tags-ignore");
  // Branch filters alone: GitHub then starts the workflow on no tag at all.
  const branchesOnly =
    !tags && !ignore && isMap(push) && (push.has("branches") || push.has("branches-ignore"));
  // `on: [push, …]` or `push:` with no filters: every pushed tag starts it.
  const pushed =
    (isSeq(on) && on.items.some((i) => String((i as { value?: unknown }).value) === "push")) ||
    (on !== undefined && isMap(on) && on.has("push"));
  return {
    tags: tags?.items,
    ignore: ignore?.items,
    // The list itself, else the `push:` key (or `on:`) the list goes under.
    line: lineOf(
      tags?.node ??
        ignore?.node ??
        (isMap(on)
          ? on.items.find((p) => String((p.key as { value?: unknown })?.value) === "push")?.key
          : undefined) ??
        on,
    ),
    push: pushed && !branchesOnly,
  };
}

/**
 * Whether every tag tags.pattern accepts still starts the installed request-release workflow, judged
 * on tags sampled from the pattern; a mismatch names the line to change and what to.
 */
export function tagFilterFinding(repo: string, pattern: string, workflowText: string): DoctorFinding {
  const check = `${repo}: ${REQUEST_WORKFLOW_PATH} starts on every tag tags.pattern accepts`;
  const wanted = tagFilterFor(pattern).filters;
  const fix = (where: string) =>
    `in ${REQUEST_WORKFLOW_PATH} of ${repo}, ${where} with:\n        tags:\n${wanted.map((f) => `          - ${JSON.stringify(f)}`).join("\n")}\n      (or run \`release-relay init --tag-pattern '${pattern}' --main-dir DIR --force\`)`;
  const installed = readInstalledFilter(workflowText);
  if (!installed)
    return {
      check,
      ok: false,
      problem: "it is not valid YAML",
      fix: fix("rewrite the file (from the template)"),
    };
  const starts = (tag: string) =>
    installed.push &&
    (installed.tags ? filterMatches(installed.tags, tag) : true) &&
    !(installed.ignore && filterMatches(installed.ignore, tag));
  const missed = sampleTags(pattern).filter((t) => !starts(t));
  if (missed.length === 0) return { check, ok: true };
  const shown = missed.slice(0, 3).map((t) => JSON.stringify(t));
  return {
    check,
    ok: false,
    problem: `tag${missed.length > 1 ? "s" : ""} ${shown.join(", ")} ${missed.length > 1 ? "match" : "matches"} tags.pattern ${pattern} but ${installed.push ? `not on.push.tags ${JSON.stringify(installed.tags ?? [])}${installed.ignore ? ` (tags-ignore ${JSON.stringify(installed.ignore)})` : ""}` : "the workflow has no on.push"}: pushing such a tag requests no release`,
    fix: fix(
      installed.tags || installed.ignore
        ? `replace the list at line ${installed.line}${installed.ignore ? " (and drop tags-ignore)" : ""}`
        : `add under push: (line ${installed.line})`,
    ),
  };
}
