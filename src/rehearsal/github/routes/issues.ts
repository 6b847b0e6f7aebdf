import { HttpError, notFound, ok, validationFailed } from "../replies.js";
import { checkBodyLength, field, page, type Route, read, write } from "../route.js";
import { commentShape, labelShape } from "../shapes/issues.js";
import type { IssueState, RepoState } from "../state.js";
import type { World } from "../world.js";

function findIssue(r: RepoState, number: string | undefined): IssueState {
  const issue = r.issues.find((i) => i.number === Number(number));
  if (!issue) throw notFound();
  return issue;
}

function labelNames(body: Record<string, unknown>): string[] | undefined {
  const labels = body.labels;
  if (labels === undefined) return undefined;
  if (!Array.isArray(labels)) throw validationFailed({ resource: "Issue", field: "labels", code: "invalid" });
  return labels.map((l) => (typeof l === "string" ? l : String((l as { name?: unknown }).name)));
}

/**
 * The names among `names` that are labels of the repo, as the repo spells them. Unknown labels are
 * left out, not created: whether GitHub creates them when an issue is created or labelled is not
 * documented and has changed (github/docs#35718 reports "Add labels" creating them;
 * octokit/rest.js#479 reports issue creation no longer doing so, the issue made without them), so
 * the emulator takes the case a caller cannot notice from the reply's status: silently dropped.
 */
export function existingLabels(r: RepoState, names: readonly string[]): string[] {
  const found: string[] = [];
  for (const name of names) {
    const label = r.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
    if (label && !found.includes(label.name)) found.push(label.name);
  }
  return found;
}

/** GitHub's label colours: six hexadecimal digits, no "#" (REST "Create a label"). */
const COLOR = /^[0-9a-fA-F]{6}$/;

/** Opens a new issue (or the issue half of a pull request) with the repo's next number. */
export function openIssue(
  w: World,
  r: RepoState,
  fields: { title: string; body: string | undefined; user: string; labels: string[]; isPull: boolean },
): IssueState {
  const now = w.now();
  const issue: IssueState = {
    id: w.nextId(),
    number: r.nextNumber++,
    title: fields.title,
    body: fields.body ?? null,
    state: "open",
    stateReason: null,
    labels: fields.labels,
    user: fields.user,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    isPull: fields.isPull,
  };
  r.issues.push(issue);
  return issue;
}

/** Applies a state change with GitHub's closed_at / state_reason bookkeeping. */
export function setIssueState(w: World, issue: IssueState, state: "open" | "closed", reason?: string): void {
  if (state === issue.state) return;
  issue.state = state;
  issue.closedAt = state === "closed" ? w.now() : null;
  issue.stateReason =
    state === "closed" ? (reason === "not_planned" ? "not_planned" : "completed") : "reopened";
}

