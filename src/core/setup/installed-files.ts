import type { Config } from "../config/schema.js";
import type { ActionsLayout } from "../install/action-pins.js";

/** Where init installs the main repo's request-release workflow: a request names a run of it. */
export const REQUEST_WORKFLOW_PATH = ".github/workflows/release-relay.yml";

/** The kind of repo a file `release-relay init` installs goes to. */
export type InstalledRepo = "main" | "automation" | "downstream";

/** One file init installs: which repo, its path there, and the package file it is a copy of. */
export interface InstalledFile {
  repo: InstalledRepo;
  path: string;
  /** The package file it copies; absent for the one file init writes itself (`content`). */
  from?: string;
  content?: string;
  /** A copy of release-relay's own code, installed only with `--vendor` (else workflows pin it). */
  vendored?: true;
}

/** The actions vendored into the automation repo (`actions/<name>/action.yml`, `dist/<name>/index.js`). */
export const VENDORED_ACTIONS = [
  "doctor",
  "build-matrix",
  "compute-hashes",
  "sign-upload",
  "generate-downstream-edits",
  "open-downstream-prs",
  "track-status",
  "yank",
  "app-installations",
] as const;

// Vendored bundles are ES modules: a package.json beside them says so, whatever the repo's own says.
const ESM_PACKAGE_JSON = `${JSON.stringify({ type: "module", private: true }, null, 2)}\n`;

/** Every file init installs, besides the project's own release-relay.yml. */
export const INSTALLED_FILES: readonly InstalledFile[] = [
  ...["release", "status", "yank"].map((w) => ({
    repo: "automation" as const,
    path: `.github/workflows/${w}.yml`,
    from: `workflows-templates/automation/${w}.yml`,
  })),
  ...VENDORED_ACTIONS.flatMap((name) => [
    {
      repo: "automation" as const,
      path: `actions/${name}/action.yml`,
      from: `actions/${name}/action.yml`,
      vendored: true as const,
    },
    {
      repo: "automation" as const,
      path: `dist/${name}/index.js`,
      from: `dist/${name}/index.js`,
      vendored: true as const,
    },
  ]),
  { repo: "automation", path: "dist/package.json", content: ESM_PACKAGE_JSON, vendored: true },
  { repo: "main", path: REQUEST_WORKFLOW_PATH, from: "workflows-templates/main-repo/release.yml" },
  { repo: "main", path: ".github/release-relay/action.yml", from: "action.yml", vendored: true },
  {
    repo: "main",
    path: ".github/release-relay/dist/trigger/index.js",
    from: "dist/trigger/index.js",
    vendored: true,
  },
  { repo: "main", path: ".github/release-relay/package.json", content: ESM_PACKAGE_JSON, vendored: true },
  {
    repo: "downstream",
    path: ".github/workflows/release-relay-report-status.yml",
    from: "workflows-templates/downstream/report-status.yml",
  },
];

/** The files installed in one layout: workflows always, release-relay's own code only vendored. */
export function installedFilesFor(layout: ActionsLayout): readonly InstalledFile[] {
  return layout === "vendored" ? INSTALLED_FILES : INSTALLED_FILES.filter((f) => !f.vendored);
}

/** Whether a file init installs is a workflow (which may pin release-relay's actions). */
export const isInstalledWorkflow = (file: InstalledFile) => file.path.startsWith(".github/workflows/");

/**
 * What a config's repos must hold of this version, by repo (path → `describe(file)`): the trigger in
 * the source repo, workflows and vendored actions in the automation repo, the report-status workflow
 * in each downstream that gets PRs or pushes.
 */
export function installedFilesByRepo<T>(
  config: Config,
  describe: (file: InstalledFile) => T,
  files: readonly InstalledFile[] = INSTALLED_FILES,
): Map<string, Map<string, T>> {
  const repos: Record<InstalledRepo, string[]> = {
    main: [config.source.repo],
    automation: [config.tracking.repo],
    downstream: config.downstream.filter((d) => d.mode === "pr" || d.mode === "push").map((d) => d.repo),
  };
  const byRepo = new Map<string, Map<string, T>>();
  for (const file of files)
    for (const repo of repos[file.repo]) {
      const files = byRepo.get(repo) ?? new Map<string, T>();
      files.set(file.path, describe(file));
      byRepo.set(repo, files);
    }
  return byRepo;
}
