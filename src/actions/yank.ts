import * as core from "@actions/core";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { readRunContext } from "../adapters/run-context.js";
import { yankDeps, yankRelease } from "../steps/yank/yank.js";
import { yankInputs } from "../steps/yank/yank-inputs.js";

/** Entry point of actions/yank. */
export async function main(): Promise<void> {
  const settings = readInputs(yankInputs);
  for (const token of settings.tokens) if (token) core.setSecret(token);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const result = await yankRelease(settings, config, yankDeps(settings, config, context, process.env));
  core.info(result.text);
  await core.summary.addCodeBlock(result.text).write();
  // A preview only reports: the yank still does every part it can, and says which need a person.
  if (result.failed && settings.dryRun)
    core.warning("some parts of the yank will need attention (above); the others will be done");
  else if (result.failed)
    core.setFailed("some parts of the yank need attention (above); fix them and run the yank again");
}
