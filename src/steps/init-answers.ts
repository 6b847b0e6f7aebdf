import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ReleaseRelayError } from "../core/errors.js";
import {
  type CiWorkflowNames,
  ciWorkflowNames,
  withCiWorkflowNames,
} from "../core/setup/ci-workflow-names.js";
import { parseAnswersFile, type RawInitAnswers } from "../core/setup/init-answers.js";
import type { InitAnswers } from "../core/setup/init-plan.js";
import { INSTALLED_FILES } from "../core/setup/installed-files.js";

// Where init installs the report-status workflow in a downstream repo.
const REPORT_STATUS_PATH =
  INSTALLED_FILES.find((f) => f.repo === "downstream" && f.path.endsWith("report-status.yml"))?.path ??
  ".github/workflows/release-relay-report-status.yml";

/** `init --answers FILE`: its answers, checked (unknown keys, wrong types) before anything is asked or written. */
export async function readAnswersFile(path: string): Promise<RawInitAnswers> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `cannot read the answers file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      "pass --answers with the path of a YAML or JSON file of init's answers",
    );
  }
  return parseAnswersFile(text, path);
}

/** The CI workflows a downstream checkout runs on pull_request, from its .github/workflows/*.yml|yaml. */
export async function readCiWorkflowNames(dir: string): Promise<CiWorkflowNames> {
  const folder = join(dir, ".github", "workflows");
  const entries = await readdir(folder).catch(() => [] as string[]);
  const files = await Promise.all(
    entries
      .filter((f) => /\.ya?ml$/.test(f))
      // init's own report-status workflow is not the repo's CI.
      .filter((f) => !REPORT_STATUS_PATH.endsWith(`/${f}`))
      .map(async (f) => ({ path: `.github/workflows/${f}`, text: await readFile(join(folder, f), "utf8") })),
  );
  return ciWorkflowNames(files);
}

/**
 * The CI workflow names of each downstream checkout, written into the report-status workflow init
 * installs there (`files`, by destination path, as plannedFiles gives them). Returns what was found,
 * by downstream name, for init to say.
 */
export async function detectDownstreamCi(
  a: InitAnswers,
  files: Map<string, string>,
): Promise<Record<string, CiWorkflowNames>> {
  const found: Record<string, CiWorkflowNames> = {};
  for (const [name, dir] of Object.entries(a.downstreamDir ?? {})) {
    const ci = await readCiWorkflowNames(dir);
    found[name] = ci;
    const path = join(dir, REPORT_STATUS_PATH);
    const content = files.get(path);
    if (content !== undefined && ci.names.length > 0) files.set(path, withCiWorkflowNames(content, ci.names));
  }
  return found;
}
