import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CallLog } from "./accounting.js";
import { FaultInjector, type FaultKind, type FaultPlan } from "./faults.js";
import { GitStore } from "./git-store.js";
import { checkPermission, normaliseGrant, readableByAnyone, type TokenGrant } from "./permissions.js";
import { HttpError, type Reply } from "./replies.js";
import type { Route } from "./route.js";
import { checkRoutes } from "./routes/checks.js";
import { gitRoutes } from "./routes/git.js";
import { issueRoutes } from "./routes/issues.js";
import { pullRoutes } from "./routes/pulls.js";
import { releaseRoutes } from "./routes/releases.js";
import { repoRoutes } from "./routes/repos.js";
import { runRoutes } from "./routes/runs.js";
import { Site } from "./shapes/site.js";
import {
  type DeploymentReviewState,
  type DispatchRecord,
  type EmulatorState,
  emptyState,
  type WorkflowDispatchRecord,
  type WorkflowRunState,
} from "./state.js";
import { World } from "./world.js";

/** Every REST route the emulator serves. */
export const ROUTES: readonly Route[] = [
  ...repoRoutes,
  ...issueRoutes,
  ...pullRoutes,
  ...gitRoutes,
  ...checkRoutes,
  ...releaseRoutes,
  ...runRoutes,
];

// Path parameters that may hold slashes (refs, file paths) match greedily; numbers match digits only.
const GREEDY = new Set(["ref", "path", "branch"]);
const compiled = ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    if (GREEDY.has(name)) return "(.+)";
    if (/_number$|_id$/.test(name) && name !== "workflow_id") return "(\\d+)";
    return "([^/]+)";
  });
  return { route, names, re: new RegExp(`^${source}$`) };
});

/** Options of a new emulator. */
export interface EmulatorOptions {
  /** Where bare repositories live; a temporary directory by default (removed on stop). */
  dir?: string;
  clock?: () => Date;
}

/** A repo to create: its default branch and first commit's files. */
export interface RepoSeed {
  defaultBranch?: string;
  files?: Record<string, string | Buffer>;
  message?: string;
  private?: boolean;
}

/**
 * A local GitHub REST API on 127.0.0.1 for tests and the rehearsal: issues, pulls, the Git Data API
 * over real bare repositories, statuses and checks, releases, dispatches; with per-repo token
 * permissions, deterministic fault injection and a log of every call.
 */
export class GitHubEmulator {
  readonly log = new CallLog();
  readonly faults = new FaultInjector();
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  private tokens = new Map<string, TokenGrant>();
  /** When each expiring token stops working (ms on the emulator's clock). */
  private expiries = new Map<string, number>();
  /** How far tests moved the emulator's clock ahead of its source (`advanceClock`). */
  private clockOffsetMs = 0;
  private ownsDir: boolean;
  readonly dir: string;
  private world!: World;
  private rateRemaining = new Map<string, number>();
  /** Tokens whose primary rate limit runs out (`limitRate`): calls allowed and when the window resets. */
  private quotas = new Map<string, { limit: number; used: number; resetAt: number; status: 403 | 429 }>();
  private observers: ((
    route: string,
    status: number,
    body: unknown,
    params: Record<string, string>,
  ) => void)[] = [];
  url = "";

