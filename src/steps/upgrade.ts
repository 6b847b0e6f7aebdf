// `release-relay upgrade`: brings the files release-relay owns in a project's checkouts to this
// version (the pins of its actions, its workflows, vendored copies), shows the diff, and never
// touches release-relay.yml: a config change a version needs is printed as a migration.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { type PackagePin, packagePin } from "../adapters/actions-pin.js";
import { readConfigFile } from "../adapters/config-file.js";
import { earlierKeysUsed } from "../core/config/earlier-keys.js";
import { ReleaseRelayError } from "../core/errors.js";
import type { ActionsLayout } from "../core/install/action-pins.js";
import {
  foreignFiles,
  layoutOf,
  type UpgradeChange,
  upgradeChanges,
  withProjectParts,
} from "../core/install/upgrade-plan.js";
import { INSTALLED_FILES, type InstalledRepo } from "../core/setup/installed-files.js";
import { type Installation, type InstallDirs, installedFiles } from "./init-files.js";

/** What `release-relay upgrade` is given. */
export interface UpgradeSettings {
  /** The project's release-relay.yml (read only). */
  configPath: string;
  dirs: InstallDirs;
  /** Forces a layout on every checkout; else each keeps its own. */
  layout?: ActionsLayout | undefined;
  actionsRef?: string | undefined;
  dryRun: boolean;
  /** Replace or remove, at release-relay's paths, files that are not release-relay's. */
  force?: boolean | undefined;
}

/** A change to a file of one checkout (the directory given for it). */
export type CheckoutChange = UpgradeChange & { checkout: string };

/** What an upgrade did (or, with dryRun, would do). */
export interface UpgradeOutcome {
  changes: CheckoutChange[];
  /** One line per checkout: its layout and why. */
  layouts: string[];
  /** The pin written, when any checkout is pinned. */
  pin?: PackagePin | undefined;
  /** Config changes this version asks for, in release-relay.yml (which the upgrade never writes). */
  migrations: string[];
}

const vendoredPaths = (kind: InstalledRepo) =>
  INSTALLED_FILES.filter((f) => f.repo === kind && f.vendored).map((f) => f.path);

/** Works out (and unless dryRun, makes) every change an upgrade makes to the checkouts. */
export async function upgradeCheckouts(s: UpgradeSettings): Promise<UpgradeOutcome> {
  const config = await readConfigFile(s.configPath);
  const migrations = earlierKeysUsed(parse(await readFile(s.configPath, "utf8"))).map(
    (m) => `${s.configPath}: rename ${m} (the earlier name is still read; the schema knows only the new one)`,
  );
  const answers = {
    downstream: config.downstream.map((d) => ({ name: d.name, repo: d.repo })),
    tagPattern: config.tags.pattern,
  };
  // One checkout at a time: each keeps (or is given) its own layout.
  const checkouts: [InstalledRepo, string, InstallDirs][] = [];
  if (s.dirs.automation)
    checkouts.push(["automation", s.dirs.automation, { automation: s.dirs.automation, downstream: {} }]);
  if (s.dirs.main) checkouts.push(["main", s.dirs.main, { main: s.dirs.main, downstream: {} }]);
  for (const [name, dir] of Object.entries(s.dirs.downstream))
    checkouts.push(["downstream", dir, { downstream: { [name]: dir } }]);
  let pin: PackagePin | undefined;
  const layouts: string[] = [];
  const changes: CheckoutChange[] = [];
  for (const [kind, dir, dirs] of checkouts) {
    const found = layoutOf((p) => existsSync(join(dir, p)), vendoredPaths(kind));
    const layout = s.layout ?? found;
    layouts.push(
      `${dir}: ${layout}${
        layout === found
          ? kind === "downstream"
            ? ""
            : ` (as it is; ${layout === "vendored" ? "--pin" : "--vendor"} switches)`
          : ` (was ${found})`
      }`,
    );
    if (layout === "pinned") pin ??= await packagePin(s.actionsRef);
    const how: Installation = layout === "pinned" ? { layout, pin: (pin as PackagePin).pin } : { layout };
    const next = await installedFiles(answers, dirs, how);
    const current = async (path: string) => (existsSync(path) ? readFile(path, "utf8") : undefined);
    const files = [];
    for (const [path, { content }] of next) {
      const before = await current(path);
      files.push({ path, current: before, next: withProjectParts(path, before, content) });
    }
    // Vendored copies a pinned checkout no longer needs: only the paths release-relay installs.
    if (layout === "pinned")
      for (const p of vendoredPaths(kind))
        files.push({ path: join(dir, p), current: await current(join(dir, p)), next: undefined });
    changes.push(...upgradeChanges(files).map((c) => ({ ...c, checkout: dir })));
  }
  // A file of the project's own at one of release-relay's paths (its own dist/package.json, a
  // workflow of the same name) is never replaced or removed without --force: init refuses it too.
  const written = new Map(
    checkouts.flatMap(([kind, dir]) =>
      INSTALLED_FILES.filter((f) => f.repo === kind && f.content !== undefined).map(
        (f) => [resolve(dir, f.path), f.content] as const,
      ),
    ),
  );
  const foreign = foreignFiles(changes, (path) => written.get(resolve(path)));
  if (foreign.length > 0 && !s.force)
    throw new ReleaseRelayError(
      "E_INPUT",
      `these files are not release-relay's, yet are where it installs its own:\n${foreign.map((f) => `  ${f}`).join("\n")}`,
      "nothing was written: move them aside (or rename your workflow), then upgrade again; --force replaces or removes them",
    );
  if (!s.dryRun)
    await applyChanges(
      changes,
      checkouts.map(([, dir]) => resolve(dir)),
    );
  return { changes, layouts, pin, migrations };
}

async function applyChanges(changes: readonly UpgradeChange[], roots: readonly string[]): Promise<void> {
  for (const c of changes) {
    if (c.after !== undefined) {
      await mkdir(dirname(c.path), { recursive: true });
      await writeFile(c.path, c.after);
      continue;
    }
    await rm(c.path, { force: true });
    // The folders the vendored copies lived in go with them once empty (never a checkout's root).
    for (
      let dir = dirname(resolve(c.path));
      !roots.includes(dir) && dir !== dirname(dir);
      dir = dirname(dir)
    ) {
      if ((await readdir(dir)).length > 0) break;
      await rmdir(dir);
    }
  }
}
