// pullRequestBase as GitHub answers it: a base branch (named, or the default branch), its head's tree
// and the files the document's `fileN` slots ask for at that head, and the release branch if any.
import { z } from "zod";
import { PULL_REQUEST_BASE_FILES } from "../../../adapters/github/graphql/operations.js";
import type { GitStore } from "../git/git-store.js";
import type { TokenGrant } from "../permissions.js";
import type { Reply } from "../replies.js";
import { read } from "../route.js";
import type { World } from "../world.js";
import { invalidVariables, refused, repoAccess } from "./graphql-replies.js";

// The document's defaults: `$base` "", each `$pathN` "" and `$readN` false.
const variablesSchema = z.object({
  owner: z.string(),
  name: z.string(),
  onDefault: z.boolean(),
  base: z.string().default(""),
  release: z.string(),
  ...Object.fromEntries(
    Array.from({ length: PULL_REQUEST_BASE_FILES }, (_, i) => [
      [`path${i}`, z.string().default("")],
      [`read${i}`, z.boolean().default(false)],
    ]).flat(),
  ),
});

/** Binary: git's own test, a NUL byte in the first 8000 bytes. */
const isBinary = (bytes: Buffer) => bytes.subarray(0, 8000).includes(0);

/**
 * One TreeEntry as `...BaseFile` selects it. `text` is null for a binary blob and, here, for a blob
 * over the contents API's 1 MB, standing in for GitHub's cut of large blobs (`isTruncated`).
 */
async function treeEntry(git: GitStore, commit: string, path: string): Promise<unknown> {
  const [entry] = (await git.listTree(commit, false, path)).filter((e) => e.path === path);
  if (!entry) return null;
  const mode = Number.parseInt(entry.mode, 8);
  if (entry.type !== "blob") return { mode, object: {} };
  const bytes = await git.readBlob(entry.sha);
  const tooLarge = bytes.length > 1024 * 1024;
  return {
    mode,
    object: {
      oid: entry.sha,
      byteSize: bytes.length,
      text: isBinary(bytes) || tooLarge ? null : bytes.toString("utf8"),
      isTruncated: tooLarge,
    },
  };
}

/** A Ref as the document selects it; `files` holds the `fileN` slots read at its head (`...BaseCommit`). */
async function refAt(
  git: GitStore,
  qualified: string,
  files: Map<string, string> | undefined,
): Promise<unknown> {
  const oid = await git.readRef(qualified.startsWith("refs/") ? qualified : `refs/heads/${qualified}`);
  if (!oid) return null;
  const commit = await git.readCommit(oid);
  const target: Record<string, unknown> = { oid, tree: { oid: commit.tree } };
  if (!files) return { target: { ...target, parents: { nodes: commit.parents.map((p) => ({ oid: p })) } } };
  for (const [alias, path] of files) target[alias] = await treeEntry(git, oid, path);
  return { name: qualified.replace(/^refs\/heads\//, ""), target };
}

export async function pullRequestBase(
  world: World,
  grant: TokenGrant,
  variables: Record<string, unknown>,
): Promise<Reply> {
  const parsed = variablesSchema.safeParse(variables);
  if (!parsed.success) return invalidVariables("owner", "String!", parsed.error);
  const v = parsed.data as Record<string, string | boolean> & {
    owner: string;
    name: string;
    onDefault: boolean;
    base: string;
    release: string;
  };
  const access = repoAccess(world, `${v.owner}/${v.name}`, grant, read("contents"), "repository");
  if ("error" in access) return refused([access.error], { repository: null });
  const git = world.git(access.repo);
  const files = new Map<string, string>();
  for (let i = 0; i < PULL_REQUEST_BASE_FILES; i++)
    if (v[`read${i}`] === true) files.set(`file${i}`, v[`path${i}`] as string);
  const repository = v.onDefault
    ? { defaultBranchRef: await refAt(git, `refs/heads/${access.repo.defaultBranch}`, files) }
    : { base: await refAt(git, v.base, files) };
  return {
    status: 200,
    body: { data: { repository: { ...repository, release: await refAt(git, v.release, undefined) } } },
  };
}
