import { execFile, spawn } from "node:child_process";
import {
  type GitCommit,
  type GitIdentity,
  type GitTag,
  parseCommit,
  parseTag,
  parseTreeListing,
  type TreeEntry,
  treeListing,
} from "./git-object-text.js";
import {
  editTree,
  encodeCommit,
  encodeTree,
  messageBody,
  objectIdOf,
  type TreeItem,
  writeLooseObject,
} from "./git-objects.js";
import { ObjectCache } from "./object-cache.js";
import { readRefFile } from "./ref-files.js";

export type { GitCommit, GitIdentity, GitTag, TreeEntry };

/** A failed git command, with git's own message. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly exitCode: number,
  ) {
    super(`git ${args.join(" ")} failed (${exitCode}): ${stderr.trim()}`);
  }
}

/** A full object id: the only name that stands for the same object forever. */
const OBJECT_ID = /^[0-9a-f]{40}$/;

/**
 * Whether `content` is the object `name` names: kept in memory only then, as a ref name moves and
 * git peels a tag's id to its commit (`cat-file commit <tag>`).
 */
const namesItself = (name: string, type: string, content: Buffer) =>
  OBJECT_ID.test(name) && objectIdOf(type, content) === name;

/** The cache's key for a listing of `sha` (a tree, or a commit's). */
const listingKey = (sha: string, recursive: boolean, path?: string) => `${sha} ${recursive} ${path ?? ""}`;

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  LC_ALL: "C",
};

/** One emulated repository's object store and refs: a bare repository driven by git plumbing. */
export class GitStore {
  /** Objects never change: what was read or written once is answered again without git. */
  private readonly cache = new ObjectCache();

  constructor(readonly dir: string) {}

