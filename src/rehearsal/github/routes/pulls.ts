import { consistencyOf } from "../faults.js";
import { changeCounts } from "../git/change-counts.js";
import { currentHead, headRepoOf, pullsOfCommit, resolveHead } from "../pull-heads.js";
import { landPull } from "../pull-merge.js";
import { HttpError, notFound, ok, validationFailed } from "../replies.js";
import { checkBodyLength, field, page, type Route, read, write } from "../route.js";
import { pullShape } from "../shapes/pull.js";
import type { IssueState, PullState, RepoState } from "../state.js";
import type { World } from "../world.js";
import { openIssue, setIssueState } from "./issues.js";

function findPull(r: RepoState, number: string | undefined): { pull: PullState; issue: IssueState } {
  const pull = r.pulls.find((p) => p.number === Number(number));
  const issue = r.issues.find((i) => i.number === Number(number));
  if (!pull || !issue) throw notFound();
  return { pull, issue };
}

async function pullJson(w: World, r: RepoState, pull: PullState, issue: IssueState) {
  const git = w.git(r);
  const headSha = issue.state === "open" ? ((await currentHead(w, r, pull)) ?? pull.headSha) : pull.headSha;
  const baseSha = (await git.readRef(`refs/heads/${pull.baseRef}`)) ?? "";
  const repoJson = w.repoJson(r);
  const { commits, changedFiles, additions, deletions } =
    baseSha && headSha
      ? await changeCounts(git, baseSha, headSha)
      : { commits: 0, changedFiles: 0, additions: 0, deletions: 0 };
  const comments = r.comments.filter((c) => c.issueNumber === pull.number).length;
  return pullShape(
    w.site,
    repoJson,
    pull,
    issue,
    w.labelsOf(r, issue.labels),
    w.user(issue.user),
    { sha: headSha, repo: w.repoJson(headRepoOf(w, r, pull)) },
    baseSha,
    { comments, commits, changedFiles, additions, deletions },
    pull.mergedBy ? w.user(pull.mergedBy) : null,
  );
}

/**
 * A PR as one read shows it: `mergeable` is null while GitHub computes it in the background, which
 * it starts when a PR is opened or its branches move (REST "Get a pull request"; delay mode and
 * faults in faults.ts). A caller must read again, never take null for a conflict.
 */
async function readPullJson(w: World, r: RepoState, pull: PullState, issue: IssueState) {
  const json = await pullJson(w, r, pull, issue);
  if (issue.state === "open" && consistencyOf(w.state).hidesMergeable(w.fullName(r), pull.number))
    return { ...json, mergeable: null, rebaseable: null, mergeable_state: "unknown" };
  return json;
}

