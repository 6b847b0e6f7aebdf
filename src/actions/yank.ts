import * as core from "@actions/core";
import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import {
  type ClientFor,
  EXTRA_TOKEN_INPUTS,
  extraTokenInputs,
  installationClients,
  installationTokens,
} from "../adapters/github/installation-clients.js";
import { LedgerStore } from "../adapters/ledger/ledger-store.js";
import { readRunContext, runAttemptId } from "../adapters/run-context.js";
import { createS3Client } from "../adapters/storage/s3.js";
import { moveObject, readManifest } from "../adapters/storage/yank-storage.js";
import { releaseObjectKey } from "../core/artifacts/publication.js";
import { ledgerKey } from "../core/config/environment.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import type { Config } from "../core/config/schema.js";
import { describeError } from "../core/errors.js";
import type { LedgerEvent } from "../core/ledger/events.js";
import { deriveState, type YankOutcome } from "../core/ledger/release-state.js";
import { parseVersion, versionInputSchema } from "../core/request/version.js";
import {
  planYank,
  releaseObjects,
  renderYankPlan,
  STORAGE,
  stepsToRecord,
  yankedKey,
  yankReasonSchema,
  yankStepEvent,
} from "../core/yank/yank-plan.js";
import { runTrackStatus } from "./track-status.js";
import { inputsSchema as trackInputsSchema } from "./track-status-settings.js";
import { type DownstreamYankResult, yankDownstream } from "./yank-downstream.js";

const INPUTS = [
  "config-path",
  "environment",
  "version",
  "reason",
  "dry-run",
  "token",
  ...EXTRA_TOKEN_INPUTS,
] as const;

const inputsSchema = z
  .object({
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    version: versionInputSchema,
    reason: yankReasonSchema,
    "dry-run": z.enum(["true", "false"]).default("false"),
    token: z.string().min(1),
    ...extraTokenInputs,
  })
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    version: i.version,
    reason: i.reason,
    dryRun: i["dry-run"] === "true",
    token: i.token,
    tokens: installationTokens({ token: i.token, token2: i["token-2"], token3: i["token-3"] }),
  }));

/** The yank's validated settings. */
export type YankSettings = Omit<z.infer<typeof inputsSchema>, "tokens"> & {
  /** Every installation's token, in installationsOf order (default: token alone). */
  tokens?: (string | undefined)[];
};

/** What a yank did (or would do): each target's outcome, and the plan in words. */
export interface YankResult {
  text: string;
  steps: { target: string; outcome: YankOutcome; url?: string; detail: string }[];
  failed: boolean;
}

/** Moves every object of the release under `<prefix>yanked/`; returns the storage step. */
async function yankStorage(
  s3: S3Client,
  config: Config,
  version: string,
  dryRun: boolean,
): Promise<YankResult["steps"][number] & { objects: { key: string; optional: boolean }[] | undefined }> {
  const { bucket, prefix } = config.upload;
  const manifestKey = releaseObjectKey(config, version, "hashes.json");
  try {
    const manifest = await readManifest(s3, bucket, [manifestKey, yankedKey(prefix, manifestKey)]);
    if (!manifest)
      return { target: STORAGE, outcome: "nothing-to-do", detail: "nothing was published", objects: [] };
    const objects = releaseObjects(config, version, manifest);
    if (dryRun)
      return {
        target: STORAGE,
        outcome: "moved",
        detail: `would move ${objects.length} objects`,
        objects,
      };
    const missing: string[] = [];
    let moved = 0;
    for (const o of objects) {
      const outcome = await moveObject(s3, bucket, o.key, yankedKey(prefix, o.key));
      if (outcome === "absent" && !o.optional) missing.push(o.key);
      if (outcome !== "absent") moved++;
    }
    if (missing.length > 0)
      return {
        target: STORAGE,
        outcome: "failed",
        detail: `not found, neither published nor yanked: ${missing.join(", ")}`,
        objects: undefined,
      };
    return {
      target: STORAGE,
      outcome: "moved",
      detail: `${moved} objects under ${yankedKey(prefix, prefix)}`,
      objects: undefined,
    };
  } catch (error) {
    return { target: STORAGE, outcome: "failed", detail: describeError(error), objects: undefined };
  }
}

/**
 * Yanks a release: records the yank first (so no rerun publishes it again), closes its open PRs
 * with a comment, opens revert PRs for merged ones, moves its objects under `yanked/`, and renders
 * the tracking issue. Resumable: each part is checked against the world before it is done. With
 * `dryRun`, reads everything and changes nothing.
 */
export async function runYank(
  settings: YankSettings,
  config: Config,
  deps: {
    github: GitHubClient;
    /** Each downstream repo's client, by its owner's installation token (default: github for all). */
    clientFor?: ClientFor | undefined;
    s3: S3Client;
    run: { runId: string; runUrl: string | undefined; actor: string; serverUrl?: string | undefined };
    now: () => Date;
  },
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
  const steps: YankResult["steps"] = [
    ...downstream.map(({ downstream: target, outcome, detail, url }) => ({
      target,
      outcome,
      detail,
      ...(url ? { url } : {}),
    })),
    { target: storage.target, outcome: storage.outcome, detail: storage.detail },
  ];
  const text = [
    renderYankPlan(plan, settings.dryRun ? storage.objects : undefined),
    "",
    settings.dryRun ? "Dry run — nothing was changed. It would do:" : "Done:",
    ...steps.map((s) => `  ${s.target}: ${s.outcome} — ${s.detail}${s.url ? ` (${s.url})` : ""}`),
  ].join("\n");
  const failed = steps.some((s) => s.outcome === "failed");
  if (settings.dryRun) return { text, steps, failed };
  const events: LedgerEvent[] = stepsToRecord(state, steps).map((s) =>
    yankStepEvent(s.target, s.outcome, now(), deps.run.runId, { url: s.url, detail: s.detail }),
  );
  if (events.length > 0) await store.appendAll(events);
  // The tracking issue shows the yank, says so once in a comment, and closes when every part is done.
  await runTrackStatus(
    trackInputsSchema.parse({
      token: settings.token,
      version,
      ...(settings.environment ? { environment: settings.environment } : {}),
    }),
    config,
    {
      github: deps.github,
      run: { runId: deps.run.runId, runUrl: deps.run.runUrl, actor: by, serverUrl: deps.run.serverUrl },
      now: deps.now,
    },
  );
  return { text, steps, failed };
}

/** Entry point of actions/yank. */
export async function main(): Promise<void> {
  const settings = readInputs(inputsSchema, INPUTS);
  const tokens = settings.tokens ?? [settings.token];
  for (const token of tokens) if (token) core.setSecret(token);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const make = (token: string) => createGitHubClient({ token, baseUrl: context.apiUrl });
  const result = await runYank(settings, config, {
    github: make(settings.token),
    clientFor: installationClients(config, tokens, make),
    s3: createS3Client(config.upload),
    run: {
      runId: runAttemptId(),
      runUrl: context.runUrl,
      actor: context.actor,
      serverUrl: context.serverUrl,
    },
    now: () => new Date(),
  });
  core.info(result.text);
  await core.summary.addCodeBlock(result.text).write();
  // A preview only reports: the yank still does every part it can, and says which need a person.
  if (result.failed && settings.dryRun)
    core.warning("some parts of the yank will need attention (above); the others will be done");
  else if (result.failed)
    core.setFailed("some parts of the yank need attention (above); fix them and run the yank again");
}

export { INPUTS as YANK_INPUTS, inputsSchema as yankInputsSchema };
