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
