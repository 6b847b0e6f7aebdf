// The main repo's workflow starts on a pushed tag only when the tag matches its `on.push.tags`
// filter, GitHub's own glob, not a regular expression. GitHub's "Filter pattern cheat sheet"
// (docs.github.com, Workflow syntax for GitHub Actions): `*` matches zero or more characters but not
// `/`, `**` any characters, `?` zero or one of the preceding character, `+` one or more of it, `[]`
// one alphanumeric character listed or in ranges of a-z, A-Z and 0-9, and `!` first negates.
// The filter written must match every tag tags.pattern accepts (it may match more: the trigger
// validates each tag against tags.pattern before it asks for anything), never fewer.
import { parseTag } from "../request/version.js";
import {
  type CharSet,
  inSet,
  readTagPattern,
  type Term,
  UntranslatablePattern,
} from "./tag-pattern-syntax.js";

/** The tag filter derived from a tags.pattern; `wide` says why it matches more than it could. */
export interface TagFilter {
  filters: string[];
  /** Set when the pattern could not be translated faithfully and the filter is a wide one. */
  wide?: string;
}

// A flat run of terms: groups repeated at most once are spelled out into alternatives.
interface Flat {
  terms: Term[];
  start: boolean;
  end: boolean;
}

const MAX_FILTERS = 8;
const MAX_REPEAT = 8;
const ALNUM_RANGES: [string, string][] = [
  ["0", "9"],
  ["A", "Z"],
  ["a", "z"],
];
// Characters a glob reads as themselves (none of * ? + [ ] ! \).
const PLAIN = /^[A-Za-z0-9._/-]$/;

function product<T>(parts: T[][][], limit: number): T[][] {
  let out: T[][] = [[]];
  for (const part of parts) {
    out = out.flatMap((prefix) => part.map((p) => [...prefix, ...p]));
    if (out.length > limit)
      throw new UntranslatablePattern(`more than ${limit} alternatives (groups and | multiply)`);
  }
  return out;
}

function flatten(options: Term[][]): Term[][] {
  return options.flatMap((terms) =>
    product(
      terms.map((t): Term[][] => {
        if (t.kind !== "group" || t.max > 1) return [[t]];
        if (t.max === 0) return [[]];
        return [...(t.min === 0 ? [[]] : []), ...flatten(t.options)];
      }),
      MAX_FILTERS,
    ),
  );
}

const char = (p: number) => String.fromCodePoint(p);

/** One character of a glob for a set: itself, a `[...]` of alphanumeric ranges, or `*` when wider. */
function globOfSet(set: CharSet): string {
  if (set.negated || set.ranges.length === 0) return "*";
  const [first] = set.ranges;
  if (set.ranges.length === 1 && first && first[0] === first[1]) {
    const c = char(first[0]);
    return PLAIN.test(c) ? c : "*";
  }
  const alnum = set.ranges.every(([from, to]) =>
    ALNUM_RANGES.some(
      ([lo, hi]) => from >= (lo.codePointAt(0) as number) && to <= (hi.codePointAt(0) as number),
    ),
  );
  if (!alnum) return "*";
  return `[${set.ranges.map(([from, to]) => (from === to ? char(from) : `${char(from)}-${char(to)}`)).join("")}]`;
}

function globOfTerm(t: Term): string[] {
  const one = t.kind === "chars" ? globOfSet(t.set) : "*";
  if (t.max === 0) return [];
  if (one === "*" || t.min > MAX_REPEAT) return ["*"];
  const repeat = (n: number) => Array.from({ length: n }, () => one);
  if (t.min === t.max) return repeat(t.min);
  if (t.max === Number.POSITIVE_INFINITY && t.min >= 1) return [...repeat(t.min - 1), `${one}+`];
  // `?` on a single literal; on a class GitHub's "preceding character" is not said, so `*` instead.
  if (t.min === 0 && t.max === 1 && one.length === 1) return [`${one}?`];
  return [...repeat(t.min), "*"];
}

