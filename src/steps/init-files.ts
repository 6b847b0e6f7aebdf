import { join } from "node:path";
import { installedContent } from "../adapters/package-files.js";
import { ReleaseRelayError } from "../core/errors.js";
import { type InitAnswers, renderStarterConfig } from "../core/setup/init-plan.js";
import { INSTALLED_FILES, type InstalledRepo, REQUEST_WORKFLOW_PATH } from "../core/setup/installed-files.js";
import { withTagFilters } from "../core/setup/request-workflow-tags.js";
import { tagFilterFor } from "../core/setup/tag-filter.js";

/** Every file init writes, by destination path, with its content. */
export async function plannedFiles(
  a: InitAnswers,
  dirs: { main?: string; automation?: string; downstream: Record<string, string> },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const install = async (kind: InstalledRepo, dir: string) => {
    for (const file of INSTALLED_FILES.filter((f) => f.repo === kind)) {
      const content = await installedContent(file);
      // The request workflow starts on the tags of this project's tags.pattern.
      out.set(
        join(dir, file.path),
        file.path === REQUEST_WORKFLOW_PATH
          ? withTagFilters(content, tagFilterFor(a.tagPattern).filters)
          : content,
      );
    }
  };
  if (dirs.automation) {
    out.set(join(dirs.automation, "release-relay.yml"), renderStarterConfig(a));
    await install("automation", dirs.automation);
  }
  if (dirs.main) await install("main", dirs.main);
  for (const [name, dir] of Object.entries(dirs.downstream)) {
    if (!a.downstream.some((d) => d.name === name))
      throw new ReleaseRelayError(
        "E_INPUT",
        `--downstream-dir ${name}=… names no downstream`,
        "give --downstream name=owner/repo first",
      );
    await install("downstream", dir);
  }
  return out;
}
