import type { WorkflowEvent } from "./runner-host.js";
import type { WorkflowSpec } from "./workflow-file.js";

/** GitHub's filter pattern syntax (`*`, `**`, `+`, `?`, `[...]`) as a regular expression. */
export function filterPattern(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      out += ".*";
      i++;
    } else if (c === "*") out += "[^/]*";
    else if (c === "[") {
      const end = pattern.indexOf("]", i);
      out += pattern.slice(i, end + 1);
      i = end;
    } else if (c === "+" || c === "?") out += c;
    else out += c.replace(/[.^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

function anyMatch(patterns: readonly string[] | undefined, value: string): boolean {
  return !patterns || patterns.some((p) => filterPattern(p).test(value));
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
