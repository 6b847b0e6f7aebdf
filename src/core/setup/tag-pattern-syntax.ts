// The part of JavaScript's regular expressions a tags.pattern is written in (literals, classes, `.`,
// groups, alternation, quantifiers, `^`/`$` around the whole), read into a tree so the workflow's tag
// filter can be derived from it. Anything else (lookarounds, backreferences, `\b`, anchors inside a
// group) is refused here: such a pattern gets a wide filter and the trigger refuses what it must.

/** A set of characters: the code point ranges it holds, or everything but them when `negated`. */
export interface CharSet {
  ranges: [number, number][];
  negated: boolean;
}

/** One atom with its repetition: a character set or a group. */
export type Term = { min: number; max: number } & (
  | { kind: "chars"; set: CharSet }
  | { kind: "group"; options: Term[][] }
);

/** One top-level alternative: its terms, and whether it is held to the start and end of the tag. */
export interface TopOption {
  terms: Term[];
  start: boolean;
  end: boolean;
}

/** Why a pattern is beyond what the filter is derived from. */
export class UntranslatablePattern extends Error {}

const code = (c: string) => c.codePointAt(0) as number;
const single = (c: string): CharSet => ({ ranges: [[code(c), code(c)]], negated: false });
const DIGITS: [number, number][] = [[code("0"), code("9")]];
const WORD: [number, number][] = [
  ...DIGITS,
  [code("A"), code("Z")],
  [code("_"), code("_")],
  [code("a"), code("z")],
];
const SPACE: [number, number][] = [
  [9, 13],
  [32, 32],
];

// \d \w \s and their negations; other letters after a backslash mean something this reader leaves out.
function classEscape(c: string): CharSet | undefined {
  const table: Record<string, [number, number][]> = { d: DIGITS, w: WORD, s: SPACE };
  const lower = c.toLowerCase();
  if (!(lower in table)) return undefined;
  return { ranges: table[lower] as [number, number][], negated: c !== lower };
}

class Reader {
  i = 0;
  constructor(readonly src: string) {}
  peek = () => this.src[this.i];
  fail(what: string): never {
    throw new UntranslatablePattern(`${what} at position ${this.i}`);
  }

  options(depth: number): Term[][] {
    const options: Term[][] = [this.sequence(depth)];
    while (this.peek() === "|") {
      this.i++;
      options.push(this.sequence(depth));
    }
    return options;
  }

  sequence(depth: number): Term[] {
    const terms: Term[] = [];
    for (let c = this.peek(); c !== undefined && c !== "|" && c !== ")"; c = this.peek()) {
      if (c === "^" || c === "$") {
        if (depth > 0) this.fail(`an anchor (${c}) inside a group`);
        return terms;
      }
      const atom = this.atom(depth);
      terms.push({ ...atom, ...this.quantifier() } as Term);
    }
    return terms;
  }

  atom(depth: number): { kind: "chars"; set: CharSet } | { kind: "group"; options: Term[][] } {
    const c = this.src[this.i++] as string;
    if (c === "(") {
      const rest = this.src.slice(this.i);
      const named = /^\?<[A-Za-z_$][\w$]*>/.exec(rest);
      if (named) this.i += named[0].length;
      else if (rest.startsWith("?:")) this.i += 2;
      else if (rest.startsWith("?")) this.fail("a lookaround or modifier group");
      const options = this.options(depth + 1);
      if (this.src[this.i++] !== ")") this.fail("an unclosed group");
      return { kind: "group", options };
    }
    if (c === "[") return { kind: "chars", set: this.charClass() };
    if (c === ".") return { kind: "chars", set: { ranges: [[10, 10]], negated: true } };
    if (c === "\\") return { kind: "chars", set: this.escape() };
    if ("*+?{}])".includes(c)) this.fail(`a stray ${c}`);
    return { kind: "chars", set: single(c) };
  }

  escape(): CharSet {
    const c = this.src[this.i++];
    if (c === undefined) this.fail("a trailing backslash");
    const set = classEscape(c);
    if (set) return set;
    // Escaped punctuation is itself; escaped letters and digits are assertions, references or codes.
    if (/[A-Za-z0-9]/.test(c)) this.fail(`\\${c}`);
    return single(c);
  }

  charClass(): CharSet {
    const negated = this.peek() === "^";
    if (negated) this.i++;
    const ranges: [number, number][] = [];
    const one = (): CharSet | number => {
      const c = this.src[this.i++];
      if (c === undefined) this.fail("an unclosed character class");
      if (c !== "\\") return code(c);
      const set = this.escape();
      return set.ranges.length === 1 && !set.negated && set.ranges[0]?.[0] === set.ranges[0]?.[1]
        ? (set.ranges[0]?.[0] as number)
        : set;
    };
    while (this.peek() !== "]") {
      const from = one();
      if (typeof from !== "number") {
        if (from.negated) this.fail("a negated escape inside a class");
        ranges.push(...from.ranges);
        continue;
      }
      if (this.peek() === "-" && this.src[this.i + 1] !== "]") {
        this.i++;
        const to = one();
        if (typeof to !== "number" || to < from) this.fail("a bad range in a class");
        ranges.push([from, to]);
      } else ranges.push([from, from]);
    }
    this.i++;
    return { ranges, negated };
  }

  quantifier(): { min: number; max: number } {
    const c = this.peek();
    let q: { min: number; max: number } = { min: 1, max: 1 };
    if (c === "?" || c === "*" || c === "+") {
      this.i++;
      q = { min: c === "+" ? 1 : 0, max: c === "?" ? 1 : Number.POSITIVE_INFINITY };
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) this.fail("a brace that is not a repetition");
      this.i += m[0].length;
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY };
    } else return q;
    if (this.peek() === "?") this.i++; // lazy: matches the same tags
    if ("?*+{".includes(this.peek() ?? "-")) this.fail("a repeated quantifier");
    return q;
  }
}

/** Reads a tags.pattern; throws UntranslatablePattern for what the filter cannot be derived from. */
export function readTagPattern(source: string): TopOption[] {
  const r = new Reader(source);
  const top: TopOption[] = [];
  for (;;) {
    const start = r.peek() === "^";
    if (start) r.i++;
    const terms = r.sequence(0);
    const end = r.peek() === "$";
    if (end) r.i++;
    top.push({ terms, start, end });
    const next = r.peek();
    if (next === undefined) return top;
    if (next !== "|") r.fail(next === ")" ? "an unopened group" : `an anchor (${next}) inside the pattern`);
    r.i++;
  }
}

/** Whether a character belongs to a set. */
export function inSet(set: CharSet, c: string): boolean {
  const p = code(c);
  return set.ranges.some(([from, to]) => p >= from && p <= to) !== set.negated;
}
