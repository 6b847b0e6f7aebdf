import { ciWorkflowNamesIn, withCiWorkflowNames } from "../setup/ci-workflow-names.js";
import type { ActionsLayout } from "./action-pins.js";

/** One file an upgrade looks at: what the checkout holds and what this version installs. */
export interface UpgradeFile {
  path: string;
  /** The file's text in the checkout; undefined when it does not exist. */
  current: string | undefined;
  /** This version's text; undefined when this version no longer installs it (vendored copies). */
  next: string | undefined;
}

/** What an upgrade does to one file. */
export interface UpgradeChange {
  path: string;
  action: "create" | "update" | "remove";
  before: string | undefined;
  after: string | undefined;
}

/** The files that change; unchanged ones (and removals of files that are not there) are left out. */
export function upgradeChanges(files: readonly UpgradeFile[]): UpgradeChange[] {
  const out: UpgradeChange[] = [];
  for (const f of files) {
    if (f.current === f.next) continue;
    if (f.next === undefined) {
      if (f.current !== undefined)
        out.push({ path: f.path, action: "remove", before: f.current, after: undefined });
      continue;
    }
    out.push({
      path: f.path,
      action: f.current === undefined ? "create" : "update",
      before: f.current,
      after: f.next,
    });
  }
  return out;
}

/**
 * A repo's layout as it is: vendored when it holds any of release-relay's vendored copies, else
 * pinned (a repo with neither, e.g. before init, gets the default: pinned).
 */
export function layoutOf(
  present: (path: string) => boolean,
  vendoredPaths: readonly string[],
): ActionsLayout {
  return vendoredPaths.some(present) ? "vendored" : "pinned";
}

/**
 * This version's workflow with what the project made its own kept: the report-status workflow's
 * list of the repo's CI workflows (written by init from the repo, or by hand).
 */
export function withProjectParts(path: string, current: string | undefined, next: string): string {
  if (current === undefined || !path.endsWith("/release-relay-report-status.yml")) return next;
  const names = ciWorkflowNamesIn(current);
  return names ? withCiWorkflowNames(next, names) : next;
}

// How release-relay's own files begin: the bundles' banner, its actions' names, its workflows' header.
const OWN_MARKERS = [
  "// Bundled by release-relay's scripts/build.mjs",
  "name: release-relay ",
  "# Installed in ",
];

/**
 * Whether a file at a path release-relay installs is release-relay's: it starts as every version's
 * does, or is exactly what init writes there. Anything else is the project's own, which an upgrade
 * neither replaces nor removes without being told.
 */
export function isReleaseRelayCopy(text: string, written?: string): boolean {
  return text === written || OWN_MARKERS.some((m) => text.startsWith(m));
}

/** The changes that would replace or remove a file that is not release-relay's. */
export function foreignFiles(
  changes: readonly UpgradeChange[],
  writtenAt: (path: string) => string | undefined,
): string[] {
  return changes
    .filter((c) => c.before !== undefined && !isReleaseRelayCopy(c.before, writtenAt(c.path)))
    .map((c) => c.path);
}
