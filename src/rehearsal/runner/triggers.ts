import { filterMatches } from "../../core/setup/filter-glob.js";
import type { WorkflowEvent } from "./runner-host.js";
import type { WorkflowSpec } from "./workflow-file.js";

function anyMatch(patterns: readonly string[] | undefined, value: string): boolean {
  return !patterns || filterMatches(patterns, value);
}

function typeMatches(config: unknown, action: unknown, defaults?: readonly string[]): boolean {
  const types = (config as { types?: string[] } | undefined)?.types ?? defaults;
  return !types || types.includes(String(action));
}

/** Whether a workflow's `on:` accepts an event (types, tag/branch filters, workflow names). */
export function triggers(workflow: WorkflowSpec, event: WorkflowEvent): boolean {
  const on = workflow.on;
  const p = event.payload as {
    action?: string;
    workflow_run?: { name?: string };
    pull_request?: { base?: { ref?: string } };
  };
  switch (event.name) {
    case "push": {
      const push = on.push;
      if (!push) return false;
      if (event.ref.startsWith("refs/tags/")) {
        if (!push.tags && push.branches) return false;
        return anyMatch(push.tags, event.ref.slice("refs/tags/".length));
      }
      if (!push.branches && push.tags) return false;
      return anyMatch(push.branches, event.ref.replace(/^refs\/heads\//, ""));
    }
    case "repository_dispatch":
      return (
        Boolean(on.repository_dispatch !== undefined && "repository_dispatch" in on) &&
        typeMatches(on.repository_dispatch, p.action)
      );
    case "workflow_dispatch":
      return "workflow_dispatch" in on;
    case "release":
      return "release" in on && typeMatches(on.release, p.action);
    case "workflow_run":
      return (
        "workflow_run" in on &&
        typeMatches(on.workflow_run, p.action) &&
        (on.workflow_run?.workflows ?? []).includes(String(p.workflow_run?.name))
      );
    case "pull_request":
    case "pull_request_target": {
      if (!(event.name in on)) return false;
      const config = on[event.name] as { types?: string[]; branches?: string[] } | undefined;
      return (
        typeMatches(config, p.action, ["opened", "synchronize", "reopened"]) &&
        anyMatch(config?.branches, String(p.pull_request?.base?.ref ?? ""))
      );
    }
    default:
      return false;
  }
}
