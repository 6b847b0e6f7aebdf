// GitHub's filter pattern syntax for `on.push.tags`/`branches` and their `!` exclusions: `*` (not
// `/`), `**`, `+` and `?` (of the preceding character), `[...]` sets; patterns in order, a `!` one
// taking out again what an earlier one matched. Source: docs.github.com, "Workflow syntax for GitHub
// Actions" → "Filter pattern cheat sheet". One matcher for the local runner's triggers and for
// doctor's check of an installed tag filter.

/** GitHub's filter glob as a regular expression. */
export function globRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      out += ".*";
      i++;
    } else if (c === "*") out += "[^/]*";
    else if (c === "[" && glob.indexOf("]", i) > i) {
      const end = glob.indexOf("]", i);
      out += `[${glob.slice(i + 1, end).replace(/[\\^\]]/g, "\\$&")}]`;
      i = end;
    } else if (c === "+" || c === "?") out += c;
    else out += c.replace(/[.^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** Whether a tag matches a filter list: in order, a pattern matches it in, a `!` pattern out again. */
export function filterMatches(filters: readonly string[], tag: string): boolean {
  let matched = false;
  for (const f of filters)
    if (f.startsWith("!")) matched &&= !globRegExp(f.slice(1)).test(tag);
    else matched ||= globRegExp(f).test(tag);
  return matched;
}
