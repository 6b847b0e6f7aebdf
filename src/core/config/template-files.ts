import { knownPlaceholders, unknownPlaceholders } from "../downstream/edit-placeholders.js";
import { templateFilePath } from "../downstream/template-source.js";
import type { Config } from "./schema.js";

/**
 * The problems of the template files a config names, one line each with its config path: a file
 * that is not there, and placeholders in a file's text that nothing fills in. `read` gives a file's
 * text by its path in the config (relative to the config's directory), undefined when there is none.
 */
export function templateFileProblems(config: Config, read: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const [i, d] of config.downstream.entries())
    for (const [j, edit] of d.edits.entries()) {
      if (edit.kind !== "template-create") continue;
      const path = templateFilePath(edit.template);
      if (path === undefined) continue;
      const where = `downstream[${i}].edits[${j}].template`;
      const text = read(path);
      if (text === undefined) {
        problems.push(
          `${where}: template file ${JSON.stringify(path)} does not exist beside release-relay.yml; add it, correct the path, or write the template's text inline`,
        );
        continue;
      }
      const known = knownPlaceholders(config, d);
      for (const message of known ? unknownPlaceholders(text, known) : [])
        problems.push(`${where} (${path}): ${message}`);
    }
  return problems;
}
