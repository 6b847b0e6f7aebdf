import * as core from "@actions/core";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { readRunContext } from "../adapters/run-context.js";
import { downstreamsRecorded, releaseComplete } from "../core/ledger/track-outputs.js";
import { trackStatusInputs } from "../steps/track/track-inputs.js";
import { trackStatus, trackStatusDeps } from "../steps/track/track-status.js";

/** Entry point of actions/track-status. */
export async function main(): Promise<void> {
  const settings = readInputs(trackStatusInputs);
  for (const token of [...settings.tokens, settings.runToken]) if (token) core.setSecret(token);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const outcome = await trackStatus(
    settings,
    config,
    trackStatusDeps(settings, config, context, process.env),
  );
  if ("swept" in outcome) {
    core.info(`Open releases looked at: ${outcome.swept.join(", ") || "none"}`);
    return;
  }
  const { tracked: result, stageRuns } = outcome;
  core.setOutput("issue-number", String(result.issue.number));
  core.setOutput("issue-url", result.issue.url);
  core.setOutput("ledger-head", result.head);
  core.setOutput("complete", String(releaseComplete(result.issue.state === "closed", result.state)));
  const assets = result.githubRelease?.assets;
  if (assets) {
    core.info(
      `GitHub Release assets: ${assets.uploaded.length} uploaded, ${assets.kept.length} already there`,
    );
    for (const m of assets.missing)
      core.warning(
        `the GitHub Release lacks ${m.name} (${m.why}); a draft is not published until it has every file: run the release again with stages compute-hashes,sign-upload`,
      );
  }
  for (const { stage, runId } of result.held)
    core.warning(`${stage} is being run by run ${runId} of this release: this run runs nothing`);
  core.setOutput("stages-to-run", JSON.stringify(result.stagesToRun));
  core.setOutput("request-sha", result.requestSha ?? "");
  core.setOutput("request-at", result.state.request?.requestedAt ?? "");
  core.setOutput("recorded-prs", JSON.stringify(downstreamsRecorded(result.state)));
  core.setOutput("stage-runs", JSON.stringify(stageRuns));
  await core.summary.addRaw(result.issue.body).write();
}
