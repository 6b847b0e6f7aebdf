// A rerun's stages: decided from the ledger as it stands, and claimed with the request in the step's
// one ledger write, so a second run of the release at the same time (a tag push and its GitHub
// Release) finds the stages taken and runs none of them.
import type { LedgerSnapshot, LedgerStore } from "../../adapters/ledger/ledger-store.js";
import type { Config } from "../../core/config/schema.js";
import type { LedgerEvent, Stage } from "../../core/ledger/events.js";
import { deriveState } from "../../core/ledger/release-state.js";
import type { RunDecision } from "../../core/ledger/stage-claims.js";
import { type RunInfo, refuseRerunOfYanked } from "../../core/ledger/track-request.js";
import { targetArtifacts } from "../../core/request/plan.js";
import type { Version } from "../../core/request/version.js";
import { prepareClaim, type RunLookup } from "./claim-stages.js";

/** The ledger the rerun was looked at on, and its claim, decided again in the write that records it. */
export interface RerunClaim {
  before: LedgerSnapshot;
  claim: (events: readonly LedgerEvent[]) => RunDecision;
}

export async function prepareRerun(
  store: LedgerStore,
  config: Config,
  version: Version,
  request: "failed" | "all" | readonly Stage[],
  run: RunInfo,
  lookup: RunLookup,
  at: string,
): Promise<RerunClaim> {
  const before = await store.read();
  const state = deriveState(before.events);
  refuseRerunOfYanked(state, version.version);
  const claim = await prepareClaim(
    state,
    request,
    {
      runId: run.runId,
      workflowRunId: run.workflowRunId ?? run.runId,
      actor: run.actor ?? "unknown",
      runUrl: run.runUrl,
    },
    lookup,
    at,
    targetArtifacts(config, version).map((t) => t.target),
  );
  return { before, claim };
}
