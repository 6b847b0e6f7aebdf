import { parse } from "yaml";

/** One problem found in a workflow file. */
export interface WorkflowProblem {
  file: string;
  line: number;
  rule: "permissions" | "pin" | "injection" | "pull-request-target";
  message: string;
}

// A third-party action pinned by a full commit SHA, with the version it stands for in a comment.
const PINNED = /^\s*-?\s*uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d/;

/**
 * Checks a workflow against release-relay's security rules: every job declares `permissions:`
 * and writes nothing but an OIDC token; third-party actions are pinned by commit SHA with the version
 * in a comment; no `${{ }}` inside `run:` (event data goes through `env:`); `pull_request_target`
 * never checks out the PR's code.
 */
export function scanWorkflow(file: string, text: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const lines = text.split("\n");
  const lineOf = (needle: RegExp, from = 0) => {
    const i = lines.findIndex((l, n) => n >= from && needle.test(l));
    return i === -1 ? 1 : i + 1;
  };
  const doc = (parse(text) ?? {}) as {
    on?: unknown;
    permissions?: unknown;
    jobs?: Record<
      string,
      { permissions?: unknown; steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[] }
    >;
  };
  const top = doc.permissions;
  if (top !== undefined && !(top && typeof top === "object" && Object.keys(top).length === 0)) {
    problems.push({
      file,
      line: lineOf(/^permissions:/),
      rule: "permissions",
      message: "top-level permissions must be {} (each job asks for its own)",
    });
  }
  for (const [name, job] of Object.entries(doc.jobs ?? {})) {
    const at = lineOf(new RegExp(`^  ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`));
    if (job.permissions === undefined) {
      problems.push({
        file,
        line: at,
        rule: "permissions",
        message: `job ${name} does not declare permissions:`,
      });
    } else if (typeof job.permissions === "string") {
      problems.push({
        file,
        line: at,
        rule: "permissions",
        message: `job ${name} uses ${job.permissions}; list the permissions it needs`,
      });
    } else {
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
        if (level === "write" && scope !== "id-token") {
          problems.push({
            file,
            line: at,
            rule: "permissions",
            message: `job ${name} asks for ${scope}: write; writes go through the release-relay App token`,
          });
        }
      }
    }
  }
  let inRun = false;
  let runIndent = 0;
  lines.forEach((l, i) => {
    const indent = l.length - l.trimStart().length;
    if (inRun && l.trim() !== "" && indent <= runIndent) inRun = false;
    const run = /^(\s*)-?\s*run:\s*(.*)$/.exec(l);
    if (run) {
      // The block ends at the next line no deeper than the `run:` key itself.
      inRun = true;
      runIndent = l.indexOf("run:");
      if (/\$\{\{/.test(run[2] as string))
        problems.push({
          file,
          line: i + 1,
          rule: "injection",
          message: "expression inside run:; pass it through env:",
        });
      return;
    }
    if (inRun && /\$\{\{/.test(l))
      problems.push({
        file,
        line: i + 1,
        rule: "injection",
        message: "expression inside run:; pass it through env:",
      });
    const uses = /^\s*-?\s*uses:\s*(\S+)/.exec(l);
    if (
      uses &&
      !(uses[1] as string).startsWith("./") &&
      !(uses[1] as string).startsWith("docker://") &&
      !PINNED.test(l)
    ) {
      problems.push({
        file,
        line: i + 1,
        rule: "pin",
        message: `${uses[1]} is not pinned by a full commit SHA with "# vX" after it`,
      });
    }
  });
  const triggers = JSON.stringify(doc.on ?? "");
  if (triggers.includes("pull_request_target")) {
    for (const job of Object.values(doc.jobs ?? {})) {
      for (const step of job.steps ?? []) {
        if (
          step.uses?.startsWith("actions/checkout") &&
          /pull_request|head_ref|head\.sha/.test(JSON.stringify(step.with ?? {}))
        ) {
          problems.push({
            file,
            line: lineOf(/actions\/checkout/),
            rule: "pull-request-target",
            message: "pull_request_target must not check out the PR's code",
          });
        }
      }
    }
  }
  return problems;
}
