import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  LC_ALL: "C",
};

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

/** A parsed commit object. */
export interface GitTag {
  sha: string;
  object: string;
  type: string;
  tag: string;
  tagger: GitIdentity;
  message: string;
}

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
}

/** One emulated repository's object store and refs: a bare repository driven by git plumbing. */
export class GitStore {
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

  writeBlob(content: Buffer): Promise<string> {
    return this.text(["hash-object", "-w", "--stdin"], { input: content });
  }

  readBlob(sha: string): Promise<Buffer> {
    return this.run(["cat-file", "blob", sha]);
  }

  /** The type of an object, or undefined when it does not exist. */
  async objectType(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    try {
      return await this.text(["cat-file", "-t", sha]);
    } catch {
      return undefined;
    }
  }

  /** Resolves a ref, branch, tag or sha to a commit sha, or undefined. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    try {
      return await this.text(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
      return undefined;
    }
  }

  /** Value of a full ref name (`refs/heads/main`), or undefined. */
  async readRef(ref: string): Promise<string | undefined> {
    try {
      return await this.text(["rev-parse", "--verify", "--quiet", ref]);
    } catch {
      return undefined;
    }
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
    const args = [
      "ls-tree",
      "-l",
      "-z",
      "--full-tree",
      ...(recursive ? ["-r", "-t"] : []),
      sha,
      ...(path ? ["--", path] : []),
    ];
    const out = (await this.run(args)).toString("utf8");
    return out
      .split("\0")
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf("\t");
        const [mode, type, objectSha, size] = line.slice(0, tab).split(/\s+/) as [
          string,
          TreeEntry["type"],
          string,
          string,
        ];
        return {
          mode,
          type,
          sha: objectSha,
          path: line.slice(tab + 1),
          ...(size !== "-" ? { size: Number(size) } : {}),
        };
      });
  }

  /**
   * Writes a tree: the base tree's entries (if any) with the given entries set or (sha null) removed,
   * nested paths creating subtrees, through a throwaway index as GitHub's create-tree does.
   */
  async writeTree(
    base: string | undefined,
    entries: { path: string; mode: string; sha: string | null }[],
  ): Promise<string> {
    const tmp = await mkdtemp(join(tmpdir(), "emulator-index-"));
    const env = { GIT_INDEX_FILE: join(tmp, "index") };
    try {
      if (base) await this.run(["read-tree", base], { env });
      else await this.run(["read-tree", "--empty"], { env });
      const lines = entries.map((e) =>
        e.sha === null ? `0 ${"0".repeat(40)}\t${e.path}` : `${e.mode} ${e.sha}\t${e.path}`,
      );
      if (lines.length > 0)
        await this.run(["update-index", "--index-info"], { env, input: `${lines.join("\n")}\n` });
      return await this.text(["write-tree"], { env });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async writeCommit(
    tree: string,
    parents: string[],
    message: string,
    author: GitIdentity,
    committer: GitIdentity,
  ): Promise<string> {
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

  async readCommit(sha: string): Promise<GitCommit> {
    const raw = (await this.run(["cat-file", "commit", sha])).toString("utf8");
    const split = raw.indexOf("\n\n");
    const header = raw.slice(0, split).split("\n");
    const ident = (line: string): GitIdentity => {
      const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line) as RegExpExecArray;
      return {
        name: m[1] as string,
        email: m[2] as string,
        date: new Date(Number(m[3]) * 1000).toISOString().replace(/\.000Z$/, "Z"),
      };
    };
    return {
      sha,
      tree: (header.find((l) => l.startsWith("tree ")) as string).slice(5),
      parents: header.filter((l) => l.startsWith("parent ")).map((l) => l.slice(7)),
      author: ident((header.find((l) => l.startsWith("author ")) as string).slice(7)),
      committer: ident((header.find((l) => l.startsWith("committer ")) as string).slice(10)),
      message: raw.slice(split + 2),
    };
  }

  /** An annotated tag object: what it points at, its name, tagger and message. */
  async readTag(sha: string): Promise<GitTag> {
    const raw = (await this.run(["cat-file", "tag", sha])).toString("utf8");
    const split = raw.indexOf("\n\n");
    const header = raw.slice(0, split === -1 ? raw.length : split).split("\n");
    const value = (key: string) => header.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1) ?? "";
    const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value("tagger"));
    return {
      sha,
      object: value("object"),
      type: value("type"),
      tag: value("tag"),
      tagger: {
        name: m?.[1] ?? "",
        email: m?.[2] ?? "",
        date: m ? new Date(Number(m[3]) * 1000).toISOString().replace(/\.000Z$/, "Z") : "",
      },
      message: split === -1 ? "" : raw.slice(split + 2),
    };
  }

  /** Three-way merge of two commits into a tree; undefined on conflict. */
  async mergeTrees(ours: string, theirs: string): Promise<string | undefined> {
    try {
      return (await this.text(["merge-tree", "--write-tree", ours, theirs])).split("\n")[0];
    } catch {
      return undefined;
    }
  }

  /**
   * The tree of `commit`'s own change (its diff from its first parent) applied onto `onto`, as a
   * rebase merge replays each commit; undefined when the change does not apply.
   */
  async replayTree(onto: string, commit: string): Promise<string | undefined> {
    const parent = (await this.readCommit(commit)).parents[0];
    const tmp = await mkdtemp(join(tmpdir(), "emulator-replay-"));
    const env = { GIT_INDEX_FILE: join(tmp, "index") };
    try {
      await this.run(["read-tree", onto], { env });
      const patch = parent
        ? await this.run(["diff-tree", "-p", "--binary", "--full-index", parent, commit])
        : await this.run(["diff-tree", "-p", "--binary", "--full-index", "--root", commit]);
      if (patch.length > 0) await this.run(["apply", "--cached", "--allow-empty"], { env, input: patch });
      return await this.text(["write-tree"], { env });
    } catch (error) {
      if (error instanceof GitError) return undefined;
      throw error;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
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
