// How a repo's copy of a workflow init installs is compared with this version's: what the project
// chooses (its tag filter, its CI workflow names) and which commit its pins name are put aside.
import {
  ciWorkflowNamesIn,
  TEMPLATE_CI_WORKFLOW_NAMES,
  withCiWorkflowNames,
} from "../setup/ci-workflow-names.js";
import { REQUEST_WORKFLOW_PATH } from "../setup/installed-files.js";
import { TEMPLATE_TAG_FILTERS, withTagFilters } from "../setup/request-workflow-tags.js";
import { type ActionsPin, repinWorkflow } from "./action-pins.js";

/** The pin every compared workflow is given: two workflows that differ only in their pins are the same. */
export const neutralPin = (repo: string, version: string): ActionsPin => ({
  repo,
  sha: "0".repeat(40),
  version,
});

/**
 * A workflow as compared: the pins of release-relay's actions (`neutral`, when pinned), the
 * project's tag filter and its CI workflow names put aside (each is checked on its own, or is the
 * project's to choose).
 */
export function comparableWorkflow(path: string, text: string, neutral: ActionsPin | undefined): string {
  let out = text;
  if (path === REQUEST_WORKFLOW_PATH) out = withTagFilters(out, TEMPLATE_TAG_FILTERS);
  if (ciWorkflowNamesIn(out) !== undefined) {
    try {
      out = withCiWorkflowNames(out, TEMPLATE_CI_WORKFLOW_NAMES);
    } catch {
      // A list init cannot rewrite is compared as it is: it differs, and says so.
    }
  }
  return neutral ? repinWorkflow(out, neutral.repo, neutral) : out;
}
