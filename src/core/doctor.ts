import type { Config } from "./config.js";

/** An access a release needs on a repo, in GitHub's permission names. */
export type RepoAccess = "contents:read" | "contents:write" | "pull_requests:write" | "issues:write";

/** What one repo must allow the release token, and why. */
export interface RepoNeed {
  repo: string;
  access: RepoAccess[];
  why: string[];
}

/** One line of the doctor's report: a check that passed, or a problem with its fix. */
export interface DoctorFinding {
  check: string;
  ok: boolean;
  problem?: string;
  fix?: string;
}

/** Every repo release-relay.yml names and exactly the access the release token needs on it. */
export function repoNeeds(config: Config): RepoNeed[] {
  const needs = new Map<string, RepoNeed>();
  const add = (repo: string, access: RepoAccess[], why: string) => {
    const need = needs.get(repo) ?? { repo, access: [], why: [] };
    for (const a of access) if (!need.access.includes(a)) need.access.push(a);
    need.why.push(why);
    needs.set(repo, need);
  };
  add(config.source.repo, ["contents:read"], "source (the tag and its archive)");
  add(config.tracking.repo, ["contents:write", "issues:write"], "automation (ledger branch, tracking issue)");
  for (const d of config.downstream) {
    if (d.mode === "off") continue;
    const access: RepoAccess[] =
      d.mode === "pr"
        ? ["contents:write", "pull_requests:write"]
        : d.mode === "push"
          ? ["contents:write"]
          : ["contents:read"];
    add(d.repo, access, `downstream ${d.name} (${d.mode})`);
  }
  return [...needs.values()];
}

/** The report a user reads: every check, each problem with its fix, and a verdict. */
export function renderDoctorReport(findings: readonly DoctorFinding[]): string {
  const problems = findings.filter((f) => !f.ok);
  return [
    ...findings.map((f) =>
      f.ok ? `ok    ${f.check}` : `FAIL  ${f.check}: ${f.problem}\n      fix: ${f.fix}`,
    ),
    "",
    problems.length === 0
      ? `all ${findings.length} checks passed`
      : `${problems.length} of ${findings.length} checks failed; fix them all before releasing`,
  ].join("\n");
}