function globOf(flat: Flat): string {
  const parts = [...(flat.start ? [] : ["*"]), ...flat.terms.flatMap(globOfTerm), ...(flat.end ? [] : ["*"])];
  // Two `*` side by side would read as `**` (which crosses `/`): one is as wide.
  return parts.filter((p, i) => !(p === "*" && parts[i - 1] === "*")).join("");
}

function flats(pattern: string): Flat[] {
  return readTagPattern(pattern).flatMap((o) =>
    flatten([o.terms]).map((terms) => ({ terms, start: o.start, end: o.end })),
  );
}

// The literal text a pattern surely starts with (`^v`, `^release-`), for the wide filter.
function literalPrefix(pattern: string): string {
  if (!pattern.startsWith("^") || pattern.includes("|")) return "";
  let prefix = "";
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const escaped = c === "\\" && /[.\-_/]/.test(pattern[i + 1] ?? "");
    const literal = escaped ? (pattern[i + 1] as string) : /[A-Za-z0-9_-]/.test(c) ? c : undefined;
    if (literal === undefined) break;
    const next = pattern[i + (escaped ? 2 : 1)] ?? "";
    if ("?*{".includes(next) && next !== "") break;
    prefix += literal;
    if (escaped) i++;
  }
  return prefix;
}

/** The `on.push.tags` filter for a tags.pattern: every tag it accepts matches, perhaps more. */
export function tagFilterFor(pattern: string): TagFilter {
  try {
    const globs = [...new Set(flats(pattern).map(globOf))];
    if (globs.length > MAX_FILTERS)
      throw new UntranslatablePattern(`more than ${MAX_FILTERS} alternatives (groups and | multiply)`);
    return globs.includes("*") ? { filters: ["*"] } : { filters: globs };
  } catch (error) {
    if (!(error instanceof UntranslatablePattern)) throw error;
    return { filters: [`${literalPrefix(pattern)}*`], wide: error.message };
  }
}

const CANDIDATES = [..."0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._+-"];

// One tag-safe string a term matches; `long` repeats more and picks a later character.
function sampleTerm(t: Term, long: boolean): string | undefined {
  const count = long ? Math.min(t.max, t.min + 2) : t.min;
  let one: string | undefined;
  if (t.kind === "chars") {
    const allowed = CANDIDATES.filter((c) => inSet(t.set, c));
    one = allowed[long ? Math.min(allowed.length - 1, 7) : 0];
  } else {
    const [first] = flatten(t.options);
    one = first && sampleTerms(first, long);
  }
  return one === undefined ? (count === 0 ? "" : undefined) : one.repeat(count);
}

function sampleTerms(terms: readonly Term[], long: boolean): string | undefined {
  let out = "";
  for (const t of terms) {
    const s = sampleTerm(t, long);
    if (s === undefined) return undefined;
    out += s;
  }
  return out;
}

/**
 * Tags the trigger would accept under a pattern: short and long instances of each alternative, and a
 * few common shapes, kept only when the trigger's own check (`parseTag`) accepts them.
 */
export function sampleTags(pattern: string): string[] {
  const prefix = literalPrefix(pattern);
  const common = ["1.2.3", "v1.2.3", "1.2.3-rc1", "v1.2.3-rc1", "1.2.3-rc.1"].flatMap((t) => [
    t,
    `${prefix}${t}`,
  ]);
  let derived: string[] = [];
  try {
    derived = flats(pattern).flatMap((f) =>
      [false, true].map((long) => sampleTerms(f.terms, long)).filter((s) => s !== undefined),
    );
  } catch (error) {
    if (!(error instanceof UntranslatablePattern)) throw error;
  }
  return [...new Set([...derived, ...common])].filter((tag) => {
    try {
      parseTag(tag, pattern);
      return true;
    } catch {
      return false;
    }
  });
}
