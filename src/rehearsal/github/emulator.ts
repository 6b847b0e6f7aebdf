import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CallLog, graphqlErrorType } from "./accounting.js";
import { FaultInjector, type FaultKind, type FaultPlan, faultReply } from "./faults.js";
import { GitStore } from "./git/git-store.js";
import type { TokenGrant } from "./permissions.js";
import { RateLimits } from "./rate-limits.js";
import { errorReply, HttpError, type Reply, writeReply } from "./replies.js";
import { type RepoSeed, seedRepo } from "./repo-seed.js";
import { answerCall } from "./routes/answer-call.js";
import { archive, isArchivePath } from "./routes/archive.js";
import {
  answerGraphql,
  GRAPHQL_MUTATIONS,
  type GraphqlCall,
  graphqlRepo,
  graphqlRoute,
  parseGraphqlCall,
} from "./routes/graphql.js";
import { recordUnfinishedAsset } from "./routes/release-assets.js";
import { matchRoute } from "./routes/route-table.js";
import { Site } from "./shapes/site.js";
import {
  type DeploymentReviewState,
  type DispatchRecord,
  type EmulatorState,
  emptyState,
  type WorkflowDispatchRecord,
  type WorkflowRunState,
} from "./state.js";
import { TokenRegistry } from "./tokens.js";
import * as records from "./workflow-records.js";
import { World } from "./world.js";

