import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { ReleaseRelayError } from "../../core/errors.js";
import type { CheckoutFiles } from "./checkout-files.js";

/** The automation repo's checkout, when --config lies inside it as a git working tree. */
export interface AutomationCheckout {
  repo: string;
  dir: string;
  checkout: CheckoutFiles;
}

/**
 * Checks release-relay.yml and its templates, which the rehearsal reads from disk beside --config,
 * against what the automation repo's checkout holds at HEAD (what a real release reads): one line
 * per file that is not committed as it is. A file missing from HEAD would fail a real release, so
 * it refuses the rehearsal unless `acceptUncommitted` (--uncommitted) says to use it anyway.
 */
export function uncommittedFiles(
  automation: AutomationCheckout | undefined,
  configPath: string,
  templates: readonly string[],
  acceptUncommitted: boolean,
): string[] {
  if (!automation?.checkout.head) return [];
  const { repo, dir, checkout } = automation;
  const inRepo = (path: string) => relative(dir, path).split("\\").join("/");
  if (inRepo(configPath).startsWith("../")) return [];
  const missing: string[] = [];
  const notes: string[] = [];
  for (const full of [configPath, ...templates.map((t) => resolve(configPath, "..", t))]) {
    const path = inRepo(full);
    const committed = checkout.files[path];
    if (committed === undefined) {
      missing.push(`${path} is not committed in ${repo}: a real release would not find it; commit it`);
    } else if (!committed.equals(readFileSync(full))) {
      notes.push(
        `${path} has uncommitted changes in ${repo}: the rehearsal uses them as they are on disk; a real release would use what is committed; commit them`,
      );
    }
  }
  if (missing.length > 0 && !acceptUncommitted)
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `the rehearsal would pass on files a real release would not find:\n  ${missing.join("\n  ")}`,
      `commit them in ${dir}; or rehearse with --uncommitted to use them as they are on disk`,
    );
  return [...missing.map((m) => `${m} (used as it is on disk: --uncommitted)`), ...notes];
}
