import * as core from "@actions/core";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { readRunContext } from "../adapters/run-context.js";
import { failedPullRequests, renderPrSummary } from "../core/downstream/stage-results.js";
import { openPrsInputs } from "../steps/downstream/downstream-inputs.js";
import { openDownstreamPrs, openPrsDeps } from "../steps/downstream/open-prs.js";

/** Entry point of actions/open-downstream-prs. */
export async function main(): Promise<void> {
  const settings = readInputs(openPrsInputs);
  for (const token of settings.tokens) if (token) core.setSecret(token);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const results = await openDownstreamPrs(settings, config, openPrsDeps(settings, config, context));
  core.setOutput("prs", JSON.stringify(results.map(({ diff: _diff, warning: _warning, ...r }) => r)));
  for (const r of results) if (r.warning) core.warning(`${r.downstream}: ${r.warning}`);
  await core.summary.addRaw(renderPrSummary(results)).write();
  const failed = failedPullRequests(results);
  if (failed) throw failed;
}
