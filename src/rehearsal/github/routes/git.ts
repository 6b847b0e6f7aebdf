import { consistencyOf } from "../faults.js";
import { noContent, notFound, ok, unprocessable, validationFailed } from "../replies.js";
import { field, type Route, read, write } from "../route.js";
import { commitShape, refShape, tagShape } from "../shapes/git.js";
import type { Request, World } from "../world.js";
import { blobTooLarge, MAX_BLOB_BYTES } from "./repos.js";

const MODES = new Set(["100644", "100755", "040000", "160000", "120000"]);

function identity(w: World, req: Request, value: unknown) {
  const who = w.user(req.login);
  const fallback = {
    name: who.login,
    email: `${who.id}+${who.login}@users.noreply.localhost`,
    date: w.now(),
  };
  if (!value || typeof value !== "object") return fallback;
  const v = value as { name?: unknown; email?: unknown; date?: unknown };
  if (typeof v.name !== "string" || typeof v.email !== "string") {
    throw validationFailed({ resource: "Commit", field: "author", code: "invalid" });
  }
  return { name: v.name, email: v.email, date: typeof v.date === "string" ? v.date : fallback.date };
}

/** `heads/main` as given in the URL (GitHub tolerates a leading `refs/`). */
const refName = (param: string | undefined): string => `refs/${(param ?? "").replace(/^refs\//, "")}`;

