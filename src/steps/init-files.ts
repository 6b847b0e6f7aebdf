import { join } from "node:path";
import { installedContent } from "../adapters/package-files.js";
import { ReleaseRelayError } from "../core/errors.js";
import { type ActionsPin, pinWorkflow } from "../core/install/action-pins.js";
import { type InitAnswers, renderStarterConfig } from "../core/setup/init-plan.js";
import {
  type InstalledFile,
  type InstalledRepo,
  installedFilesFor,
  isInstalledWorkflow,
  REQUEST_WORKFLOW_PATH,
} from "../core/setup/installed-files.js";
import { withTagFilters } from "../core/setup/request-workflow-tags.js";
import { tagFilterFor } from "../core/setup/tag-filter.js";

/** How the installed workflows reach release-relay's actions: by a pinned commit, or vendored copies. */
export type Installation = { layout: "pinned"; pin: ActionsPin } | { layout: "vendored" };

/** The text this version installs for one file: the project's tag filter, and the pins, put in. */
export async function installedText(
  file: InstalledFile,
  tagPattern: string,
  how: Installation,
): Promise<string> {
  let content = await installedContent(file);
  // The request workflow starts on the tags of this project's tags.pattern.
  if (file.path === REQUEST_WORKFLOW_PATH)
    content = withTagFilters(content, tagFilterFor(tagPattern).filters);
  if (how.layout === "pinned" && isInstalledWorkflow(file)) content = pinWorkflow(content, how.pin);
  return content;
}

/** The repo checkouts init or upgrade writes into, by kind (downstream ones by downstream name). */
export interface InstallDirs {
  main?: string | undefined;
  automation?: string | undefined;
  downstream: Record<string, string>;
}

/** Every file this version installs into the given checkouts (release-relay.yml aside), by path. */
export async function installedFiles(
  a: Pick<InitAnswers, "downstream" | "tagPattern">,
  dirs: InstallDirs,
  how: Installation,
): Promise<Map<string, { file: InstalledFile; content: string }>> {
  const out = new Map<string, { file: InstalledFile; content: string }>();
  const install = async (kind: InstalledRepo, dir: string) => {
    for (const file of installedFilesFor(how.layout).filter((f) => f.repo === kind))
      out.set(join(dir, file.path), { file, content: await installedText(file, a.tagPattern, how) });
  };
  if (dirs.automation) await install("automation", dirs.automation);
  if (dirs.main) await install("main", dirs.main);
  for (const [name, dir] of Object.entries(dirs.downstream)) {
    if (!a.downstream.some((d) => d.name === name))
      throw new ReleaseRelayError(
        "E_INPUT",
        `--downstream-dir ${name}=… names no downstream`,
        `use one of ${a.downstream.map((d) => d.name).join(", ") || "the downstreams named"}: a downstream of release-relay.yml (or of init's --downstream)`,
      );
    await install("downstream", dir);
  }
  return out;
}

/** Every file init writes, by destination path, with its content. */
export async function plannedFiles(
  a: InitAnswers,
  dirs: InstallDirs,
  how: Installation = { layout: "vendored" },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (dirs.automation) out.set(join(dirs.automation, "release-relay.yml"), renderStarterConfig(a));
  for (const [path, { content }] of await installedFiles(a, dirs, how)) out.set(path, content);
  return out;
}