/** Issues, comments and labels. */
export const issueRoutes: Route[] = [
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues",
    need: read("issues"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const state = req.query.get("state") ?? "open";
      const labels = (req.query.get("labels") ?? "")
        .split(",")
        .filter(Boolean)
        .map((l) => l.toLowerCase());
      const creator = req.query.get("creator");
      const direction = req.query.get("direction") ?? "desc";
      const matching = r.issues
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
        .filter((i) => !creator || i.user === creator)
        .sort((a, b) => (direction === "asc" ? a.number - b.number : b.number - a.number));
      return ok(page(matching, req.query).map((i) => w.issueJson(r, i)));
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues",
    need: write("issues"),
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const title = field(req.body, "title", "Issue", true);
      if (title.trim() === "")
        throw validationFailed({ resource: "Issue", field: "title", code: "missing_field" });
      const body = field(req.body, "body", "Issue");
      checkBodyLength(body, "Issue");
      const labels = existingLabels(r, labelNames(req.body) ?? []);
      const issue = openIssue(w, r, { title, body, user: req.login, labels, isPull: false });
      return ok(w.issueJson(r, issue), 201);
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/{issue_number}",
    need: read("issues"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      return ok(w.issueJson(r, findIssue(r, req.params.issue_number)));
    },
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/issues/{issue_number}",
    need: write("issues"),
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const issue = findIssue(r, req.params.issue_number);
      const title = field(req.body, "title", "Issue");
      const body = field(req.body, "body", "Issue");
      const state = field(req.body, "state", "Issue");
      checkBodyLength(body, "Issue");
      if (state !== undefined && state !== "open" && state !== "closed") {
        throw validationFailed({ resource: "Issue", field: "state", code: "invalid" });
      }
      if (title !== undefined) issue.title = title;
      if (body !== undefined) issue.body = body;
      const labels = labelNames(req.body);
      if (labels) issue.labels = existingLabels(r, labels);
      if (state) setIssueState(w, issue, state, field(req.body, "state_reason", "Issue"));
      issue.updatedAt = w.now();
      return ok(w.issueJson(r, issue));
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    need: read("issues"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const issue = findIssue(r, req.params.issue_number);
      const comments = r.comments.filter((c) => c.issueNumber === issue.number);
      return ok(page(comments, req.query).map((c) => commentShape(w.site, w.fullName(r), c, w.user(c.user))));
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    need: write("issues"),
    // As on GitHub, a comment on a pull request takes "Pull requests" write, not "Issues".
    needFor: (w, params) =>
      w.state.repos[`${params.owner}/${params.repo}`.toLowerCase()]?.issues.find(
        (i) => String(i.number) === params.issue_number,
      )?.isPull
        ? write("pull_requests")
        : undefined,
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const issue = findIssue(r, req.params.issue_number);
      const body = field(req.body, "body", "IssueComment", true);
      checkBodyLength(body, "IssueComment");
      const now = w.now();
      const comment = {
        id: w.nextId(),
        issueNumber: issue.number,
        body,
        user: req.login,
        createdAt: now,
        updatedAt: now,
      };
      r.comments.push(comment);
      return ok(commentShape(w.site, w.fullName(r), comment, w.user(req.login)), 201);
    },
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    need: write("issues"),
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const comment = r.comments.find((c) => c.id === Number(req.params.comment_id));
      if (!comment) throw notFound();
      const body = field(req.body, "body", "IssueComment", true);
      checkBodyLength(body, "IssueComment");
      comment.body = body;
      comment.updatedAt = w.now();
      return ok(commentShape(w.site, w.fullName(r), comment, w.user(comment.user)));
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    need: write("issues"),
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const issue = findIssue(r, req.params.issue_number);
      const names = labelNames(req.body);
      if (!names) throw new HttpError(422, 'Invalid request.\n\nNo subschema in "anyOf" matched.');
      for (const label of existingLabels(r, names))
        if (!issue.labels.includes(label)) issue.labels.push(label);
      issue.updatedAt = w.now();
      return ok(w.labelsOf(r, issue.labels).map((l) => labelShape(w.site, w.fullName(r), l)));
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/labels/{name}",
    need: read("issues"),
    mutating: false,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const name = (req.params.name ?? "").toLowerCase();
      const label = r.labels.find((l) => l.name.toLowerCase() === name);
      if (!label) throw notFound();
      return ok(labelShape(w.site, w.fullName(r), label));
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/labels",
    need: write("issues"),
    mutating: true,
    handle: (w, req) => {
      const r = w.repo(req.params);
      const name = field(req.body, "name", "Label", true).trim();
      if (name === "" || name.length > 50)
        throw validationFailed({ resource: "Label", field: "name", code: "invalid" });
      const color = (field(req.body, "color", "Label") ?? "ededed").replace(/^#/, "");
      if (!COLOR.test(color)) throw validationFailed({ resource: "Label", field: "color", code: "invalid" });
      const description = field(req.body, "description", "Label");
      if (description !== undefined && description.length > 100)
        throw validationFailed({ resource: "Label", field: "description", code: "invalid" });
      // Names are unique regardless of case (a second "Release" is refused next to "release").
      if (r.labels.some((l) => l.name.toLowerCase() === name.toLowerCase()))
        throw validationFailed({ resource: "Label", field: "name", code: "already_exists" });
      const label = { id: w.nextId(), name, color: color.toLowerCase(), description: description ?? null };
      r.labels.push(label);
      return ok(labelShape(w.site, w.fullName(r), label), 201);
    },
  },
];
