// Objects written as git itself writes them, without a git process: loose files named by the SHA-1
// of "<type> <size>\0<content>", zlib-deflated (Git Book, "Git Objects"; gitformat-loose(5)). Each
// call the local GitHub answers makes a few objects, and starting one git process per object cost
// more than all the rest of the call (a process start is milliseconds of the server's own time).
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

export type ObjectType = "blob" | "tree" | "commit";

/** One entry of a tree object: its file name (no slash), mode as the API gives it, and object. */
export interface TreeItem {
  name: string;
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
}

/** The id git gives an object of this type and content. */
export function objectIdOf(type: string, content: Buffer): string {
  return createHash("sha1").update(`${type} ${content.length}\0`).update(content).digest("hex");
}

/** Writes one object into `gitDir`'s object store (kept when it exists) and returns its id. */
export async function writeLooseObject(gitDir: string, type: ObjectType, content: Buffer): Promise<string> {
  const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
  const sha = objectIdOf(type, content);
  const dir = join(gitDir, "objects", sha.slice(0, 2));
  const file = join(dir, sha.slice(2));
  if (await stat(file).catch(() => undefined)) return sha;
  await mkdir(dir, { recursive: true });
  // Written aside then renamed: a reader (a git process serving a fetch) never sees half an object.
  const tmp = join(dir, `tmp_obj_${randomBytes(6).toString("hex")}`);
  await writeFile(tmp, deflateSync(raw), { mode: 0o444 });
  await rename(tmp, file);
  return sha;
}

// A tree's entries are ordered by name, a subtree's name compared as if it ended in "/".
const sortKey = (item: TreeItem) => Buffer.from(item.type === "tree" ? `${item.name}/` : item.name);

/** A tree's entries in the order git keeps them. */
export const inTreeOrder = (items: readonly TreeItem[]): TreeItem[] =>
  [...items].sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));

/** A tree object's content; a subtree's mode is written "40000", as git writes it. */
export function encodeTree(items: readonly TreeItem[]): Buffer {
  return Buffer.concat(
    inTreeOrder(items).flatMap((item) => [
      Buffer.from(`${item.type === "tree" ? "40000" : item.mode.replace(/^0+/, "")} ${item.name}\0`),
      Buffer.from(item.sha, "hex"),
    ]),
  );
}

/** An identity as commit and tag objects carry it. */
export interface Identity {
  name: string;
  email: string;
  date: string;
}

// What git would rewrite in a name or an e-mail address (ident.c: `crud` at either end, and
// angle brackets or newlines anywhere): such an identity is left to git.
const CRUD = /^[\0- .,:;<>"\\']|[\0- .,:;<>"\\']$|[<>\n]/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|([+-])(\d{2}):?(\d{2}))$/;

/** "name <email> epoch +hhmm", or undefined when git's own parsing is needed to write it the same. */
export function identityLine(who: Identity): string | undefined {
  const m = ISO.exec(who.date);
  if (!m || !who.name || !who.email || CRUD.test(who.name) || CRUD.test(who.email)) return undefined;
  const epoch = Date.parse(who.date) / 1000;
  if (!Number.isInteger(epoch) || epoch < 0) return undefined;
  const zone = m[1] === "Z" ? "+0000" : `${m[2]}${m[3]}${m[4]}`;
  return `${who.name} <${who.email}> ${epoch} ${zone}`;
}

/** A commit object's content, or undefined when an identity must be written by git (see identityLine). */
export function encodeCommit(
  tree: string,
  parents: readonly string[],
  message: string,
  author: Identity,
  committer: Identity,
): Buffer | undefined {
  const authorLine = identityLine(author);
  const committerLine = identityLine(committer);
  if (!authorLine || !committerLine) return undefined;
  const header = [
    `tree ${tree}`,
    ...parents.map((p) => `parent ${p}`),
    `author ${authorLine}`,
    `committer ${committerLine}`,
  ];
  // The message as given, no newline added: what `git commit-tree -F -` writes.
  return Buffer.from(`${header.join("\n")}\n\n${message}`);
}

/** What `git log --format=%b` prints for a message: all after its first paragraph (the subject). */
export function messageBody(message: string): string {
  const lines = message.split("\n");
  let i = 0;
  while (i < lines.length && lines[i]?.trim() === "") i++;
  while (i < lines.length && lines[i]?.trim() !== "") i++;
  return lines.slice(i).join("\n").trim();
}

/** A change to a tree: `sha` null removes the path. */
export interface TreeChange {
  path: string;
  mode: string;
  sha: string | null;
}

const typeOfMode = (mode: string): TreeItem["type"] =>
  /^0?40000$/.test(mode) ? "tree" : mode === "160000" ? "commit" : "blob";

/**
 * The tree `base` (or an empty one) with `changes` applied, nested paths creating subtrees and a
 * subtree left empty dropped, as writing it through an index does. Only the subtrees on a changed
 * path are read and written again.
 */
export async function editTree(
  base: string | undefined,
  changes: readonly TreeChange[],
  io: { items(tree: string): Promise<TreeItem[]>; write(items: TreeItem[]): Promise<string> },
): Promise<string> {
  interface Node {
    items: Map<string, TreeItem>;
    children: Map<string, Node>;
  }
  const load = async (tree: string | undefined): Promise<Node> => ({
    items: new Map((tree ? await io.items(tree) : []).map((i) => [i.name, i])),
    children: new Map(),
  });
  const root = await load(base);
  for (const change of changes) {
    const parts = change.path.split("/");
    const name = parts.pop() as string;
    let node = root;
    for (const dir of parts) {
      let child = node.children.get(dir);
      if (!child) {
        const existing = node.items.get(dir);
        child = await load(existing?.type === "tree" ? existing.sha : undefined);
        node.children.set(dir, child);
        node.items.delete(dir);
      }
      node = child;
    }
    node.children.delete(name);
    if (change.sha === null) node.items.delete(name);
    else node.items.set(name, { name, mode: change.mode, type: typeOfMode(change.mode), sha: change.sha });
  }
  const write = async (node: Node): Promise<string | undefined> => {
    for (const [name, child] of node.children) {
      const sha = await write(child);
      if (sha) node.items.set(name, { name, mode: "040000", type: "tree", sha });
    }
    return node.items.size > 0 || node === root ? io.write([...node.items.values()]) : undefined;
  };
  return (await write(root)) as string;
}
