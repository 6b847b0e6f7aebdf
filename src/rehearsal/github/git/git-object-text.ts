// Git objects as text: the commits, tags and tree listings git prints, parsed, and the listing of a
// tree written here, as `git ls-tree -l` would print it.
import { inTreeOrder, type TreeItem } from "./git-objects.js";

/** An author or committer line. */
export interface GitIdentity {
  name: string;
  email: string;
  date: string;
}

/** One entry of a tree listing. */
export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size?: number;
  path: string;
}

/** A parsed annotated tag object. */
export interface GitTag {
  sha: string;
  object: string;
  type: string;
  tag: string;
  tagger: GitIdentity;
  message: string;
}

/** A parsed commit object. */
export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
}

const identity = (line: string): GitIdentity | undefined => {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  return m
    ? {
        name: m[1] as string,
        email: m[2] as string,
        date: new Date(Number(m[3]) * 1000).toISOString().replace(/\.000Z$/, "Z"),
      }
    : undefined;
};

/** Headers and message of a commit or tag object. */
function split(raw: string): {
  value: (key: string) => string | undefined;
  all: (key: string) => string[];
  message: string;
} {
  const at = raw.indexOf("\n\n");
  const header = raw.slice(0, at === -1 ? raw.length : at).split("\n");
  const all = (key: string) =>
    header.filter((l) => l.startsWith(`${key} `)).map((l) => l.slice(key.length + 1));
  return { value: (key) => all(key)[0], all, message: at === -1 ? "" : raw.slice(at + 2) };
}

export function parseCommit(sha: string, raw: string): GitCommit {
  const c = split(raw);
  const none = { name: "", email: "", date: "" };
  return {
    sha,
    tree: c.value("tree") ?? "",
    parents: c.all("parent"),
    author: identity(c.value("author") ?? "") ?? none,
    committer: identity(c.value("committer") ?? "") ?? none,
    message: c.message,
  };
}

export function parseTag(sha: string, raw: string): GitTag {
  const t = split(raw);
  return {
    sha,
    object: t.value("object") ?? "",
    type: t.value("type") ?? "",
    tag: t.value("tag") ?? "",
    tagger: identity(t.value("tagger") ?? "") ?? { name: "", email: "", date: "" },
    message: t.message,
  };
}

/** `git ls-tree -l -z` output. */
export function parseTreeListing(out: string): TreeEntry[] {
  return out
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/) as [
        string,
        TreeEntry["type"],
        string,
        string,
      ];
      return { mode, type, sha, path: line.slice(tab + 1), ...(size !== "-" ? { size: Number(size) } : {}) };
    });
}

/** A tree's listing as `git ls-tree -l` prints it, or undefined when a blob's size is not known. */
export function treeListing(
  items: readonly TreeItem[],
  sizeOf: (blob: string) => number | undefined,
): TreeEntry[] | undefined {
  const entries: TreeEntry[] = [];
  for (const i of inTreeOrder(items)) {
    const size = i.type === "blob" ? sizeOf(i.sha) : undefined;
    if (i.type === "blob" && size === undefined) return undefined;
    entries.push({
      mode: i.type === "tree" ? "040000" : i.mode.padStart(6, "0"),
      type: i.type,
      sha: i.sha,
      path: i.name,
      ...(size !== undefined ? { size } : {}),
    });
  }
  return entries;
}