/** Git Data API: refs, blobs, trees, commits — real git objects in a bare repository. */
export const gitRoutes: Route[] = [
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/git/ref/{ref}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const ref = refName(req.params.ref);
      const found = await w.git(r).findRef(ref);
      if (!found) throw notFound();
      return ok(refShape(w.site, w.fullName(r), found.ref, found.sha, found.type));
    },
  },
  {
    // An annotated tag's ref points at a tag object; readers peel it here to reach the commit.
    method: "GET",
    template: "/repos/{owner}/{repo}/git/tags/{tag_sha}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const sha = req.params.tag_sha as string;
      if ((await w.git(r).objectType(sha)) !== "tag") throw notFound();
      return ok(tagShape(w.site, w.fullName(r), await w.git(r).readTag(sha)));
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/git/matching-refs/{ref}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const refs = await w.git(r).listRefs(refName(req.params.ref));
      return ok(refs.map((x) => refShape(w.site, w.fullName(r), x.ref, x.sha, x.type)));
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/git/refs",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const ref = field(req.body, "ref", "Reference", true);
      const sha = field(req.body, "sha", "Reference", true);
      if (!/^refs\/[^\s~^:?*[\\]+$/.test(ref) || ref.split("/").length < 3 || ref.includes("..")) {
        throw unprocessable("Reference name is not valid");
      }
      if (!(await git.objectType(sha))) throw unprocessable("Object does not exist");
      if (await git.readRef(ref)) throw unprocessable("Reference already exists");
      if (!(await git.casRef(ref, sha, ""))) throw unprocessable("Reference already exists");
      if (ref.startsWith("refs/heads/")) consistencyOf(w.state).branchMoved(w.fullName(r), ref.slice(11));
      return ok(refShape(w.site, w.fullName(r), ref, sha, (await git.objectType(sha)) as string), 201);
    },
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/git/refs/{ref}",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const ref = refName(req.params.ref);
      const sha = field(req.body, "sha", "Reference", true);
      const force = req.body.force === true;
      const current = await git.readRef(ref);
      if (!current) throw unprocessable("Reference does not exist");
      if (!(await git.objectType(sha))) throw unprocessable("Object does not exist");
      if (!force && current !== sha && !(await git.isAncestor(current, sha))) {
        throw unprocessable("Update is not a fast forward");
      }
      // The ref may have moved since it was read: the swap only succeeds against the value checked.
      if (!(await git.casRef(ref, sha, current))) throw unprocessable("Update is not a fast forward");
      if (ref.startsWith("refs/heads/")) consistencyOf(w.state).branchMoved(w.fullName(r), ref.slice(11));
      return ok(refShape(w.site, w.fullName(r), ref, sha, (await git.objectType(sha)) as string));
    },
  },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/git/refs/{ref}",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const ref = refName(req.params.ref);
      const current = await git.readRef(ref);
      if (!current || !(await git.deleteRef(ref, current))) throw unprocessable("Reference does not exist");
      return noContent();
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/git/blobs",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const content = field(req.body, "content", "Blob", true);
      const encoding = field(req.body, "encoding", "Blob") ?? "utf-8";
      if (encoding !== "utf-8" && encoding !== "base64") {
        throw validationFailed({ resource: "Blob", field: "encoding", code: "invalid" });
      }
      const sha = await w.git(r).writeBlob(Buffer.from(content, encoding === "base64" ? "base64" : "utf8"));
      return ok({ url: `${w.site.api}/repos/${w.fullName(r)}/git/blobs/${sha}`, sha }, 201);
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/git/blobs/{file_sha}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const sha = req.params.file_sha as string;
      if ((await w.git(r).objectType(sha)) !== "blob") throw notFound();
      const content = await w.git(r).readBlob(sha);
      if (content.length > MAX_BLOB_BYTES) throw blobTooLarge();
      return ok({
        sha,
        node_id: w.site.nodeId("Blob", sha),
        size: content.length,
        url: `${w.site.api}/repos/${w.fullName(r)}/git/blobs/${sha}`,
        content: (content.toString("base64").match(/.{1,60}/g) ?? []).join("\n"),
        encoding: "base64",
      });
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/git/trees",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const entries = req.body.tree;
      if (!Array.isArray(entries))
        throw validationFailed({ resource: "Tree", field: "tree", code: "missing_field" });
      const base = field(req.body, "base_tree", "Tree");
      if (base && (await git.objectType(base)) !== "tree")
        throw unprocessable(`base_tree ${base} is not a tree`);
      const resolved: { path: string; mode: string; sha: string | null }[] = [];
      for (const raw of entries as Record<string, unknown>[]) {
        const path = field(raw, "path", "Tree", true);
        const mode = field(raw, "mode", "Tree", true);
        if (!MODES.has(mode)) throw unprocessable(`tree.mode ${mode} is not valid`);
        if (path.startsWith("/") || path.split("/").some((p) => p === "" || p === "." || p === "..")) {
          throw unprocessable(`tree.path ${path} is not valid`);
        }
        if (typeof raw.content === "string") {
          resolved.push({ path, mode, sha: await git.writeBlob(Buffer.from(raw.content, "utf8")) });
        } else if (raw.sha === null) {
          resolved.push({ path, mode, sha: null });
        } else {
          const sha = field(raw, "sha", "Tree", true);
          const type = await git.objectType(sha);
          if (!type)
            throw unprocessable(`tree.sha ${sha} is not a valid ${mode === "040000" ? "tree" : "blob"}`);
          resolved.push({ path, mode, sha });
        }
      }
      const sha = await git.writeTree(base, resolved);
      const listing = await git.listTree(sha, false);
      const url = `${w.site.api}/repos/${w.fullName(r)}/git`;
      return ok(
        {
          sha,
          url: `${url}/trees/${sha}`,
          tree: listing.map((e) => ({ ...e, url: `${url}/${e.type}s/${e.sha}` })),
          truncated: false,
        },
        201,
      );
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/git/trees/{tree_sha}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const param = req.params.tree_sha as string;
      const sha = (await git.objectType(param)) ? param : await git.resolveCommit(param);
      if (!sha) throw notFound();
      const tree = await git.text(["rev-parse", `${sha}^{tree}`]).catch(() => undefined);
      if (!tree) throw notFound();
      const listing = await git.listTree(tree, req.query.has("recursive"));
      const url = `${w.site.api}/repos/${w.fullName(r)}/git`;
      return ok({
        sha: tree,
        url: `${url}/trees/${tree}`,
        tree: listing.map((e) => ({ ...e, url: `${url}/${e.type}s/${e.sha}` })),
        truncated: false,
      });
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/git/commits",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const message = field(req.body, "message", "Commit", true);
      const tree = field(req.body, "tree", "Commit", true);
      const parents = req.body.parents ?? [];
      if (!Array.isArray(parents))
        throw validationFailed({ resource: "Commit", field: "parents", code: "invalid" });
      if ((await git.objectType(tree)) !== "tree") throw unprocessable("Tree SHA does not exist");
      for (const p of parents) {
        if (typeof p !== "string" || (await git.objectType(p)) !== "commit")
          throw unprocessable("Parent SHA does not exist or is not a commit object");
      }
      const author = identity(w, req, req.body.author);
      const committer = req.body.committer ? identity(w, req, req.body.committer) : author;
      const sha = await git.writeCommit(tree, parents as string[], message, author, committer);
      return ok(commitShape(w.site, w.fullName(r), await git.readCommit(sha)), 201);
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/git/commits/{commit_sha}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const sha = req.params.commit_sha as string;
      if ((await git.objectType(sha)) !== "commit") throw notFound();
      const signed = r.signedCommits?.includes(sha) ?? false;
      return ok(commitShape(w.site, w.fullName(r), await git.readCommit(sha), signed));
    },
  },
];
