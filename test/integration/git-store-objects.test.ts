// The local GitHub writes blobs, trees and commits and reads refs without git processes: each must
// be exactly what git itself makes and reads, or the repositories the runner clones would differ.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { GitStore } from "../../src/rehearsal/github/git/git-store.js";

let git: GitStore;
let dir: string;
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", LC_ALL: "C" };
const gitCli = (args: string[], input?: string, extra: Record<string, string> = {}) =>
  execFileSync("git", ["--git-dir", dir, ...args], { input, env: { ...env, ...extra } })
    .toString("utf8")
    .trim();

/** What git's own index makes of `base` with these changes (the way the store wrote trees before). */
function treeByGit(base: string | undefined, changes: { path: string; mode: string; sha: string | null }[]) {
  const index = { GIT_INDEX_FILE: join(mkdtempSync(join(tmpdir(), "index-")), "index") };
  gitCli(["read-tree", ...(base ? [base] : ["--empty"])], undefined, index);
  const lines = changes.map((c) =>
    c.sha === null ? `0 ${"0".repeat(40)}\t${c.path}` : `${c.mode} ${c.sha}\t${c.path}`,
  );
  gitCli(["update-index", "--index-info"], `${lines.join("\n")}\n`, index);
  return gitCli(["write-tree"], undefined, index);
}

beforeEach(async () => {
  dir = join(mkdtempSync(join(tmpdir(), "store-")), "repo.git");
  git = await GitStore.init(dir, "main");
});

