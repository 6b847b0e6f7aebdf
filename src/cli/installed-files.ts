import type { Config } from "../core/config.js";
import { plannedFiles } from "./init-files.js";

/**
 * The files `release-relay init` of this version installs for a config, by repo: the trigger in the
 * source repo, workflows and vendored actions in the automation (tracking) repo, the report-back
 * workflow in each downstream that gets PRs or pushes. release-relay.yml is the project's own.
 */
export async function installedFilesByRepo(config: Config): Promise<Map<string, Map<string, string>>> {
  const reporting = config.downstream.filter((d) => d.mode === "pr" || d.mode === "push");
  const dirs = Object.fromEntries(reporting.map((d) => [d.name, `downstream/${d.name}`]));
  const files = await plannedFiles(
    {
      project: config.project,
      source: config.source.repo,
      automation: config.tracking.repo,
      bucket: config.upload.bucket,
      downstream: reporting.map((d) => ({ name: d.name, repo: d.repo })),
      notify: config.tracking.notify,
    },
    { main: "main", automation: "automation", downstream: dirs },
  );
  const repoOf = (dir: string) =>
    dir === "main"
      ? config.source.repo
      : dir === "automation"
        ? config.tracking.repo
        : (reporting.find((d) => `downstream/${d.name}` === dir)?.repo as string);
  const byRepo = new Map<string, Map<string, string>>();
  for (const [path, content] of files) {
    const dir =
      ["main", "automation"].find((d) => path.startsWith(`${d}/`)) ?? path.split("/").slice(0, 2).join("/");
    const inRepo = path.slice(dir.length + 1);
    if (dir === "automation" && inRepo === "release-relay.yml") continue;
    const repo = repoOf(dir);
    const map = byRepo.get(repo) ?? new Map<string, string>();
    map.set(inRepo, content);
    byRepo.set(repo, map);
  }
  return byRepo;
}
