/** Kinds of failure the emulator can inject, as GitHub and networks produce them. */
export type FaultKind =
  | "500"
  | "502"
  | "503"
  | "secondary-rate-limit"
  | "primary-rate-limit"
  | "latency"
  | "reset";

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