describe("the emulator's git objects", () => {
  it("writes blobs, nested trees and commits with the ids git gives them, readable by git", async () => {
    const a = await git.writeBlob(Buffer.from("alpha\n"));
    expect(a).toBe(gitCli(["hash-object", "--stdin"], "alpha\n"));
    const b = await git.writeBlob(Buffer.from([0, 1, 2, 255]));
    const c = await git.writeBlob(Buffer.from(""));
    // Names chosen so that git's order (a subtree sorts as "name/") differs from plain sorting.
    const first = [
      { path: "a-b", mode: "100644", sha: a },
      { path: "a/b/c.json", mode: "100644", sha: b },
      { path: "a/x", mode: "100755", sha: c },
      { path: "a.txt", mode: "100644", sha: a },
      { path: "events/e_1.json", mode: "100644", sha: a },
    ];
    const tree = await git.writeTree(undefined, first);
    expect(tree).toBe(treeByGit(undefined, first));
    gitCli(["fsck", "--strict", "--no-dangling"]);

    // Changed, added and removed; "a/b" left empty disappears, as it does from an index.
    const second = [
      { path: "a/b/c.json", mode: "100644", sha: null },
      { path: "events/e_2.json", mode: "100644", sha: b },
      { path: "a.txt", mode: "100644", sha: c },
      { path: "missing/file", mode: "100644", sha: null },
    ];
    const next = await git.writeTree(tree, second);
    expect(next).toBe(treeByGit(tree, second));
    expect(
      (await git.listTree(next, true)).map((e) => `${e.mode} ${e.type} ${e.path} ${e.size ?? "-"}`),
    ).toEqual(
      gitCli(["ls-tree", "-r", "-t", "-l", next])
        .split("\n")
        .map((l) => {
          const [meta, path] = l.split("\t") as [string, string];
          const [mode, type, , size] = meta.split(/\s+/);
          return `${mode} ${type} ${path} ${size}`;
        }),
    );

    const who = {
      name: "release-bot[bot]",
      email: "1+release-bot[bot]@users.noreply.localhost",
      date: "2025-01-07T12:00:00Z",
    };
    const east = { name: "Ann Example", email: "ann@example.org", date: "2025-01-07T13:30:00+01:30" };
    for (const message of ["one line", "headline\n\nbody\n", ""]) {
      const sha = await git.writeCommit(next, [], message, who, east);
      const byGit = gitCli(["commit-tree", next, "-F", "-"], message, {
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_AUTHOR_DATE: who.date,
        GIT_COMMITTER_NAME: east.name,
        GIT_COMMITTER_EMAIL: east.email,
        GIT_COMMITTER_DATE: east.date,
      });
      expect(sha, JSON.stringify(message)).toBe(byGit);
    }
    // A name git would clean up is left to git, which gives the same commit either way.
    const odd = { name: " Odd. ", email: "odd@example.org", date: "2025-01-07T12:00:00Z" };
    const sha = await git.writeCommit(next, [], "m\n", odd, odd);
    expect((await git.readCommit(sha)).author.name).toBe("Odd");
    gitCli(["fsck", "--strict", "--no-dangling"]);
  });

  it("reads refs loose and packed as git does, and a ref git moved is read at once", async () => {
    const blob = await git.writeBlob(Buffer.from("x"));
    const tree = await git.writeTree(undefined, [{ path: "x", mode: "100644", sha: blob }]);
    const who = { name: "a", email: "a@example.org", date: "2025-01-07T12:00:00Z" };
    const one = await git.writeCommit(tree, [], "one\n\nfirst body", who, who);
    const two = await git.writeCommit(tree, [one], "two\nstill the subject\n\nsecond body\n", who, who);
    expect(await git.casRef("refs/heads/release-relay-ledger/8.0.2", one, "")).toBe(true);
    gitCli(["pack-refs", "--all"]);
    expect(await git.readRef("refs/heads/release-relay-ledger/8.0.2")).toBe(one);
    gitCli(["update-ref", "refs/heads/release-relay-ledger/8.0.2", two, one]);
    expect(await git.readRef("refs/heads/release-relay-ledger/8.0.2")).toBe(two);
    expect(await git.readRef("refs/heads/release-relay-ledger")).toBeUndefined();
    expect(await git.readRef("refs/heads/nothing")).toBeUndefined();
    gitCli(["update-ref", "-d", "refs/heads/release-relay-ledger/8.0.2"]);
    expect(await git.readRef("refs/heads/release-relay-ledger/8.0.2")).toBeUndefined();

    expect(await git.recentBodies(two, 10)).toEqual(
      gitCli(["log", "--format=%b%x00", two])
        .split("\0")
        .map((b) => b.trim())
        .filter((_, i, all) => i < all.length - 1 || all[i] !== ""),
    );
    expect(await git.recentBodies(two, 1)).toEqual(["second body"]);
  });

  it("answers ancestry, names and paths from what it wrote as git answers them", async () => {
    const who = { name: "a", email: "a@example.org", date: "2025-01-07T12:00:00Z" };
    const blob = await git.writeBlob(Buffer.from("x\n"));
    const tree = await git.writeTree(undefined, [{ path: "dir/sub/file.txt", mode: "100644", sha: blob }]);
    const root = await git.writeCommit(tree, [], "root\n", who, who);
    const left = await git.writeCommit(tree, [root], "left\n", who, who);
    const right = await git.writeCommit(tree, [root], "right\n", who, who);
    const merge = await git.writeCommit(tree, [left, right], "merge\n", who, who);
    const isAncestorByGit = (a: string, d: string) => {
      try {
        gitCli(["merge-base", "--is-ancestor", a, d]);
        return true;
      } catch {
        return false;
      }
    };
    for (const [a, d] of [
      [root, merge],
      [right, merge],
      [merge, left],
      [left, right],
      [left, left],
    ] as const)
      expect(await git.isAncestor(a, d), `${a} ${d}`).toBe(isAncestorByGit(a, d));

    await git.casRef("refs/heads/main", merge, "");
    await git.casRef("refs/tags/main", left, "");
    await git.casRef("refs/heads/release/1.2", right, "");
    for (const name of [
      "main",
      "release/1.2",
      "refs/heads/main",
      merge,
      `${merge.slice(0, 12)}`,
      "main~1",
      "nothing",
    ])
      expect(await git.resolveCommit(name), name).toBe(
        (() => {
          try {
            return gitCli(["rev-parse", "--verify", "--quiet", `${name}^{commit}`]);
          } catch {
            return undefined;
          }
        })(),
      );
    expect(await git.findRef("refs/heads/release/1.2")).toEqual({
      ref: "refs/heads/release/1.2",
      sha: right,
      type: "commit",
    });
    expect(await git.findRef("refs/heads/release")).toBeUndefined();

    for (const path of ["dir", "dir/sub", "dir/sub/file.txt", "dir/none", "dir/sub/file.txt/x", "other"])
      expect(
        (await git.listTree(merge, false, path)).map((e) => `${e.mode} ${e.type} ${e.sha} ${e.path}`),
        path,
      ).toEqual(
        gitCli(["ls-tree", "--full-tree", merge, "--", path])
          .split("\n")
          .filter(Boolean)
          .map((l) => l.replace("\t", " ")),
      );
  });

  it("reads an object named by a ref afresh once the ref moved: only object ids are kept in memory", async () => {
    const who = { name: "a", email: "a@example.org", date: "2025-01-07T12:00:00Z" };
    const commitOf = async (text: string, parents: string[]) => {
      const blob = await git.writeBlob(Buffer.from(text));
      return git.writeCommit(
        await git.writeTree(undefined, [{ path: "f", mode: "100644", sha: blob }]),
        parents,
        `${text}\n`,
        who,
        who,
      );
    };
    const one = await commitOf("one", []);
    expect(await git.casRef("refs/heads/main", one, "")).toBe(true);
    expect((await git.readCommit("main")).message).toBe("one\n");
    expect((await git.readBlob("main:f")).toString()).toBe("one");
    const two = await commitOf("two", [one]);
    gitCli(["update-ref", "refs/heads/main", two, one]);
    expect((await git.readCommit("main")).message).toBe("two\n");
    expect((await git.readBlob("main:f")).toString()).toBe("two");
  });

  it("lists a path as a file's name, not a pattern, and keeps no tag's id for the commit it peels to", async () => {
    // Made by git, so the store has no listing of it in memory and asks git.
    const blob = gitCli(["hash-object", "-w", "--stdin"], "x\n");
    const tree = gitCli(["mktree"], `100755 blob ${blob}\t:foo\n100644 blob ${blob}\tfoo\n`);
    const fresh = new GitStore(dir);
    expect(await fresh.listTree(tree, false, ":foo")).toEqual([
      { mode: "100755", type: "blob", sha: blob, size: 2, path: ":foo" },
    ]);
    const who = { name: "a", email: "a@example.org", date: "2025-01-07T12:00:00Z" };
    const commit = await git.writeCommit(tree, [], "c\n", who, who);
    const tag = gitCli(
      ["mktag"],
      `object ${commit}\ntype commit\ntag v1\ntagger a <a@example.org> 1736251200 +0000\n\nv1\n`,
    );
    expect((await fresh.readCommit(tag)).tree).toBe(tree);
    expect(await fresh.objectType(tag)).toBe("tag");
  });
});
