import { checkTemplateFiles } from "../steps/validate-config.js";
import { defineCommand } from "./command-line/command.js";
import { CONFIG_ARGUMENT, readCommandConfig, SHARED_OPTIONS } from "./command-line/shared-options.js";

/** `release-relay validate [CONFIG]`: every problem of a config and its template files at once, or a short description. */
export const validateCommand = defineCommand({
  name: "validate",
  summary: "check a release-relay.yml and print what it releases",
  positionals: [CONFIG_ARGUMENT],
  options: { config: SHARED_OPTIONS.config },
  example: "release-relay validate ../automation/release-relay.yml",
  run: async ({ values }, out) => {
    const path = values.config as string;
    const config = await readCommandConfig(path);
    checkTemplateFiles(config, path);
    out(`${path}: valid`);
    out(`  project ${config.project} from ${config.source.repo}, tags ${config.tags.pattern}`);
    out(
      `  ${config.build.targets.length} build target(s), signing ${config.signing.method}, bucket ${config.upload.bucket}`,
    );
    for (const d of config.downstream)
      out(`  downstream ${d.name} → ${d.repo} (${d.mode}, ${d.edits.length} edit(s))`);
    out(`  tracking issues in ${config.tracking.repo}`);
    return 0;
  },
});
