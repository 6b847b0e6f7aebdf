// createCommitOnBranch as GitHub runs it (GraphQL reference "createCommitOnBranch", "FileChanges"):
// one commit whose parent is the branch's head, made only if that head is `expectedHeadOid`, then
// the branch moved to it; authored by the token's owner, committed by GitHub, and signed.
import { z } from "zod";
import { consistencyOf } from "../faults.js";
import type { TreeEntry } from "../git/git-store.js";
import type { TokenGrant } from "../permissions.js";
import type { Reply } from "../replies.js";
import { write } from "../route.js";
import type { World } from "../world.js";
import { invalidVariables, refused, repoAccess } from "./graphql-replies.js";

// RFC 4648 base64 with its padding, as FileChanges requires ("Invalid base64 encoding will be
// rejected with a validation error").
const base64 = z.string().refine((s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s), {
  message: "contents must be RFC 4648 base64",
});

const inputSchema = z.object({
  branch: z.object({ repositoryNameWithOwner: z.string(), branchName: z.string() }),
  expectedHeadOid: z.string().regex(/^[0-9a-f]{40}$/, "Expected value to be a git object id"),
  message: z.object({ headline: z.string().min(1), body: z.string().optional() }),
  fileChanges: z
    .object({
      additions: z.array(z.object({ path: z.string().min(1), contents: base64 })).optional(),
      deletions: z.array(z.object({ path: z.string().min(1) })).optional(),
    })
    .optional(),
  clientMutationId: z.string().optional(),
});

const PATH = ["createCommitOnBranch"];

export async function createCommitOnBranch(
  world: World,
  grant: TokenGrant,
  variables: Record<string, unknown>,
): Promise<Reply> {
  const parsed = inputSchema.safeParse(variables.input);
  if (!parsed.success) return invalidVariables("input", "CreateCommitOnBranchInput!", parsed.error);
  const input = parsed.data;
  const failed = (type: string, message: string) =>
    refused([{ type, path: PATH, locations: [{ line: 2, column: 3 }], message }], {
      createCommitOnBranch: null,
    });
  const full = input.branch.repositoryNameWithOwner;
  const access = repoAccess(world, full, grant, write("contents"), PATH[0] as string);
  if ("error" in access) return refused([{ ...access.error, path: PATH }], { createCommitOnBranch: null });
  const repo = access.repo;
  const git = world.git(repo);
  const additions = input.fileChanges?.additions ?? [];
  const deletions = input.fileChanges?.deletions ?? [];
  const paths = [...additions, ...deletions].map((f) => f.path);
  if (new Set(paths).size !== paths.length)
    return failed("UNPROCESSABLE", "`path` values must be unique across all `additions` and `deletions`");
  // The branch must already exist: the mutation appends to a Ref, it cannot create one.
  const ref = `refs/heads/${input.branch.branchName.replace(/^refs\/heads\//, "")}`;
  const head = await git.readRef(ref);
  if (!head) return failed("NOT_FOUND", `A ref named "${ref}" does not exist in ${full}`);
  if (head !== input.expectedHeadOid)
    return failed(
      "STALE_DATA",
      `Expected branch to point to "${input.expectedHeadOid}" but it did not.  Pull and try again.`,
    );
  const headTree = (await git.readCommit(head)).tree;
  // Each path looked up on its own: a tree this store wrote is walked in memory, where a listing
  // of the whole tree would start git for every commit of a ledger.
  const existing = new Map<string, TreeEntry>();
  // A path that names nothing in a tree (absolute, `.`, `..` or an empty part) exists nowhere.
  const plain = (path: string) => !path.split("/").some((part) => ["", ".", ".."].includes(part));
  for (const path of paths.filter(plain)) {
    const [entry] = (await git.listTree(headTree, false, path)).filter((e) => e.path === path);
    if (entry) existing.set(path, entry);
  }
  // "Specifying a path that does not exist on the given branch will abort the commit and return an error."
  const missing = deletions.find((d) => existing.get(d.path)?.type !== "blob");
  if (missing)
    return failed(
      "UNPROCESSABLE",
      `A path was requested for deletion which does not exist as of commit oid \`${head}\``,
    );
  const entries: { path: string; mode: string; sha: string | null }[] = [];
  for (const a of additions) {
    const sha = await git.writeBlob(Buffer.from(a.contents, "base64"));
    // No mode in FileAddition: a changed file keeps its own, a new file is a plain 100644 file.
    const mode = existing.get(a.path)?.type === "blob" ? (existing.get(a.path)?.mode ?? "100644") : "100644";
    entries.push({ path: a.path, mode, sha });
  }
  for (const d of deletions) entries.push({ path: d.path, mode: "100644", sha: null });
  const tree = await git.writeTree(headTree, entries);
  const who = world.user(grant.login);
  const author = {
    name: who.login,
    email: `${who.id}+${who.login}@users.noreply.localhost`,
    date: world.now(),
  };
  // "The committer will be identical to that of commits authored using the web interface": GitHub.
  const committer = { name: "GitHub", email: "noreply@localhost", date: author.date };
  const message = input.message.body
    ? `${input.message.headline}\n\n${input.message.body}`
    : input.message.headline;
  const oid = await git.writeCommit(tree, [head], message, author, committer);
  // Another writer may have moved the branch since it was read: the swap holds only against `head`.
  if (!(await git.casRef(ref, oid, head)))
    return failed(
      "STALE_DATA",
      `Expected branch to point to "${input.expectedHeadOid}" but it did not.  Pull and try again.`,
    );
  repo.signedCommits = [...(repo.signedCommits ?? []), oid];
  consistencyOf(world.state).branchMoved(world.fullName(repo), ref.slice(11));
  return {
    status: 200,
    body: {
      data: {
        // Only what the document selects: the new commit's oid.
        createCommitOnBranch: { commit: { oid } },
      },
    },
  };
}
