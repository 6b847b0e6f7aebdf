import { parse } from "yaml";
import { ReleaseRelayError } from "../errors.js";

/** A workflow file of a downstream checkout: its path in the repo and its text. */
export interface WorkflowFile {
  path: string;
  text: string;
}

/** What a downstream checkout's workflows say of its CI: the names found, and files that did not parse. */
export interface CiWorkflowNames {
  names: string[];
  unreadable: string[];
}

/** The names the report-status template starts on, as installed: its CI is assumed to be named "CI". */
export const TEMPLATE_CI_WORKFLOW_NAMES = ["CI"] as const;

// workflow_run and report-status tell an image build from CI by its name (`*image*`/`*Image*`).
const isImageBuild = (name: string) => /image/i.test(name);

function runsOnPullRequest(on: unknown): boolean {
  if (on === "pull_request") return true;
  if (Array.isArray(on)) return on.includes("pull_request");
  return typeof on === "object" && on !== null && "pull_request" in on;
}

/**
 * The names of the workflows that run on pull_request: the CI of a release PR, which report-status
 * must follow by name (workflow_run's `workflows:`). A workflow with no `name:` is named by its path,
 * as GitHub names it; image builds are left to the template's own entry.
 */
export function ciWorkflowNames(files: readonly WorkflowFile[]): CiWorkflowNames {
  const names: string[] = [];
  const unreadable: string[] = [];
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    let doc: unknown;
    try {
      doc = parse(file.text);
    } catch {
      unreadable.push(file.path);
      continue;
    }
    if (typeof doc !== "object" || doc === null) {
      unreadable.push(file.path);
      continue;
    }
    const workflow = doc as { name?: unknown; on?: unknown };
    if (!runsOnPullRequest(workflow.on)) continue;
    const name = typeof workflow.name === "string" && workflow.name.trim() ? workflow.name : file.path;
    if (!isImageBuild(name) && !names.includes(name)) names.push(name);
  }
  return { names, unreadable };
}

// The one flow-style `workflows: [...]` line under `on.workflow_run` of the report-status template.
const WORKFLOWS_LINE = /^(\s+workflows:\s*)\[.*\]\s*$/m;

function workflowRunNames(text: string): unknown {
  return (parse(text) as { on?: { workflow_run?: { workflows?: unknown } } } | null)?.on?.workflow_run
    ?.workflows;
}

/**
 * The report-status workflow with `on.workflow_run.workflows` naming this repo's CI workflows (the
 * image build entries kept). The line is rewritten in place, so every comment and script stays as
 * installed; the result is parsed back to be sure it says exactly these names.
 */
export function withCiWorkflowNames(reportStatus: string, names: readonly string[]): string {
  const current = workflowRunNames(reportStatus);
  const match = WORKFLOWS_LINE.exec(reportStatus);
  if (!Array.isArray(current) || !match) {
    throw new ReleaseRelayError(
      "E_TEMPLATE",
      "the report-status workflow has no workflows: [...] line under on.workflow_run",
      "the installed template changed shape: write the CI workflow names into it by hand",
    );
  }
  const wanted = [...names, ...current.filter((n): n is string => typeof n === "string" && isImageBuild(n))];
  // JSON strings are YAML flow scalars: a name with a comma, colon or quote stays one name.
  const line = `${match[1]}[${wanted.map((n) => (/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/.test(n) ? n : JSON.stringify(n))).join(", ")}]`;
  const rewritten = reportStatus.replace(WORKFLOWS_LINE, line);
  const check = workflowRunNames(rewritten);
  if (JSON.stringify(check) !== JSON.stringify(wanted)) {
    throw new ReleaseRelayError(
      "E_TEMPLATE",
      `rewriting the report-status workflow's names gave ${JSON.stringify(check)}, not ${JSON.stringify(wanted)}`,
      "write the CI workflow names into its on.workflow_run.workflows by hand",
    );
  }
  return rewritten;
}

/** The CI workflow names a report-status workflow follows (its image build entries aside). */
export function ciWorkflowNamesIn(reportStatus: string): string[] | undefined {
  let names: unknown;
  try {
    names = workflowRunNames(reportStatus);
  } catch {
    return undefined;
  }
  return Array.isArray(names)
    ? names.filter((n): n is string => typeof n === "string" && !isImageBuild(n))
    : undefined;
}
