import { notFound, ok, validationFailed } from "../replies.js";
import { checkBodyLength, field, type Route, read, write } from "../route.js";
import { releaseShape } from "../shapes/releases.js";
import type { ReleaseState } from "../state.js";

/** Releases: create, and get by tag. */
export const releaseRoutes: Route[] = [
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/releases",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const tagName = field(req.body, "tag_name", "Release", true);
      const target = field(req.body, "target_commitish", "Release") ?? r.defaultBranch;
      const body = field(req.body, "body", "Release");
      checkBodyLength(body, "Release");
      if (r.releases.some((x) => x.tagName === tagName)) {
        throw validationFailed({ resource: "Release", code: "already_exists", field: "tag_name" });
      }
      const git = w.git(r);
      if (!(await git.readRef(`refs/tags/${tagName}`))) {
        const sha = await git.resolveCommit(target);
        if (!sha) throw validationFailed({ resource: "Release", code: "invalid", field: "target_commitish" });
        await git.casRef(`refs/tags/${tagName}`, sha, "");
      }
      const release: ReleaseState = {
        id: w.nextId(),
        tagName,
        targetCommitish: target,
        name: field(req.body, "name", "Release") ?? null,
        body: body ?? null,
        draft: req.body.draft === true,
        prerelease: req.body.prerelease === true,
        author: req.login,
        createdAt: w.now(),
      };
      r.releases.push(release);
      return ok(releaseShape(w.site, w.fullName(r), release, w.user(req.login)), 201);
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/releases/tags/{tag}",
    need: read("contents"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const release = r.releases.find((x) => x.tagName === req.params.tag && !x.draft);
      if (!release) throw notFound();
      return ok(releaseShape(w.site, w.fullName(r), release, w.user(release.author)));
    },
  },
];