  constructor(private readonly options: EmulatorOptions = {}) {
    this.ownsDir = !options.dir;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), "github-emulator-"));
    mkdirSync(join(this.dir, "repos"), { recursive: true });
  }

  /** Starts listening on 127.0.0.1 (a random port unless one is given); returns the API base URL. */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.world = new World(
      this.world?.state ?? emptyState(),
      join(this.dir, "repos"),
      new Site(this.url, this.url),
      () => this.clockNow(),
    );
    return this.url;
  }

  /** Stops the server, closing every connection; removes its directory if it made it. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  get state(): EmulatorState {
    return this.world.state;
  }

  /** The emulator's time: its clock (the system's by default) plus what `advanceClock` added. */
  clockNow(): Date {
    return new Date((this.options.clock?.() ?? new Date()).getTime() + this.clockOffsetMs);
  }

  /** Moves the emulator's clock ahead (tests: an installation token an hour later). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /**
   * Accepts a token with the given identity and per-repo permissions; with `expiresInMinutes`, only
   * until then on the emulator's clock. GitHub App installation tokens expire one hour after they are
   * minted (GitHub Apps docs "Authenticating as a GitHub App installation"; the
   * create-github-app-token README), after which GitHub answers 401 "Bad credentials".
   */
  addToken(token: string, grant: TokenGrant, options: { expiresInMinutes?: number } = {}): void {
    this.tokens.set(token, normaliseGrant(grant));
    if (options.expiresInMinutes !== undefined)
      this.expiries.set(token, this.clockNow().getTime() + options.expiresInMinutes * 60_000);
    this.world.user(grant.login);
  }

  /** When an expiring token stops working (ISO 8601), as GitHub returns it with the token. */
  expiryOf(token: string): string | undefined {
    const at = this.expiries.get(token);
    return at === undefined ? undefined : new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /** What a token may do, as registered; undefined for a token the emulator does not know or that expired. */
  grantOf(token: string): TokenGrant | undefined {
    const expires = this.expiries.get(token);
    if (expires !== undefined && this.clockNow().getTime() >= expires) return undefined;
    return this.tokens.get(token);
  }

  /** Creates a repository with a first commit holding `files`; returns the commit sha. */
  async createRepo(full: string, seed: RepoSeed = {}): Promise<string> {
    const [owner, name] = full.split("/") as [string, string];
    const defaultBranch = seed.defaultBranch ?? "main";
    const git = await GitStore.init(this.world.gitDir(full), defaultBranch);
    this.world.state.repos[full.toLowerCase()] = {
      id: this.world.nextId(),
      owner,
      name,
      defaultBranch,
      private: seed.private ?? false,
      createdAt: this.world.now(),
      nextNumber: 1,
      issues: [],
      comments: [],
      pulls: [],
      labels: [],
      statuses: [],
      checkRuns: [],
      releases: [],
    };
    this.world.user(owner);
    const entries = [];
    for (const [path, content] of Object.entries(seed.files ?? { "README.md": `# ${name}\n` })) {
      const executable = path.endsWith(".sh");
      entries.push({
        path,
        mode: executable ? "100755" : "100644",
        sha: await git.writeBlob(Buffer.from(content)),
      });
    }
    const tree = await git.writeTree(undefined, entries);
    const ident = { name: owner, email: `${owner}@users.noreply.localhost`, date: this.world.now() };
    const sha = await git.writeCommit(tree, [], `${seed.message ?? "Initial commit"}\n`, ident, ident);
    await git.casRef(`refs/heads/${defaultBranch}`, sha, "");
    return sha;
  }

  /** The bare repository of a repo, for tests and the rehearsal (clone it by path). */
  git(full: string): GitStore {
    return new GitStore(this.world.gitDir(full));
  }

  /** A required reviewer's decision on a run's deployment environment, as the Actions UI records it (once per run and environment). */
  reviewDeployment(full: string, review: Omit<DeploymentReviewState, "at">): void {
    const r = this.world.repo({ owner: full.split("/")[0] as string, repo: full.split("/")[1] as string });
    r.deploymentReviews ??= [];
    if (r.deploymentReviews.some((d) => d.runId === review.runId && d.environment === review.environment))
      return;
    this.world.user(review.user);
    r.deploymentReviews.push({ ...review, at: this.world.now() });
  }

  /**
   * A run uploads an artifact, kept `retentionDays` on the emulator's clock (upload-artifact's
   * retention-days; the repo's default is 90 days: Actions docs, "Storing workflow data as artifacts").
   */
  recordArtifact(
    full: string,
    artifact: { runId: number; name: string; sizeInBytes: number; retentionDays: number },
  ): void {
    const r = this.world.repo({ owner: full.split("/")[0] as string, repo: full.split("/")[1] as string });
    const now = this.clockNow();
    r.artifacts ??= [];
    r.artifacts.push({
      id: this.world.nextId(),
      runId: artifact.runId,
      name: artifact.name,
      sizeInBytes: artifact.sizeInBytes,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + artifact.retentionDays * 86_400_000).toISOString(),
    });
  }

  /** Whether a run's artifact can still be downloaded: undefined when it never existed. */
  artifactExpired(full: string, runId: number, name: string): boolean | undefined {
    const r = this.state.repos[full.toLowerCase()];
    const found = r?.artifacts?.find((a) => a.runId === runId && a.name === name);
    return found ? found.expiresAt <= this.clockNow().toISOString() : undefined;
  }

  /** A deployment environment of a repo, with the logins of its required reviewers (none: no review). */
  setEnvironment(full: string, name: string, reviewers: readonly string[]): void {
    const r = this.world.repo({ owner: full.split("/")[0] as string, repo: full.split("/")[1] as string });
    for (const login of reviewers) this.world.user(login);
    r.environments = {
      ...r.environments,
      [name]: { reviewers: [...reviewers], createdAt: this.world.now() },
    };
  }

  /** A workflow run starts, as the Actions API will report it (`GET .../actions/runs/{id}`). */
  startWorkflowRun(
    full: string,
    run: Pick<WorkflowRunState, "id" | "name" | "path" | "event" | "headBranch" | "headSha" | "actor">,
  ): void {
    const r = this.world.repo({ owner: full.split("/")[0] as string, repo: full.split("/")[1] as string });
    r.workflowRuns ??= [];
    if (r.workflowRuns.some((x) => x.id === run.id)) return;
    this.world.user(run.actor);
    const now = this.world.now();
    r.workflowRuns.push({
      ...run,
      status: "in_progress",
      conclusion: null,
      triggeringActor: run.actor,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** A workflow run ends with its conclusion. */
  finishWorkflowRun(full: string, id: number, conclusion: "success" | "failure" | "cancelled"): void {
    const r = this.world.repo({ owner: full.split("/")[0] as string, repo: full.split("/")[1] as string });
    const run = r.workflowRuns?.find((x) => x.id === id);
    if (!run) return;
    Object.assign(run, { status: "completed", conclusion, updatedAt: this.world.now() });
  }

  /**
   * A job starts: its check run, as GitHub Actions creates one for every job on the run's head commit
   * (app github-actions; details_url and html_url are the job's page under the run,
   * `/{owner}/{repo}/actions/runs/{run_id}/job/{id}`). Returns its id.
   */
  startJobCheckRun(full: string, job: { runId: number; name: string; headSha: string }): number {
    const r = this.world.repo({ owner: full.split("/")[0] as string, repo: full.split("/")[1] as string });
    const id = this.world.nextId();
    r.checkRuns.push({
      id,
      headSha: job.headSha,
      name: job.name,
      status: "in_progress",
      conclusion: null,
      detailsUrl: `${this.url}/${r.owner}/${r.name}/actions/runs/${job.runId}/job/${id}`,
      externalId: null,
      startedAt: this.world.now(),
      completedAt: null,
      title: null,
      summary: null,
    });
    return id;
  }

  /** A job ends: its check run completes with the job's conclusion. */
  completeJobCheckRun(full: string, id: number, conclusion: string): void {
    const r = this.world.repo({ owner: full.split("/")[0] as string, repo: full.split("/")[1] as string });
    const run = r.checkRuns.find((c) => c.id === id);
    if (run) Object.assign(run, { status: "completed", conclusion, completedAt: this.world.now() });
  }

  /** `repository_dispatch` events delivered since the last call (the queue is emptied). */
  takeDispatches(): DispatchRecord[] {
    return this.world.state.dispatches.splice(0);
  }

  /** `workflow_dispatch` requests since the last call (the queue is emptied). */
  takeWorkflowDispatches(): WorkflowDispatchRecord[] {
    return this.world.state.workflowDispatches.splice(0);
  }

  /** Random faults on every (or some) route; undefined turns them off. */
  setFaults(plan: FaultPlan | undefined): void {
    this.faults.setPlan(plan);
  }

  /**
   * Gives a token a primary rate limit: `limit` more calls, then every call answers `status` (403 or
   * 429) with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` until `resetAt` (REST docs "Rate
   * limits for the REST API": "If you exceed your primary rate limit, you will receive a 403 or 429
   * response, and the x-ratelimit-remaining header will be 0").
   */
  limitRate(token: string, limit: number, resetAt: Date, status: 403 | 429 = 403): void {
    this.quotas.set(token, { limit, used: 0, resetAt: resetAt.getTime(), status });
  }

  /** A fault on the next `count` calls of one route (template, e.g. "POST /repos/{owner}/{repo}/issues"). */
  failNext(
    route: string,
    kind: FaultKind,
    options: { phase?: "before" | "after"; count?: number } = {},
  ): void {
    this.faults.schedule(route, kind, options);
  }

  /** Calls `fn` with every JSON reply (route template, status, body, path parameters). */
  observe(fn: (route: string, status: number, body: unknown, params: Record<string, string>) => void): void {
    this.observers.push(fn);
  }

  /** Copies the whole world (state and repositories) into `dir`. */
  snapshot(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(this.dir, "repos"), join(dir, "repos"), { recursive: true });
    writeFileSync(join(dir, "state.json"), this.dump());
  }

  /** Replaces the world with a snapshot taken by `snapshot(dir)`. */
  restore(dir: string): void {
    rmSync(join(this.dir, "repos"), { recursive: true, force: true });
    cpSync(join(dir, "repos"), join(this.dir, "repos"), { recursive: true });
    this.world.state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));
  }

  /** Takes a state written by `dump()` whose repositories are already in this emulator's directory. */
  loadState(json: string): void {
    this.world.state = JSON.parse(json);
  }

  /** The state (not git objects) as JSON, for debugging and snapshots. */
  dump(): string {
    return JSON.stringify(this.world.state, null, 2);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const match = this.match(method, url.pathname);
    const routeName = match ? `${method} ${match.route.template}` : "unmatched";
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const grant = token ? this.grantOf(token) : undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);

    const limited = token ? this.overQuota(token) : undefined;
    if (limited) {
      this.log.record({
        method,
        route: routeName,
        path: url.pathname,
        status: limited.status,
        mutating: false,
        login: grant?.login,
        fault: undefined,
      });
      this.send(res, limited, token);
      return;
    }
    const fault = match ? this.faults.next(routeName) : undefined;
    const finish = (reply: Reply) => {
      this.log.record({
        method,
        route: routeName,
        path: url.pathname,
        status: reply.status,
        mutating: match?.route.mutating ?? false,
        login: grant?.login,
        fault: fault?.kind,
      });
      if (fault?.phase === "after" && fault.kind === "reset") {
        req.socket.destroy();
        return;
      }
      for (const observe of this.observers) observe(routeName, reply.status, reply.body, match?.params ?? {});
      this.send(res, reply, token);
    };

    if (fault && fault.phase === "before") {
      if (fault.kind === "latency") await new Promise((r) => setTimeout(r, fault.latencyMs));
      else {
        this.log.record({
          method,
          route: routeName,
          path: url.pathname,
          status: fault.kind === "reset" ? 0 : this.faultReply(fault.kind).status,
          mutating: false,
          login: grant?.login,
          fault: fault.kind,
        });
        if (fault.kind === "reset") req.socket.destroy();
        else this.send(res, this.faultReply(fault.kind), token);
        return;
      }
    }

    if (method === "GET" && /^\/[^/]+\/[^/]+\/archive\//.test(url.pathname)) {
      finish(await this.archive(url.pathname).catch((e: unknown) => this.errorReply(e)));
      return;
    }
    if (!match) {
      finish(new HttpError(404, "Not Found").reply());
      return;
    }
    let reply: Reply;
    try {
      if (token && !grant) throw new HttpError(401, "Bad credentials");
      const params = match.params;
      const repo =
        params.owner && params.repo
          ? this.world.state.repos[`${params.owner}/${params.repo}`.toLowerCase()]
          : undefined;
      const need = (repo && match.route.needFor?.(this.world, params)) || match.route.need;
      const visibility = { public: repo !== undefined && !repo.private };
      // GitHub serves a public repository's contents, branches and tarballs without authentication
      // (REST docs of each: "This endpoint can be used without authentication or the aforementioned
      // permissions if only public resources are requested"); any other call without a token is 401.
      if (!grant && !(method === "GET" && readableByAnyone(need, visibility)))
        throw new HttpError(401, "Requires authentication");
      if (grant && params.owner && params.repo) {
        const access = checkPermission(grant, `${params.owner}/${params.repo}`, need, visibility);
        if (access === "hidden") throw new HttpError(404, "Not Found");
        if (access === "denied") throw new HttpError(403, "Resource not accessible by integration");
      }
      let body: Record<string, unknown> = {};
      if (chunks.length > 0) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          throw new HttpError(400, "Problems parsing JSON");
        }
      }
      reply = await match.route.handle(this.world, {
        params,
        query: url.searchParams,
        body,
        login: grant?.login ?? "",
      });
    } catch (error) {
      reply = this.errorReply(error);
    }
    if (
      fault?.phase === "after" &&
      fault.kind !== "reset" &&
      fault.kind !== "latency" &&
      reply.status < 400
    ) {
      // The server acted, but the client sees an error: the case idempotent retries must survive.
      finish(this.faultReply(fault.kind));
      return;
    }
    finish(reply);
  }

  private match(method: string, path: string) {
    for (const c of compiled) {
      if (c.route.method !== method) continue;
      const m = c.re.exec(path);
      if (m) {
        const params: Record<string, string> = {};
        c.names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1] as string);
        });
        return { route: c.route, params };
      }
    }
    return undefined;
  }

  private async archive(path: string): Promise<Reply> {
    // /{owner}/{repo}/archive/refs/tags/{tag}.tar.gz or /{owner}/{repo}/archive/{ref}.tar.gz
    const m = /^\/([^/]+)\/([^/]+)\/archive\/(?:refs\/(?:tags|heads)\/)?(.+)\.tar\.gz$/.exec(path);
    if (!m) throw new HttpError(404, "Not Found");
    const [, owner, name, ref] = m as unknown as [string, string, string, string];
    const repo = this.world.state.repos[`${owner}/${name}`.toLowerCase()];
    if (!repo || repo.private) throw new HttpError(404, "Not Found");
    const git = this.world.git(repo);
    const commit = await git.resolveCommit(ref);
    if (!commit) throw new HttpError(404, "Not Found");
    const raw = await git.archive(commit, `${repo.name}-${ref.replace(/^v(?=\d)/, "")}`);
    return { status: 200, raw, headers: { "content-type": "application/x-gzip" } };
  }

  /** The primary limit's answer once a limited token's calls are used up, until its reset. */
  private overQuota(token: string): Reply | undefined {
    const q = this.quotas.get(token);
    if (!q) return undefined;
    if (Date.parse(this.world.now()) >= q.resetAt) {
      this.quotas.delete(token);
      return undefined;
    }
    if (q.used < q.limit) {
      q.used++;
      return undefined;
    }
    return this.rateLimitReply(q.status, "primary", Math.ceil(q.resetAt / 1000));
  }

  /**
   * GitHub's rate-limit answers (REST docs "Rate limits for the REST API" and "Troubleshooting the
   * REST API"): 403 or 429; a primary limit with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`
   * (epoch seconds); a secondary one with `retry-after` (seconds) or, without it, a client must wait
   * at least a minute.
   */
  private rateLimitReply(
    status: 403 | 429,
    kind: "primary" | "secondary",
    reset: number,
    retryAfter?: number,
  ): Reply {
    const body = {
      message:
        kind === "primary"
          ? "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID."
          : "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
      status: String(status),
    };
    const headers: Record<string, string> =
      kind === "primary"
        ? { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }
        : retryAfter !== undefined
          ? { "retry-after": String(retryAfter) }
          : {};
    return { status, headers, body };
  }

  private faultReply(kind: FaultKind): Reply {
    const reset = Math.floor(Date.now() / 1000) + 1;
    switch (kind) {
      case "secondary-rate-limit":
        return this.rateLimitReply(403, "secondary", reset, 1);
      case "secondary-rate-limit-429":
        return this.rateLimitReply(429, "secondary", reset, 1);
      case "secondary-rate-limit-no-retry-after":
        return this.rateLimitReply(403, "secondary", reset);
      case "primary-rate-limit":
        return this.rateLimitReply(403, "primary", reset);
      case "primary-rate-limit-429":
        return this.rateLimitReply(429, "primary", reset);
      default: {
        const status = Number(kind) || 500;
        return {
          status,
          body: { message: status === 500 ? "Server Error" : "Service Unavailable", status: String(status) },
        };
      }
    }
  }

  private errorReply(error: unknown): Reply {
    if (error instanceof HttpError) return error.reply();
    return { status: 500, body: { message: `emulator error: ${(error as Error).message}`, status: "500" } };
  }

  /** A limited token's own count, as GitHub reports it on every answer. */
  private quotaHeaders(token: string | undefined): Record<string, string> {
    const q = token ? this.quotas.get(token) : undefined;
    if (!q) return {};
    return {
      "x-ratelimit-limit": String(q.limit),
      "x-ratelimit-remaining": String(Math.max(0, q.limit - q.used)),
      "x-ratelimit-used": String(q.used),
      "x-ratelimit-reset": String(Math.ceil(q.resetAt / 1000)),
    };
  }

  private send(res: ServerResponse, reply: Reply, token: string | undefined): void {
    const used = token ? 5000 - (this.rateRemaining.get(token) ?? 5000) + 1 : 0;
    if (token) this.rateRemaining.set(token, Math.max(0, 5000 - used));
    const headers: Record<string, string> = {
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(Math.max(0, 5000 - used)),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-used": String(used),
      "x-ratelimit-resource": "core",
      ...this.quotaHeaders(token),
      ...reply.headers,
    };
    if (reply.raw) {
      res.writeHead(reply.status, { ...headers, "content-length": String(reply.raw.length) });
      res.end(reply.raw);
      return;
    }
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...headers,
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(text)),
    });
    res.end(text);
  }
}
