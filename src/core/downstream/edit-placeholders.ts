import type { ArtifactHash } from "../artifacts/checksums.js";
import type { Config, Downstream } from "../config/schema.js";
import { closest } from "../inputs/closest-name.js";
import { targetArtifacts } from "../request/plan.js";
import { parseVersion } from "../request/version.js";
import { editValues } from "./release-values.js";
import type { TemplateValue } from "./template.js";

/** The placeholders a downstream's templates may use: names, the fields of each list's items, outputs. */
export interface KnownPlaceholders {
  /** Names usable anywhere: `{version}`, `{source-archive.sha256}`, `{binary.linux-noble-arm64.url}`. */
  names: readonly string[];
  /** For each list `{#name}` repeats over, the fields of its items (none for a list of plain values). */
  lists: ReadonlyMap<string, readonly string[]>;
  /** Downstreams this one comes after (directly or not): any `{<name>.<key>}` is one of their outputs. */
  outputsOf: readonly string[];
  /** Records an edit kind lists from the repo's files: any `{<record>.<field>}` is one of their fields. */
  records?: readonly string[];
}

const SHA256 = "a".repeat(64);

function listsIn(values: Readonly<Record<string, TemplateValue>>, into: Map<string, string[]>): void {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "object") continue;
    const records = value.filter((v) => typeof v === "object");
    const fields = [...new Set(records.flatMap((r) => Object.keys(r)))];
    into.set(name, [...new Set([...(into.get(name) ?? []), ...fields])]);
    for (const r of records) listsIn(r, into);
  }
}

function upstreamOf(config: Config, downstream: Downstream): string[] {
  const byName = new Map(config.downstream.map((d) => [d.name, d]));
  const found = new Set<string>();
  const visit = (names: readonly string[]) => {
    for (const n of names)
      if (!found.has(n) && n !== downstream.name) {
        found.add(n);
        visit(byName.get(n)?.after ?? []);
      }
  };
  visit(downstream.after);
  return [...found];
}

/**
 * What a downstream's edits may fill in, from the values of a release made up to have every
 * published file the config names: the same function that fills them in at release time decides,
 * so this list cannot drift from it. Undefined when the config's own templates do not render.
 */
export function knownPlaceholders(config: Config, downstream: Downstream): KnownPlaceholders | undefined {
  try {
    const version = parseVersion("1.2.3-rc1");
    const hashes: ArtifactHash[] = [
      ...(config.source.archive ? [{ name: "source.tar.gz", kind: "source-archive" as const }] : []),
      { name: "SHA256SUMS", kind: "checksums" as const },
      ...targetArtifacts(config, version).map((t) => ({ name: t.artifact, kind: "binary" as const })),
    ].map((h) => ({ ...h, size: 1, sha256: SHA256, url: "https://example.invalid/" }));
    const values = editValues(config, { version, date: "2000-01-01", hashes, floatingTags: ["1.2"] });
    const lists = new Map<string, string[]>();
    listsIn(values, lists);
    return { names: Object.keys(values), lists, outputsOf: upstreamOf(config, downstream) };
  } catch {
    return undefined; // the config's own templates are refused with their own message
  }
}

const NAME = "[A-Za-z][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+)*";
const TAG = new RegExp(`\\{(?:([#^/])(${NAME})|(${NAME}|\\.))\\}`, "g");

/**
 * One message per placeholder of `template` that nothing fills in for this downstream, with what
 * to use instead: the nearest known name ("did you mean"), or the `after:` that brings another
 * downstream's outputs. Inside `{#list}…{/list}` the fields of the list's items are known too.
 */
export function unknownPlaceholders(template: string, known: KnownPlaceholders): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const reported = new Set<string>();
  const isOutput = (name: string) =>
    [...known.outputsOf, ...(known.records ?? [])].some((d) => name.startsWith(`${d}.`));
  for (const m of template.matchAll(TAG)) {
    const [, sigil, blockName, valueName] = m;
    const name = (blockName ?? valueName) as string;
    if (sigil === "/") {
      if (open.at(-1) === name) open.pop();
      continue;
    }
    const fields = open.flatMap((list) => known.lists.get(list) ?? []);
    const usable = [...known.names, ...fields];
    if (name !== "." && !usable.includes(name) && !isOutput(name) && !reported.has(name)) {
      reported.add(name);
      problems.push(fix(name, usable, known));
    }
    if (sigil) open.push(name);
  }
  return problems;
}

function fix(name: string, usable: readonly string[], known: KnownPlaceholders): string {
  const guess = closest(name, usable);
  if (guess) return `unknown placeholder {${name}} — did you mean {${guess}}?`;
  const [prefix] = name.split(".");
  if (name.includes(".") && !known.names.some((n) => n.startsWith(`${prefix}.`)))
    return `unknown placeholder {${name}}; another downstream's outputs are {<downstream>.<key>}, with that downstream in after:`;
  const shown = [...new Set(usable.map((n) => (n.includes(".") ? `${n.split(".")[0]}.<field>` : n)))];
  return `unknown placeholder {${name}}; use ${shown.map((n) => `{${n}}`).join(", ")}`;
}
