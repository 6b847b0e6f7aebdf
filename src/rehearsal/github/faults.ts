import { graphqlRateLimitReply, rateLimitReply } from "./rate-limits.js";
import type { Reply } from "./replies.js";

/** Kinds of failure the emulator can inject, as GitHub and networks produce them. */
export type FaultKind =
  | "500"
  | "502"
  | "503"
  | "secondary-rate-limit"
  | "primary-rate-limit"
  | "latency"
  | "reset"
  // The same limits in their other forms, for targeted tests only (not drawn by random plans).
  | "primary-rate-limit-429"
  | "secondary-rate-limit-429"
  | "secondary-rate-limit-no-retry-after";

export const FAULT_KINDS: readonly FaultKind[] = [
  "500",
  "502",
  "503",
  "secondary-rate-limit",
  "primary-rate-limit",
  "latency",
  "reset",
];

/** Random faults: each matching call fails with probability `rate`, deterministically for a seed. */
export interface FaultPlan {
  rate: number;
  seed: number;
  kinds?: readonly FaultKind[];
  /** Route templates to affect, e.g. "PATCH /repos/{owner}/{repo}/git/refs/{ref}"; default all. */
  routes?: readonly string[];
  /** Milliseconds added by a "latency" fault. */
  latencyMs?: number;
  /**
   * "before": the call fails without effect; "after": the handler runs, then the reply is lost
   * (connection reset), as when a response times out after the server acted; "either": both, by draw.
   */
  phase?: "before" | "after" | "either";
}

/**
 * What a fault answers in place of the route: a rate limit as GitHub words it, or a server error. On
 * GraphQL a primary limit is HTTP 200 with a RATE_LIMITED error; secondary limits and server errors
 * are answered as on REST.
 */
export function faultReply(kind: FaultKind, api: "rest" | "graphql" = "rest"): Reply {
  const reset = Math.floor(Date.now() / 1000) + 1;
  if (api === "graphql" && kind === "primary-rate-limit") return graphqlRateLimitReply(reset);
  switch (kind) {
    case "secondary-rate-limit":
      return rateLimitReply(403, "secondary", reset, 1);
    case "secondary-rate-limit-429":
      return rateLimitReply(429, "secondary", reset, 1);
    case "secondary-rate-limit-no-retry-after":
      return rateLimitReply(403, "secondary", reset);
    case "primary-rate-limit":
      return rateLimitReply(403, "primary", reset);
    case "primary-rate-limit-429":
      return rateLimitReply(429, "primary", reset);
    default: {
      const status = Number(kind) || 500;
      return {
        status,
        body: { message: status === 500 ? "Server Error" : "Service Unavailable", status: String(status) },
      };
    }
  }
}

/** A fault scheduled for the next matching calls, for targeted tests. */
export interface ScheduledFault {
  route: string;
  kind: FaultKind;
  phase: "before" | "after";
  remaining: number;
}

/** mulberry32: small, fast, deterministic; the same seed gives the same fault sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, call by call, which fault (if any) to inject. */
export class FaultInjector {
  private plan: FaultPlan | undefined;
  private random: () => number = Math.random;
  private scheduled: ScheduledFault[] = [];

  setPlan(plan: FaultPlan | undefined): void {
    this.plan = plan;
    if (plan) this.random = seededRandom(plan.seed);
  }

  schedule(
    route: string,
    kind: FaultKind,
    options: { phase?: "before" | "after"; count?: number } = {},
  ): void {
    this.scheduled.push({ route, kind, phase: options.phase ?? "before", remaining: options.count ?? 1 });
  }

  clear(): void {
    this.plan = undefined;
    this.scheduled = [];
  }

  /** The fault for this call, if any. */
  next(route: string): { kind: FaultKind; phase: "before" | "after"; latencyMs: number } | undefined {
    const due = this.scheduled.find((s) => s.route === route && s.remaining > 0);
    if (due) {
      due.remaining--;
      return { kind: due.kind, phase: due.phase, latencyMs: 50 };
    }
    const plan = this.plan;
    if (!plan || (plan.routes && !plan.routes.includes(route))) return undefined;
    if (this.random() >= plan.rate) return undefined;
    const kinds = plan.kinds ?? FAULT_KINDS;
    const kind = kinds[Math.floor(this.random() * kinds.length)] as FaultKind;
    const phase =
      plan.phase === "either" ? (this.random() < 0.5 ? "before" : "after") : (plan.phase ?? "before");
    return { kind, phase, latencyMs: plan.latencyMs ?? 20 };
  }
}