/** Pull requests: create, list, get, update, merge. */
export const pullRoutes: Route[] = [
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/pulls",
    need: read("pull_requests"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const state = req.query.get("state") ?? "open";
      const head = req.query.get("head");
      const base = req.query.get("base");
      const branch = head ? (head.includes(":") ? head.split(":", 2) : [r.owner, head]) : undefined;
      const matching = r.pulls
        .map((pull) => ({ pull, issue: r.issues.find((i) => i.number === pull.number) as IssueState }))
        .filter(({ issue }) => state === "all" || issue.state === state)
        .filter(
          ({ pull }) =>
            !branch ||
            (branch[0]?.toLowerCase() === headRepoOf(w, r, pull).owner.toLowerCase() &&
              pull.headRef === branch[1]),
        )
        .filter(({ pull }) => !base || pull.baseRef === base)
        .sort((a, b) => b.pull.number - a.pull.number);
      return ok(
        await Promise.all(page(matching, req.query).map(({ pull, issue }) => pullJson(w, r, pull, issue))),
      );
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/pulls",
    need: write("pull_requests"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const title = field(req.body, "title", "PullRequest", true);
      const body = field(req.body, "body", "PullRequest");
      checkBodyLength(body, "PullRequest");
      const { branch: head, repo: headRepo } = resolveHead(
        w,
        r,
        field(req.body, "head", "PullRequest", true),
        field(req.body, "head_repo", "PullRequest"),
      );
      const base = field(req.body, "base", "PullRequest", true);
      const headSha = await w.git(headRepo).readRef(`refs/heads/${head}`);
      const baseSha = await git.readRef(`refs/heads/${base}`);
      if (!headSha) throw validationFailed({ resource: "PullRequest", field: "head", code: "invalid" });
      if (!baseSha) throw validationFailed({ resource: "PullRequest", field: "base", code: "invalid" });
      const existing = r.pulls.find(
        (p) =>
          p.headRef === head &&
          headRepoOf(w, r, p) === headRepo &&
          p.baseRef === base &&
          r.issues.find((i) => i.number === p.number)?.state === "open",
      );
      if (existing) {
        throw validationFailed({
          resource: "PullRequest",
          code: "custom",
          message: `A pull request already exists for ${r.owner}:${head}.`,
        });
      }
      // Right after its branch was pushed, GitHub can answer this for a head that has commits
      // (dotnet/buildtools#1140; OPM/opm-common#267): the delay mode and faults of faults.ts.
      if (
        consistencyOf(w.state).refusesPullCreate(w.fullName(headRepo), head) ||
        (await git.isAncestor(headSha, baseSha))
      ) {
        throw validationFailed({
          resource: "PullRequest",
          code: "custom",
          message: `No commits between ${base} and ${head}`,
        });
      }
      const issue = openIssue(w, r, { title, body, user: req.login, labels: [], isPull: true });
      const pull: PullState = {
        id: w.nextId(),
        number: issue.number,
        headRef: head,
        baseRef: base,
        headSha,
        draft: req.body.draft === true,
        maintainerCanModify: req.body.maintainer_can_modify !== false,
        merged: false,
        mergedAt: null,
        mergedBy: null,
        mergeCommitSha: null,
        ...(headRepo !== r ? { headRepo: w.fullName(headRepo) } : {}),
      };
      r.pulls.push(pull);
      consistencyOf(w.state).pullOpened(w.fullName(r), pull.number);
      return ok(await readPullJson(w, r, pull, issue), 201);
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}",
    need: read("pull_requests"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const { pull, issue } = findPull(r, req.params.pull_number);
      return ok(await readPullJson(w, r, pull, issue));
    },
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}",
    need: write("pull_requests"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const { pull, issue } = findPull(r, req.params.pull_number);
      const title = field(req.body, "title", "PullRequest");
      const body = field(req.body, "body", "PullRequest");
      const state = field(req.body, "state", "PullRequest");
      const base = field(req.body, "base", "PullRequest");
      checkBodyLength(body, "PullRequest");
      if (state !== undefined && state !== "open" && state !== "closed") {
        throw validationFailed({ resource: "PullRequest", field: "state", code: "invalid" });
      }
      if (pull.merged && state === "open") throw new HttpError(422, "Cannot reopen a merged pull request");
      if (base !== undefined) {
        if (!(await w.git(r).readRef(`refs/heads/${base}`))) {
          throw validationFailed({ resource: "PullRequest", field: "base", code: "invalid" });
        }
        pull.baseRef = base;
      }
      if (title !== undefined) issue.title = title;
      if (body !== undefined) issue.body = body;
      if (state === "closed" && issue.state === "open") {
        pull.headSha = (await currentHead(w, r, pull)) ?? pull.headSha;
      }
      if (state) setIssueState(w, issue, state);
      issue.updatedAt = w.now();
      return ok(await pullJson(w, r, pull, issue));
    },
  },
  {
    method: "PUT",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
    need: write("contents"),
    mutating: true,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const git = w.git(r);
      const { pull, issue } = findPull(r, req.params.pull_number);
      if (pull.merged || issue.state !== "open") throw new HttpError(405, "Pull Request is not mergeable");
      const headSha = (await currentHead(w, r, pull)) as string;
      const expected = field(req.body, "sha", "PullRequest");
      if (expected && expected !== headSha)
        throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
      const baseRef = `refs/heads/${pull.baseRef}`;
      const baseSha = (await git.readRef(baseRef)) as string;
      const who = w.user(req.login);
      const ident = {
        name: who.login,
        email: `${who.id}+${who.login}@users.noreply.localhost`,
        date: w.now(),
      };
      const landed = await landPull(
        git,
        r,
        pull,
        issue,
        { base: baseSha, head: headSha },
        {
          method: field(req.body, "merge_method", "PullRequest"),
          title: field(req.body, "commit_title", "PullRequest"),
          message: field(req.body, "commit_message", "PullRequest"),
        },
        ident,
      );
      const sha = landed.at(-1) ?? baseSha;
      if (!(await git.casRef(baseRef, sha, baseSha)))
        throw new HttpError(409, "Base branch was modified. Review and try the merge again.");
      pull.landed = landed;
      pull.merged = true;
      pull.mergedAt = w.now();
      pull.mergedBy = req.login;
      pull.mergeCommitSha = sha;
      pull.headSha = headSha;
      setIssueState(w, issue, "closed");
      issue.updatedAt = w.now();
      return ok({ sha, merged: true, message: "Pull Request successfully merged" });
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/commits/{commit_sha}/pulls",
    need: read("pull_requests"),
    mutating: false,
    handle: async (w, req) => {
      const r = w.repo(req.params);
      const sha = await w.git(r).resolveCommit(req.params.commit_sha ?? "");
      if (!sha) throw validationFailed({ resource: "Commit", field: "commit_sha", code: "invalid" });
      const pulls = await pullsOfCommit(w, r, sha);
      return ok(
        await Promise.all(
          page(pulls, req.query).map((pull) =>
            pullJson(w, r, pull, r.issues.find((i) => i.number === pull.number) as IssueState),
          ),
        ),
      );
    },
  },
];
