import type { Config } from "../config/schema.js";
import { runsGenerator } from "../downstream/generated-edits.js";
import { ReleaseRelayError } from "../errors.js";
import { githubReleaseRepo } from "../github-release/wanted-release.js";

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
  /** Worth a look but not a reason to stop (e.g. a workflow changed by hand). */
  warn?: boolean;
  problem?: string;
  fix?: string;
}

/** Vendored code must be exactly this version's; workflows may carry a project's own changes. */
const isVendoredCode = (path: string) =>
  !path.startsWith(".github/workflows/") &&
  (path.endsWith(".js") || path.endsWith(".json") || path.endsWith("action.yml"));

/**
 * Compares the files init installs in a repo (path → blob sha expected) with the repo's default
 * branch: missing files fail, and vendored code from another version unless `otherVersion` is
 * "warn"; edited workflows warn.
 */
export function installedFilesFinding(
  repo: string,
  expected: ReadonlyMap<string, string>,
  actual: ReadonlyMap<string, string>,
  otherVersion: "fail" | "warn" = "fail",
): DoctorFinding {
  const missing = [...expected.keys()].filter((p) => !actual.has(p));
  const differ = [...expected].filter(([p, sha]) => actual.has(p) && actual.get(p) !== sha).map(([p]) => p);
  const code = differ.filter(isVendoredCode);
  const workflows = differ.filter((p) => !isVendoredCode(p));
  const check = `${repo}: files installed by release-relay init match this version`;
  const reinstall =
    "in a checkout of the repo, run `npx release-relay upgrade` of this version (it rewrites only release-relay's own files and workflows, never release-relay.yml) and commit the result";
  if (missing.length > 0 || (code.length > 0 && otherVersion === "fail"))
    return {
      check,
      ok: false,
      problem: [
        missing.length ? `missing ${missing.join(", ")}` : "",
        code.length ? `from another release-relay version: ${code.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; "),
      fix: reinstall,
    };
  // Only warned about: a workflow a project changed, and vendored code a gate lets through.
  const noted = [
    code.length ? `from another release-relay version: ${code.join(", ")}` : "",
    workflows.length
      ? `differs from this version's template (changed by hand, or from another version): ${workflows.join(", ")}`
      : "",
  ].filter(Boolean);
  if (noted.length > 0)
    return {
      check,
      ok: true,
      warn: true,
      problem: noted.join("; "),
      fix: code.length
        ? reinstall
        : "compare it with workflows-templates/ of this version: keep your change, or take this version's with `release-relay upgrade` (`--dry-run` shows the diff first)",
    };
  return { check: `${check} (${expected.size} file${expected.size === 1 ? "" : "s"})`, ok: true };
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
  // Its GitHub Release is drafted, published and given its files with a token for that repo alone.
  if (githubReleaseRepo(config))
    add(config.source.repo, ["contents:write"], "GitHub Release (drafted, published, files uploaded)");
  add(config.tracking.repo, ["contents:write", "issues:write"], "automation (ledger branch, tracking issue)");
  for (const d of config.downstream) {
    if (d.mode === "off") continue;
    // A dispatch downstream is sent the release (repository_dispatch needs Contents write), no PR.
    const access: RepoAccess[] =
      d.dispatch && d.mode === "pr"
        ? ["contents:write"]
        : d.mode === "pr"
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
  const warnings = findings.filter((f) => f.ok && f.warn).length;
  const warned = warnings ? ` (${warnings} warning${warnings > 1 ? "s" : ""})` : "";
  return [
    ...findings.map((f) =>
      !f.ok
        ? `FAIL  ${f.check}: ${f.problem}\n      fix: ${f.fix}`
        : f.warn
          ? `warn  ${f.check}: ${f.problem}\n      fix: ${f.fix}`
          : `ok    ${f.check}`,
    ),
    "",
    problems.length === 0
      ? `all ${findings.length} checks passed${warned}`
      : `${problems.length} of ${findings.length} checks failed${warned}; fix them all before releasing`,
  ].join("\n");
}

/** The release gate: a release starts only when every check passed (warnings do not stop it). */
export function checkDoctorPassed(findings: readonly DoctorFinding[]): void {
  const failed = findings.filter((f) => !f.ok).length;
  if (failed > 0)
    throw new ReleaseRelayError(
      "E_DOCTOR",
      `${failed} of ${findings.length} checks failed before the release started: nothing was recorded, built or published`,
      "fix every problem listed above (each comes with its fix), then re-run all jobs of this run",
    );
}

/**
 * Downstreams whose script edits cannot run: the generate job reads a repo as GitHub serves it to
 * anyone, so a private one fails there, after the release is public. Said before any release instead.
 */
export function generatorFindings(config: Config, privateRepos: ReadonlySet<string>): DoctorFinding[] {
  return config.downstream
    .filter((d) => runsGenerator(d, false) || runsGenerator(d, true))
    .map((d) => {
      const hidden = privateRepos.has(d.repo.toLowerCase());
      return {
        check: `${d.repo}: its script edits can run without a token (downstream ${d.name})`,
        ok: !hidden,
        ...(hidden
          ? {
              problem: "the repo is private: the generate job, which holds no token, cannot read it",
              fix: `make ${d.repo} public, or replace its script edits with edits release-relay applies itself`,
            }
          : {}),
      };
    });
}

/**
 * The build and qualify jobs run the project's code, so they hold no token but the job's own
 * GITHUB_TOKEN, which reads only the automation repo: their checkout of a private source repo fails
 * ("Repository not found"; actions/checkout README, "Checkout multiple repos (private)"). Said before
 * the release starts, not when the build does.
 */
export function sourceFindings(config: Config, privateRepos: ReadonlySet<string>): DoctorFinding[] {
  const hidden = privateRepos.has(config.source.repo.toLowerCase());
  return [
    {
      check: `${config.source.repo}: the build and qualify jobs can check it out without a token`,
      ok: !hidden,
      ...(hidden
        ? {
            problem:
              "the repo is private: the build and qualify jobs, which run its code and hold no token that reads it, cannot check it out",
            fix: `make ${config.source.repo} public; release-relay does not build private sources yet`,
          }
        : {}),
    },
  ];
}
