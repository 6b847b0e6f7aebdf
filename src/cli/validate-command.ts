import { readConfigFile } from "../adapters/config-file.js";
import type { Command } from "./cli-args.js";
import { parseFlags } from "./cli-args.js";

/** `release-relay validate --config FILE`: every problem of a config at once, or a short description. */
export const validateCommand: Command = async (args, out) => {
  const { values } = parseFlags(
    args,
    { config: { type: "string", default: "release-relay.yml" } },
    "validate",
  );
  const config = await readConfigFile(values.config as string);
  out(`${values.config}: valid`);
  out(`  project ${config.project} from ${config.source.repo}, tags ${config.tags.pattern}`);
  out(
    `  ${config.build.targets.length} build target(s), signing ${config.signing.method}, bucket ${config.upload.bucket}`,
  );
  for (const d of config.downstream)
    out(`  downstream ${d.name} → ${d.repo} (${d.mode}, ${d.edits.length} edit(s))`);
  out(`  tracking issues in ${config.tracking.repo}`);
  return 0;
};
