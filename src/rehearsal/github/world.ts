import { join } from "node:path";
import { GitStore } from "./git/git-store.js";
import { notFound } from "./replies.js";
import { issueShape } from "./shapes/issues.js";
import { repositoryShape } from "./shapes/repository.js";
import type { Site } from "./shapes/site.js";
import type { EmulatorState, IssueState, LabelState, RepoState, UserState } from "./state.js";

/** A parsed request as a handler sees it. */
export interface Request {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The request's bytes, for a route that takes them as they are (a release asset's upload). */
  raw?: Buffer;
  contentType?: string | undefined;
  accept?: string | undefined;
  /** The caller's login. */
  login: string;
  /** Whether the caller may push to the route's repository (what drafts of releases are shown to). */
  canPush?: boolean;
}

/** Everything handlers share: state, git stores, the clock and the site the response shapes link to. */
export class World {
  private stores = new Map<string, GitStore>();

  constructor(
    public state: EmulatorState,
    readonly reposDir: string,
    readonly site: Site,
    readonly clock: () => Date,
  ) {}

  now(): string {
    return this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  }

  nextId(): number {
    return ++this.state.nextId;
  }

  user(login: string): UserState {
    let u = this.state.users[login];
    if (!u) {
      u = { login, id: this.nextId(), type: login.endsWith("[bot]") ? "Bot" : "User" };
      this.state.users[login] = u;
    }
    return u;
  }

  /** Directory of a repo's bare git repository (`<dir>/<owner>/<name>.git`). */
  gitDir(full: string): string {
    const [owner, name] = full.split("/") as [string, string];
    return join(this.reposDir, owner, `${name}.git`);
  }

  repo(params: Record<string, string>): RepoState {
    const r = this.state.repos[`${params.owner}/${params.repo}`.toLowerCase()];
    if (!r) throw notFound();
    return r;
  }

  fullName(r: RepoState): string {
    return `${r.owner}/${r.name}`;
  }

  git(r: RepoState): GitStore {
    const key = this.fullName(r).toLowerCase();
    let store = this.stores.get(key);
    if (!store) {
      store = new GitStore(this.gitDir(this.fullName(r)));
      this.stores.set(key, store);
    }
    return store;
  }

  /** Drops the stores and what they keep in memory: the repositories on disk were replaced. */
  forgetGitStores(): void {
    this.stores.clear();
  }

  /** The labels an issue names (the routes store only labels the repo has: see existingLabels). */
  labelsOf(r: RepoState, names: readonly string[]): LabelState[] {
    return names.map((name) => {
      let label = r.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
      if (!label) {
        label = { id: this.nextId(), name, color: "ededed", description: null };
        r.labels.push(label);
      }
      return label;
    });
  }

  issueJson(r: RepoState, i: IssueState) {
    const comments = r.comments.filter((c) => c.issueNumber === i.number).length;
    const json = issueShape(
      this.site,
      this.fullName(r),
      i,
      this.labelsOf(r, i.labels),
      this.user(i.user),
      comments,
    );
    if (json.pull_request) {
      const pull = r.pulls.find((p) => p.number === i.number);
      json.pull_request.merged_at = pull?.mergedAt ?? null;
    }
    return json;
  }

  repoJson(r: RepoState) {
    const open = r.issues.filter((i) => i.state === "open").length;
    return repositoryShape(this.site, r, this.user(r.owner), open);
  }
}
