// `release-relay validate` after the config's own rules (parseConfig): what only the file system can
// tell, its template files, so a missing page template is found at set-up rather than at a release.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Config } from "../core/config/schema.js";
import { templateFileProblems } from "../core/config/template-files.js";
import { ReleaseRelayError } from "../core/errors.js";

/** Refuses the config at `configPath` when a template file it names is missing or uses unknown placeholders. */
export function checkTemplateFiles(config: Config, configPath: string): void {
  // The same base the downstream stages read template files from: the config's directory.
  const dir = dirname(resolve(configPath));
  const problems = templateFileProblems(config, (file) => {
    const full = resolve(dir, file);
    return existsSync(full) ? readFileSync(full, "utf8") : undefined;
  });
  if (problems.length > 0)
    throw new ReleaseRelayError(
      "E_CONFIG",
      `${configPath} is invalid:\n${problems.map((p) => `  ${p}`).join("\n")}`,
      "correct the template files listed above; their paths are relative to release-relay.yml's directory",
    );
}
