import { comparableWorkflow, neutralPin } from "../../core/install/comparable-workflow.js";
import { INSTALLED_FILES, isInstalledWorkflow } from "../../core/setup/installed-files.js";
import { rehearsalPin } from "../example-world.js";

// Only what init installs and upgrade rewrites: release-relay.yml and its templates are the project's.
const UPGRADED = new Set(INSTALLED_FILES.map((f) => f.path));
const WORKFLOWS = new Set(INSTALLED_FILES.filter(isInstalledWorkflow).map((f) => f.path));

/**
 * The files init installs that a checkout holds otherwise than this version would install them,
 * compared as the doctor compares them: pins, the request workflow's tag filter and the CI workflow
 * names a report-status workflow waits for are the project's, not a difference.
 */
export async function outOfDateFiles(
  init: Record<string, string>,
  checkout: Record<string, Buffer>,
): Promise<string[]> {
  const pin = await rehearsalPin();
  const neutral = neutralPin(pin.repo, pin.version);
  return Object.keys(init).filter((path) => {
    const own = checkout[path];
    if (own === undefined || !UPGRADED.has(path)) return false;
    const installed = init[path] as string;
    if (!WORKFLOWS.has(path)) return !own.equals(Buffer.from(installed));
    return (
      comparableWorkflow(path, own.toString("utf8"), neutral) !== comparableWorkflow(path, installed, neutral)
    );
  });
}