  /** Runs git in this bare repository; stdin may carry object content. */
  run(
    args: string[],
    options: { input?: Buffer | string; env?: Record<string, string> } = {},
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn("git", ["--git-dir", this.dir, ...args], {
        env: { ...process.env, ...GIT_ENV, ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => err.push(d));
      child.on("error", reject);
      child.on("close", (code) => {
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new GitError(args, Buffer.concat(err).toString(), code ?? -1));
      });
      child.stdin.on("error", () => {});
      child.stdin.end(options.input ?? "");
    });
  }

  async text(
    args: string[],
    options?: { input?: Buffer | string; env?: Record<string, string> },
  ): Promise<string> {
    return (await this.run(args, options)).toString("utf8").trim();
  }

  /** Creates the bare repository. */
  static async init(dir: string, defaultBranch: string): Promise<GitStore> {
    await new Promise<void>((resolve, reject) =>
      execFile(
        "git",
        ["init", "--bare", "--quiet", `--initial-branch=${defaultBranch}`, dir],
        { env: { ...process.env, ...GIT_ENV } },
        (e) => (e ? reject(e) : resolve()),
      ),
    );
    return new GitStore(dir);
  }

  async writeBlob(content: Buffer): Promise<string> {
    const sha = await writeLooseObject(this.dir, "blob", content);
    this.cache.wrote(sha, "blob", content);
    return sha;
  }

  async readBlob(sha: string): Promise<Buffer> {
    const known = this.cache.blob(sha);
    if (known) return known;
    const content = await this.run(["cat-file", "blob", sha]);
    if (namesItself(sha, "blob", content)) this.cache.wrote(sha, "blob", content);
    return content;
  }

  /** The type of an object, or undefined when it does not exist. */
  async objectType(sha: string): Promise<string | undefined> {
    if (!OBJECT_ID.test(sha)) return undefined;
    const known = this.cache.type(sha);
    if (known) return known;
    try {
      const type = await this.text(["cat-file", "-t", sha]);
      this.cache.typed(sha, type);
      return type;
    } catch {
      return undefined;
    }
  }

  /** Resolves a ref, branch, tag or sha to a commit sha, or undefined. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    // A commit this store read or wrote, or a branch or tag naming one, without git; anything
    // else (short ids, `^` and `~`, HEAD) as git resolves it.
    if (OBJECT_ID.test(ref) && this.cache.type(ref) === "commit") return ref;
    if (/^[\w./-]+$/.test(ref) && !/^[A-Z_]+$/.test(ref)) {
      const names = ref.startsWith("refs/")
        ? [ref]
        : [`refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`];
      for (const name of names) {
        const sha = await this.readRef(name);
        if (!sha) continue;
        if (this.cache.type(sha) === "commit") return sha;
        break;
      }
    }
    try {
      return await this.text(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
      return undefined;
    }
  }

  /** Value of a full ref name (`refs/heads/main`), or undefined. */
  async readRef(ref: string): Promise<string | undefined> {
    const known = await readRefFile(this.dir, ref);
    if (known !== "ask git") return known;
    try {
      return await this.text(["rev-parse", "--verify", "--quiet", ref]);
    } catch {
      return undefined;
    }
  }

  /** One ref exactly, with what it points at; undefined when there is none. */
  async findRef(ref: string): Promise<{ ref: string; sha: string; type: string } | undefined> {
    const sha = await readRefFile(this.dir, ref);
    if (sha === "ask git") return (await this.listRefs(ref)).find((x) => x.ref === ref);
    const type = sha && (await this.objectType(sha));
    return sha && type ? { ref, sha, type } : undefined;
  }

  /** Every ref under a prefix (`refs/heads/release-relay/`), with its value. */
  async listRefs(prefix: string): Promise<{ ref: string; sha: string; type: string }[]> {
    const out = await this.text(["for-each-ref", "--format=%(refname) %(objectname) %(objecttype)", prefix]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [ref, sha, type] = line.split(" ") as [string, string, string];
        return { ref, sha, type };
      })
      .filter((r) => r.ref.startsWith(prefix));
  }

  /** Compare-and-swap of a ref: succeeds only if it still holds `expected` ("" = must not exist). */
  async casRef(ref: string, next: string, expected: string): Promise<boolean> {
    try {
      await this.run(["update-ref", ref, next, expected || "0".repeat(40)]);
      return true;
    } catch {
      return false;
    }
  }

  async deleteRef(ref: string, expected: string): Promise<boolean> {
    try {
      await this.run(["update-ref", "-d", ref, expected]);
      return true;
    } catch {
      return false;
    }
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    // Walked through the commits this store knows (a ledger's or a release branch's short
    // history); git walks the rest.
    const seen = new Set<string>();
    const queue = [descendant];
    let walked = true;
    while (queue.length > 0) {
      const sha = queue.shift() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      if (seen.size >= 2000 || !this.cache.content(sha, "commit")) {
        walked = false;
        break;
      }
      seen.add(sha);
      queue.push(...(await this.readCommit(sha)).parents);
    }
    if (walked) return false;
    try {
      await this.run(["merge-base", "--is-ancestor", ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** The best common ancestor of two commits; undefined when their histories are unrelated. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    try {
      return (await this.text(["merge-base", a, b])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Commits reachable from `head` but not from `base`, oldest first (`git log base..head`). */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    const out = await this.text(["rev-list", "--reverse", `${base}..${head}`]);
    return out.split("\n").filter(Boolean);
  }

  /** Lists a tree, recursively when asked, with blob sizes. */
  async listTree(sha: string, recursive: boolean, path?: string): Promise<TreeEntry[]> {
    const key = listingKey(sha, recursive, path);
    const known = this.cache.listing(key);
    if (known) return known.map((e) => ({ ...e }));
    // One path of a commit or tree this store wrote: found through the listings it already has.
    if (!recursive && path && OBJECT_ID.test(sha) && !/[*?[\\]|\/$|^\//.test(path)) {
      const type = this.cache.type(sha);
      let tree = type === "commit" ? (await this.readCommit(sha)).tree : type === "tree" ? sha : undefined;
      const parts = path.split("/");
      for (const [i, name] of parts.entries()) {
        const listing = tree && this.cache.listing(listingKey(tree, false));
        if (!listing) break;
        const entry = listing.find((e) => e.path === name);
        if (!entry) return [];
        if (i === parts.length - 1) return [{ ...entry, path }];
        if (entry.type !== "tree") return [];
        tree = entry.sha;
      }
    }
    // A path is a file's name, never a pattern (`:foo` is a file, not pathspec magic).
    const args = [
      "--literal-pathspecs",
      "ls-tree",
      "-l",
      "-z",
      "--full-tree",
      ...(recursive ? ["-r", "-t"] : []),
      sha,
      ...(path ? ["--", path] : []),
    ];
    const entries = parseTreeListing((await this.run(args)).toString("utf8"));
    // Only an object id names the same tree forever; a branch or "HEAD" moves.
    if (OBJECT_ID.test(sha)) this.cache.listed(key, entries);
    return entries.map((e) => ({ ...e }));
  }

  /**
   * Writes a tree: the base tree's entries (if any) with the given entries set or (sha null) removed,
   * nested paths creating subtrees, as GitHub's create-tree does (editTree).
   */
  async writeTree(
    base: string | undefined,
    entries: { path: string; mode: string; sha: string | null }[],
  ): Promise<string> {
    return editTree(base, entries, {
      items: async (tree) =>
        (await this.listTree(tree, false)).map((e) => ({
          name: e.path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
        })),
      write: async (items: TreeItem[]) => {
        const sha = await writeLooseObject(this.dir, "tree", encodeTree(items));
        this.cache.typed(sha, "tree");
        // Its listing is known when every blob's size is: the next read of it needs no git.
        const listing = treeListing(items, (blob) => this.cache.blob(blob)?.length);
        if (listing) this.cache.listed(listingKey(sha, false), listing);
        return sha;
      },
    });
  }

  async writeCommit(
    tree: string,
    parents: string[],
    message: string,
    author: GitIdentity,
    committer: GitIdentity,
  ): Promise<string> {
    const content = encodeCommit(tree, parents, message, author, committer);
    if (content) {
      const sha = await writeLooseObject(this.dir, "commit", content);
      this.cache.wrote(sha, "commit", content);
      return sha;
    }
    const env = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: author.date,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: committer.date,
    };
    return this.text(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"], {
      env,
      input: message,
    });
  }

  /** The bodies (all after the subject) of the last `count` commits of a straight history from `head`. */
  async recentBodies(head: string, count: number): Promise<string[]> {
    const bodies: string[] = [];
    let sha: string | undefined = head;
    while (sha && bodies.length < count) {
      const commit = await this.readCommit(sha);
      // A merge's history is ordered by git's walk, not by parents: git lists it.
      if (commit.parents.length > 1) {
        const log = await this.run(["log", "--format=%b%x00", `--max-count=${count}`, head]);
        return log
          .toString("utf8")
          .split("\0")
          .slice(0, -1)
          .map((b) => b.trim());
      }
      bodies.push(messageBody(commit.message));
      sha = commit.parents[0];
    }
    return bodies;
  }

  /** An object's content, from memory when it was read or written before. */
  private async content(sha: string, type: "commit" | "tag"): Promise<string> {
    const known = this.cache.content(sha, type);
    if (known) return known.toString("utf8");
    const raw = await this.run(["cat-file", type, sha]);
    if (namesItself(sha, type, raw)) this.cache.wrote(sha, type, raw);
    return raw.toString("utf8");
  }

  async readCommit(sha: string): Promise<GitCommit> {
    return parseCommit(sha, await this.content(sha, "commit"));
  }

  /** An annotated tag object: what it points at, its name, tagger and message. */
  async readTag(sha: string): Promise<GitTag> {
    return parseTag(sha, await this.content(sha, "tag"));
  }

  /** Copies a branch of another repository (a fork) into this one under `ref`, as GitHub keeps `refs/pull/N/head`. */
  async fetchRef(fromDir: string, branch: string, ref: string): Promise<void> {
    await this.run(["fetch", "--quiet", "--no-tags", fromDir, `+refs/heads/${branch}:${ref}`]);
  }

  /** `git archive` of a commit as GitHub serves it: gzip'd tar with a `<repo>-<ref>/` prefix. */
  archive(commit: string, prefix: string): Promise<Buffer> {
    return this.run(["archive", "--format=tar.gz", `--prefix=${prefix}/`, commit]);
  }
}