/** Options of a new emulator. */
export interface EmulatorOptions {
  /** Where bare repositories live; a temporary directory by default (removed on stop). */
  dir?: string;
  clock?: () => Date;
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
  private readonly tokens = new TokenRegistry(() => this.clockNow());
  /** How far tests moved the emulator's clock ahead of its source (`advanceClock`). */
  private clockOffsetMs = 0;
  private ownsDir: boolean;
  readonly dir: string;
  private world!: World;
  // Milliseconds, not the whole seconds the world stamps on records: a limit set to lift 60 ms from
  // now must not hold until the next second.
  private readonly limits = new RateLimits(() => this.clockNow().getTime());
  /** Whether the schema has createCommitOnBranch (an older GitHub Enterprise Server's has not). */
  private graphqlCommits = true;
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
    this.tokens.add(token, grant, options);
    this.world.user(grant.login);
  }

  /** When an expiring token stops working (ISO 8601), as GitHub returns it with the token. */
  expiryOf(token: string): string | undefined {
    return this.tokens.expiryOf(token);
  }

  /** What a token may do, as registered; undefined for a token the emulator does not know or that expired. */
  grantOf(token: string): TokenGrant | undefined {
    return this.tokens.grantOf(token);
  }

  /** Creates a repository with a first commit holding `files`; returns the commit sha. */
  createRepo(full: string, seed: RepoSeed = {}): Promise<string> {
    return seedRepo(this.world, full, seed);
  }

  /** The bare repository of a repo, for tests and the rehearsal (clone it by path). */
  git(full: string): GitStore {
    const repo = this.world.state.repos[full.toLowerCase()]; // the routes' store, and what it knows
    return repo ? this.world.git(repo) : new GitStore(this.world.gitDir(full));
  }

  // What Actions and its UI record (workflow-records.ts), for the local runner and tests.
  reviewDeployment(full: string, review: Omit<DeploymentReviewState, "at">): void {
    records.reviewDeployment(this.world, full, review);
  }

  /** An upload cut off half way, as GitHub may leave one (an asset in state "open"). */
  recordUnfinishedAsset(full: string, tag: string, name: string): void {
    const [owner, repo] = full.split("/") as [string, string];
    const r = this.world.repo({ owner, repo });
    const release = r.releases.find((x) => x.tagName === tag);
    if (!release) throw new Error(`${full} has no release of ${tag}`);
    recordUnfinishedAsset(this.world, r, release, name);
  }

  recordArtifact(
    full: string,
    artifact: { runId: number; name: string; sizeInBytes: number; retentionDays: number },
  ): void {
    records.recordArtifact(this.world, full, artifact);
  }

  artifactExpired(full: string, runId: number, name: string): boolean | undefined {
    return records.artifactExpired(this.world, full, runId, name);
  }

  setEnvironment(full: string, name: string, reviewers: readonly string[]): void {
    records.setEnvironment(this.world, full, name, reviewers);
  }

  startWorkflowRun(
    full: string,
    run: Pick<WorkflowRunState, "id" | "name" | "path" | "event" | "headBranch" | "headSha" | "actor">,
  ): void {
    records.startWorkflowRun(this.world, full, run);
  }

  finishWorkflowRun(full: string, id: number, conclusion: "success" | "failure" | "cancelled"): void {
    records.finishWorkflowRun(this.world, full, id, conclusion);
  }

  startJobCheckRun(full: string, job: { runId: number; name: string; headSha: string }): number {
    return records.startJobCheckRun(this.world, full, job);
  }

  completeJobCheckRun(full: string, id: number, conclusion: string): void {
    records.completeJobCheckRun(this.world, full, id, conclusion);
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
    this.limits.limit(token, limit, resetAt, status);
  }

  /**
   * Stands in for a GitHub Enterprise Server whose GraphQL schema predates createCommitOnBranch (and
   * Commit.file): documents using them are refused as graphql-ruby refuses an unknown field.
   */
  setGraphqlCommits(available: boolean): void {
    this.graphqlCommits = available;
  }

  /**
   * Gives a token a primary GraphQL rate limit, counted apart from REST's: `limit` more GraphQL calls,
   * then each answers HTTP 200 with a RATE_LIMITED error until `resetAt`.
   */
  limitGraphqlRate(token: string, limit: number, resetAt: Date): void {
    this.limits.limit(`graphql ${token}`, limit, resetAt, 403);
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
    this.world.forgetGitStores();
    this.world.state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));
  }

  /** Takes a state written by `dump()` whose repositories are already in this emulator's directory. */
  loadState(json: string): void {
    this.world.forgetGitStores();
    this.world.state = JSON.parse(json);
  }

  /** The state (not git objects) as JSON, for debugging and snapshots. */
  dump(): string {
    return JSON.stringify(this.world.state, null, 2);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const grant = token ? this.grantOf(token) : undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // GraphQL calls are one route each by operation ("POST /graphql createCommitOnBranch"): logged,
    // faulted and counted like REST routes.
    const graphql: GraphqlCall | undefined =
      method === "POST" && url.pathname === "/graphql" ? parseGraphqlCall(chunks) : undefined;
    const match = graphql ? undefined : matchRoute(method, url.pathname);
    const routeName = graphql
      ? graphqlRoute(graphql.operation)
      : match
        ? `${method} ${match.route.template}`
        : "unmatched";
    const mutating = graphql?.operation
      ? GRAPHQL_MUTATIONS.has(graphql.operation)
      : (match?.route.mutating ?? false);
    const api = graphql ? "graphql" : "rest";

    // A clone's access check (actions/checkout's stand-in asks it as git would) and a source archive
    // download go to github.com and codeload, not api.github.com: they are not API calls and spend
    // none of the API's rate limit ("Rate limits for the REST API" counts requests to the API).
    const channel = isArchivePath(url.pathname)
      ? ("web" as const)
      : req.headers["x-rehearsal-channel"] === "git"
        ? ("git" as const)
        : undefined;
    const record = (status: number, mutating: boolean, fault: FaultKind | undefined, body?: unknown) =>
      this.log.record({
        method,
        route: routeName,
        path: url.pathname,
        status,
        mutating,
        login: grant?.login,
        fault,
        ...(graphql ? { error: graphqlErrorType(body), repo: graphqlRepo(graphql) } : {}),
        ...(channel ? { channel } : {}),
      });

    const limited =
      token && !channel ? this.limits.overQuota(token, graphql ? "graphql" : "core") : undefined;
    if (limited) {
      record(limited.status, false, undefined, limited.body);
      this.send(res, limited, token, api);
      return;
    }
    const fault = match || graphql?.operation ? this.faults.next(routeName) : undefined;
    const finish = (reply: Reply) => {
      record(reply.status, mutating, fault?.kind, reply.body);
      if (fault?.phase === "after" && fault.kind === "reset") {
        req.socket.destroy();
        return;
      }
      for (const observe of this.observers) observe(routeName, reply.status, reply.body, match?.params ?? {});
      this.send(res, reply, token, api);
    };

    if (fault && fault.phase === "before") {
      if (fault.kind === "latency") await new Promise((r) => setTimeout(r, fault.latencyMs));
      else {
        const reply = faultReply(fault.kind, api);
        record(fault.kind === "reset" ? 0 : reply.status, false, fault.kind, reply.body);
        if (fault.kind === "reset") req.socket.destroy();
        else this.send(res, reply, token, api);
        return;
      }
    }

    if (method === "GET" && isArchivePath(url.pathname)) {
      finish(await archive(this.world, url.pathname).catch((e: unknown) => errorReply(e)));
      return;
    }
    if (!match && !graphql) {
      finish(new HttpError(404, "Not Found").reply());
      return;
    }
    const reply = graphql
      ? await answerGraphql(
          this.world,
          graphql,
          { hasToken: token !== undefined, grant },
          { commitMutation: this.graphqlCommits },
        ).catch((e: unknown) => errorReply(e))
      : await answerCall(this.world, (match as NonNullable<typeof match>).route, {
          method,
          params: (match as NonNullable<typeof match>).params,
          query: url.searchParams,
          body: chunks,
          accept: req.headers.accept,
          contentType: req.headers["content-type"],
          hasToken: token !== undefined,
          grant,
        });
    if (
      fault?.phase === "after" &&
      fault.kind !== "reset" &&
      fault.kind !== "latency" &&
      reply.status < 400
    ) {
      // The server acted, but the client sees an error: the case idempotent retries must survive.
      finish(faultReply(fault.kind, api));
      return;
    }
    finish(reply);
  }

  private send(res: ServerResponse, reply: Reply, token: string | undefined, api: "rest" | "graphql"): void {
    const headers: Record<string, string> = {
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      ...this.limits.count(token, api === "graphql" ? "graphql" : "core"),
      ...reply.headers,
    };
    writeReply(res, reply, headers);
  }
}
