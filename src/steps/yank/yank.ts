// The yank of a release: recorded first (so no rerun publishes it again), then each downstream's part
// and the storage's, each recorded as it ends, and the tracking issue rendered.
import type { S3Client } from "@aws-sdk/client-s3";
import { createGitHubClient, type GitHubClient } from "../../adapters/github/client.js";
import { type ClientFor, installationClients } from "../../adapters/github/installation-clients.js";
import { LedgerStore } from "../../adapters/ledger/ledger-store.js";
import { type RunContext, runAttemptId } from "../../adapters/run-context.js";
import { createS3Client } from "../../adapters/storage/s3.js";
import { ledgerKey } from "../../core/config/environment.js";
import type { Config } from "../../core/config/schema.js";
import type { LedgerEvent } from "../../core/ledger/events.js";
import { deriveState } from "../../core/ledger/release-state.js";
import { parseVersion } from "../../core/request/version.js";
import { renderYankOutcome, type YankStep, yankFailed } from "../../core/yank/yank-outcome.js";
import { planYank, stepsToRecord, yankStepEvent } from "../../core/yank/yank-plan.js";
import { trackRelease } from "../track/track.js";
import { type DownstreamYankResult, yankDownstream } from "./yank-downstream.js";
import type { YankSettings } from "./yank-inputs.js";
import { yankStorage } from "./yank-storage.js";

export interface YankDeps {
  github: GitHubClient;
  /** Each downstream repo's client, by its owner's installation token (default: github for all). */
  clientFor?: ClientFor | undefined;
  s3: S3Client;
  run: { runId: string; runUrl: string | undefined; actor: string; serverUrl?: string | undefined };
  now: () => Date;
}

/** What a yank did (or would do): each target's outcome, and the plan in words. */
export interface YankResult {
  text: string;
  steps: YankStep[];
  failed: boolean;
}

/**
 * Yanks a release: records the yank first (so no rerun publishes it again), closes its open PRs
 * with a comment, opens revert PRs for merged ones, moves its objects under `yanked/`, and renders
 * the tracking issue. Resumable: each part is checked against the world before it is done. With
 * `dryRun`, reads everything and changes nothing.
 */
export async function yankRelease(
  settings: Pick<YankSettings, "version" | "reason" | "dryRun">,
  config: Config,
  deps: YankDeps,
): Promise<YankResult> {
  const version = parseVersion(settings.version).version;
  const store = new LedgerStore(deps.github, config.tracking.repo, ledgerKey(config, version));
  const state = deriveState((await store.read()).events);
  const reason = state.yanked?.reason ?? settings.reason;
  const by = state.yanked?.by ?? deps.run.actor;
  const plan = planYank(state, config, version, reason);
  const now = () => deps.now().toISOString();
  if (!settings.dryRun && !state.yanked)
    await store.append({
      id: "yank",
      at: now(),
      type: "yank",
      reason,
      by,
      ...(deps.run.runUrl ? { runUrl: deps.run.runUrl } : {}),
    });
  const request = { config, version, reason, by, dryRun: settings.dryRun };
  const downstream: DownstreamYankResult[] = [];
  for (const d of plan.downstream)
    downstream.push(await yankDownstream(deps.clientFor?.(d.repo) ?? deps.github, d, request));
  const storage = await yankStorage(deps.s3, config, version, settings.dryRun);
  const steps: YankStep[] = [
    ...downstream.map(({ downstream: target, outcome, detail, url }) => ({
      target,
      outcome,
      detail,
      ...(url ? { url } : {}),
    })),
    { target: storage.target, outcome: storage.outcome, detail: storage.detail },
  ];
  const text = renderYankOutcome(plan, steps, settings.dryRun, storage.objects);
  const failed = yankFailed(steps);
  if (settings.dryRun) return { text, steps, failed };
  const events: LedgerEvent[] = stepsToRecord(state, steps).map((s) =>
    yankStepEvent(s.target, s.outcome, now(), deps.run.runId, { url: s.url, detail: s.detail }),
  );
  if (events.length > 0) await store.appendAll(events);
  // The tracking issue shows the yank, says so once in a comment, and closes when every part is done.
  await trackRelease({ version }, config, {
    github: deps.github,
    run: { runId: deps.run.runId, runUrl: deps.run.runUrl, actor: by, serverUrl: deps.run.serverUrl },
    now: deps.now,
  });
  return { text, steps, failed };
}

/** The yank action's clients and run, from its settings and the runner's environment. */
export function yankDeps(
  settings: Pick<YankSettings, "token" | "tokens">,
  config: Config,
  context: RunContext,
  env: NodeJS.ProcessEnv,
): YankDeps {
  const make = (token: string) => createGitHubClient({ token, baseUrl: context.apiUrl });
  return {
    github: make(settings.token),
    clientFor: installationClients(config, settings.tokens, make),
    s3: createS3Client(config.upload),
    run: {
      runId: runAttemptId(env),
      runUrl: context.runUrl,
      actor: context.actor,
      serverUrl: context.serverUrl,
    },
    now: () => new Date(),
  };
}
