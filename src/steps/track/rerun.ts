// A rerun's stages: decided from the ledger as it stands, and claimed with the request in one ledger
// write, so a second run of the release at the same time (a tag push and its GitHub Release) finds
// the stages taken and runs none of them.
import type { LedgerStore } from "../../adapters/ledger/ledger-store.js";
import type { Config } from "../../core/config/schema.js";
import type { Stage } from "../../core/ledger/events.js";
import { deriveState } from "../../core/ledger/release-state.js";
import type { RunDecision } from "../../core/ledger/stage-claims.js";
import { type RunInfo, refuseRerunOfYanked } from "../../core/ledger/track-request.js";
import { targetArtifacts } from "../../core/request/plan.js";
import type { Version } from "../../core/request/version.js";
import { claimStages, type RunLookup } from "./claim-stages.js";

export async function claimRerun(
  store: LedgerStore,
  config: Config,
  version: Version,
  request: "failed" | "all" | readonly Stage[],
  run: RunInfo,
  lookup: RunLookup,
  at: string,
): Promise<RunDecision> {
  const state = deriveState((await store.read()).events);
  refuseRerunOfYanked(state, version.version);
  return claimStages(
    store,
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
}
