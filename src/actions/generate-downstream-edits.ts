import * as core from "@actions/core";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { writeGeneratedEdits } from "../adapters/downstream/generated-edits-file.js";
import { readRunContext } from "../adapters/run-context.js";
import { failedGenerators, renderGeneratedSummary } from "../core/downstream/stage-results.js";
import { generateEditsInputs } from "../steps/downstream/downstream-inputs.js";
import { generateDeps, generateDownstreamEdits } from "../steps/downstream/generate-edits.js";

/** Entry point of actions/generate-downstream-edits. */
export async function main(): Promise<void> {
  const settings = readInputs(generateEditsInputs);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const generated = await generateDownstreamEdits(settings, config, generateDeps(settings, context));
  await writeGeneratedEdits(settings.output, generated);
  await core.summary.addRaw(renderGeneratedSummary(generated)).write();
  const failed = failedGenerators(generated);
  if (failed) throw failed;
}
