import { HttpError, noContent, notFound, ok, validationFailed } from "../replies.js";
import { field, type Route, read, write } from "../route.js";
import { branchShape, comparisonShape } from "../shapes/git.js";

/** The contents API's JSON carries a file's content up to 1 MB (REST docs "Get repository content"). */
export const MAX_CONTENTS_BYTES = 1024 * 1024;
/** Neither the contents API nor the Git blobs API serves files over 100 MB (REST docs "Get a blob"). */
export const MAX_BLOB_BYTES = 100 * 1024 * 1024;

export function blobTooLarge(): HttpError {
  return new HttpError(
    403,
    "This API returns blobs up to 100 MB in size. The requested blob is too large to fetch via the API.",
    [{ resource: "Blob", field: "data", code: "too_large" }],
  );
}

/** Repository, contents, archives, dispatches, rate limit. */
export const repoRoutes: Route[] = [
  {
    method: "GET",
    template: "/rate_limit",
    mutating: false,
    handle: () => {
      const reset = Math.floor(Date.now() / 1000) + 3600;
      const rate = { limit: 5000, used: 0, remaining: 5000, reset };
      return ok({ resources: { core: rate, search: rate, graphql: rate }, rate });
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}",
    need: read("metadata"),
    mutating: false,
    handle: (w, req) => ok(w.repoJson(w.repo(req.params))),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/contents/{path}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const ref = req.query.get("ref") ?? r.defaultBranch;
      const commit = await git.resolveCommit(ref);
      if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
      const path = req.params.path?.replace(/\/$/, "") ?? "";
      const full = w.fullName(r);
      const entryJson = (e: { type: string; sha: string; path: string; size?: number }) => {
        const url = `${w.site.api}/repos/${full}/contents/${e.path}?ref=${encodeURIComponent(ref)}`;
        const gitUrl = `${w.site.api}/repos/${full}/git/${e.type === "tree" ? "trees" : "blobs"}/${e.sha}`;
        const htmlUrl = `${w.site.web}/${full}/${e.type === "tree" ? "tree" : "blob"}/${ref}/${e.path}`;
        return {
          type: e.type === "tree" ? "dir" : "file",
          size: e.size ?? 0,
          name: e.path.split("/").pop() as string,
          path: e.path,
          sha: e.sha,
          url,
          git_url: gitUrl,
          html_url: htmlUrl,
          download_url: e.type === "tree" ? null : `${w.site.web}/raw/${full}/${ref}/${e.path}`,
          _links: { self: url, git: gitUrl, html: htmlUrl },
        };
      };
      const entry = path === "" ? undefined : (await git.listTree(commit, false, path))[0];
      if (path !== "" && !entry) throw notFound();
      if (!entry || entry.type === "tree") {
        const inner = await git.listTree(entry ? entry.sha : commit, false);
        return ok(inner.map((e) => entryJson({ ...e, path: path ? `${path}/${e.path}` : e.path })));
      }
      const content = await git.readBlob(entry.sha);
      // REST docs "Get repository content" and GitHub changelog 2022-05-03: over 100 MB the endpoint
      // is not supported; from 1 to 100 MB the JSON reply has `content: ""` and `encoding: "none"`
      // (google/go-github#2924). The raw media type that would carry such a file is not served here:
      // release-relay reads large files through the Git blobs API.
      if (content.length > MAX_BLOB_BYTES) throw blobTooLarge();
      if (content.length > MAX_CONTENTS_BYTES)
        return ok({ ...entryJson({ ...entry, path, size: content.length }), encoding: "none", content: "" });
      return ok({
        ...entryJson({ ...entry, path, size: content.length }),
        encoding: "base64",
        content: (content.toString("base64").match(/.{1,60}/g) ?? []).join("\n"),
      });
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/branches/{branch}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const branch = req.params.branch as string;
      const sha = await w.git(r).readRef(`refs/heads/${branch}`);
      if (!sha) throw new HttpError(404, "Branch not found");
      return ok(branchShape(w.site, w.fullName(r), branch, await w.git(r).readCommit(sha)));
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/tarball/{ref}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const ref = req.params.ref as string;
      if (!(await w.git(r).resolveCommit(ref))) throw notFound();
      return { status: 302, headers: { location: `${w.site.web}/${w.fullName(r)}/archive/${ref}.tar.gz` } };
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/compare/{basehead}",
    need: read("contents"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const basehead = req.params.basehead as string;
      const [baseRef, headRef, ...rest] = basehead.split("...");
      if (!baseRef || !headRef || rest.length > 0) throw notFound();
      const base = await git.resolveCommit(baseRef);
      const head = await git.resolveCommit(headRef);
      if (!base || !head) throw notFound();
      const mergeBase = await git.mergeBase(base, head);
      // GitHub answers unrelated histories with 404 "No common ancestor between ...".
      if (!mergeBase) throw new HttpError(404, `No common ancestor between ${baseRef} and ${headRef}.`);
      const ahead = await git.commitsBetween(base, head);
      const behind = await git.commitsBetween(head, base);
      const load = (sha: string) => git.readCommit(sha);
      return ok(
        comparisonShape(
          w.site,
          w.fullName(r),
          basehead,
          await load(base),
          await load(mergeBase),
          // Without paging GitHub lists at most 250 commits, the most recent last.
          await Promise.all(ahead.slice(-250).map(load)),
          behind.length,
        ),
      );
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/dispatches",
    need: write("contents"),
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const eventType = field(req.body, "event_type", "Repository", true);
      if (eventType.length === 0 || eventType.length > 100) {
        throw validationFailed({ resource: "Repository", field: "event_type", code: "invalid" });
      }
      const payload = req.body.client_payload ?? {};
      if (typeof payload !== "object" || Array.isArray(payload) || payload === null) {
        throw validationFailed({ resource: "Repository", field: "client_payload", code: "invalid" });
      }
      // "The maximum number of top-level properties is 10. The total size of the JSON payload must be
      // less than 64KB." (REST "Create a repository dispatch event"; github/rest-api-description#4093)
      if (Object.keys(payload).length > 10) {
        throw new HttpError(422, "client_payload: maximum number of top-level properties is 10");
      }
      if (Buffer.byteLength(JSON.stringify(payload)) >= 64 * 1024) {
        throw new HttpError(422, "client_payload: the total size of the JSON payload must be less than 64KB");
      }
      w.state.dispatches.push({
        repo: w.fullName(r),
        eventType,
        clientPayload: JSON.parse(JSON.stringify(payload)),
        sender: req.login,
        at: w.now(),
      });
      return noContent();
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    need: write("actions"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const ref = field(req.body, "ref", "Workflow", true);
      if (!(await w.git(r).resolveCommit(ref))) throw new HttpError(422, `No ref found for: ${ref}`);
      const inputs = (req.body.inputs ?? {}) as Record<string, unknown>;
      if (Object.keys(inputs).length > 25)
        throw new HttpError(422, "inputs: maximum number of properties is 25");
      w.state.workflowDispatches.push({
        repo: w.fullName(r),
        workflow: req.params.workflow_id as string,
        ref,
        inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)])),
        sender: req.login,
        at: w.now(),
      });
      return noContent();
    },
  },
];