/**
 * Delay mode: GitHub is eventually consistent. Right after a branch is created or moved, creating a
 * pull request from it can answer 422 "No commits between" (dotnet/buildtools#1140;
 * OPM/opm-common#267), and a new pull request's `mergeable` is `null` until GitHub has computed it
 * (REST "Get a pull request": "If the value is null, then GitHub has started a background job to
 * compute the mergeability"). Each lag lasts a number of requests, or of milliseconds, or both.
 */
export interface ConsistencyLagPlan {
  /** After a branch moves, this many creates of a PR from it answer 422 "No commits between". */
  pullCreates?: number;
  /** ... and every create for this long after the branch moved. */
  pullCreateMs?: number;
  /** A new PR's first this-many reads (the create's own reply included) show `mergeable: null`. */
  mergeableReads?: number;
}

interface Lag {
  remaining: number;
  until: number;
}

const lagging = (lag: Lag | undefined, now: number): boolean =>
  lag !== undefined && (lag.remaining > 0 || now < lag.until);

/**
 * GitHub's eventual consistency, for the routes that show it: as a delay mode (`setPlan`), and as
 * faults scheduled on the next calls (`failPullCreates`, `hideMergeable`), like `failNext`.
 */
export class ConsistencyLag {
  private plan: ConsistencyLagPlan | undefined;
  private heads = new Map<string, Lag>();
  private pulls = new Map<string, Lag>();
  private scheduled = { pullCreates: 0, mergeableReads: 0 };

  constructor(private readonly clock: () => number = Date.now) {}

  /** Turns the delay mode on for what happens from now on; undefined turns it off. */
  setPlan(plan: ConsistencyLagPlan | undefined): void {
    this.plan = plan;
    if (!plan) {
      this.heads.clear();
      this.pulls.clear();
    }
  }

  /** The next `count` PR creates answer 422 "No commits between", whatever their head. */
  failPullCreates(count = 1): void {
    this.scheduled.pullCreates += count;
  }

  /** The next `count` reads of any open PR show `mergeable: null`. */
  hideMergeable(count = 1): void {
    this.scheduled.mergeableReads += count;
  }

  clear(): void {
    this.setPlan(undefined);
    this.scheduled = { pullCreates: 0, mergeableReads: 0 };
  }

  /** A branch was created or moved (`repo` is owner/name, `branch` without refs/heads/). */
  branchMoved(repo: string, branch: string): void {
    const plan = this.plan;
    if (!plan || (!plan.pullCreates && !plan.pullCreateMs)) return;
    this.heads.set(`${repo.toLowerCase()}:${branch}`, {
      remaining: plan.pullCreates ?? 0,
      until: this.clock() + (plan.pullCreateMs ?? 0),
    });
  }

  /** Whether this create of a PR from `branch` answers "No commits between" (counts it). */
  refusesPullCreate(repo: string, branch: string): boolean {
    if (this.scheduled.pullCreates > 0) {
      this.scheduled.pullCreates--;
      return true;
    }
    const lag = this.heads.get(`${repo.toLowerCase()}:${branch}`);
    if (!lagging(lag, this.clock())) return false;
    if (lag && lag.remaining > 0) lag.remaining--;
    return true;
  }

  /** A PR was opened: its mergeability starts being computed. */
  pullOpened(repo: string, number: number): void {
    const reads = this.plan?.mergeableReads ?? 0;
    if (reads > 0) this.pulls.set(`${repo.toLowerCase()}#${number}`, { remaining: reads, until: 0 });
  }

  /** Whether this read of an open PR shows `mergeable: null` (counts it). */
  hidesMergeable(repo: string, number: number): boolean {
    if (this.scheduled.mergeableReads > 0) {
      this.scheduled.mergeableReads--;
      return true;
    }
    const lag = this.pulls.get(`${repo.toLowerCase()}#${number}`);
    if (!lag || lag.remaining <= 0) return false;
    lag.remaining--;
    return true;
  }
}

const lags = new WeakMap<object, ConsistencyLag>();

/**
 * The consistency lag of one emulator's world, keyed by its state (`emulator.state`): the routes
 * that show lag read it from the state they serve. A restored snapshot starts without lag.
 */
export function consistencyOf(state: object): ConsistencyLag {
  let lag = lags.get(state);
  if (!lag) {
    lag = new ConsistencyLag();
    lags.set(state, lag);
  }
  return lag;
}
