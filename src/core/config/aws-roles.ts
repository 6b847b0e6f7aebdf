/**
 * The AWS roles a project creates for release-relay, what each may do and whom it trusts. `init`
 * prints these and the rehearsal's roles are configured from them, so the two cannot drift.
 *
 * A role trusts GitHub's OIDC provider for exactly one subject. GitHub's `sub` claim is
 * `repo:OWNER/REPO:environment:NAME` for a job that names an environment, and otherwise
 * `repo:OWNER/REPO:ref:REF` (`repo:OWNER/REPO:pull_request` for pull_request events) (Actions docs,
 * "OpenID Connect reference", example subject claims). A job without the environment therefore
 * cannot assume a role that trusts only the environment's subject.
 */
export interface AwsRole {
  /** The Actions variable that holds the role's ARN. */
  variable: string;
  /** Where the variable lives: the release environment, or the repository. */
  scope: "environment" | "repository";
  /** What the role's policy allows, on `bucketPath` (e.g. bucket/releases). */
  allows: (bucketPath: string) => string;
}

/** The environment whose jobs sign, publish and yank. */
export const RELEASE_ENVIRONMENT = "release";

export const AWS_ROLES: readonly AwsRole[] = [
  {
    variable: "RELEASE_AWS_ROLE",
    scope: "environment",
    allows: (p) => `s3:PutObject and s3:GetObject on ${p}/*`,
  },
  {
    variable: "RELEASE_AWS_YANK_ROLE",
    scope: "environment",
    allows: (p) => `also s3:DeleteObject on ${p}/* (the release role deletes nothing it published)`,
  },
  {
    variable: "RELEASE_AWS_DOCTOR_ROLE",
    scope: "repository",
    allows: (p) =>
      `only s3:PutObject and s3:DeleteObject on ${p}/.release-relay-doctor/* (the doctor's probe)`,
  },
  {
    variable: "RELEASE_AWS_READ_ROLE",
    scope: "repository",
    allows: (p) => `only s3:ListBucket and s3:GetObject on ${p}/* (the yank's preview)`,
  },
];

/** The OIDC subject GitHub puts in a job's token. */
export function oidcSubject(
  repo: string,
  job: { environment?: string | undefined; event: string; ref: string },
): string {
  if (job.environment) return `repo:${repo}:environment:${job.environment}`;
  if (job.event === "pull_request") return `repo:${repo}:pull_request`;
  return `repo:${repo}:ref:${job.ref}`;
}

/**
 * The one subject a role trusts: the release environment's for the roles that live there; the
 * default branch's for the others, whose jobs run on workflow_dispatch, repository_dispatch and
 * schedule, all of which run on the default branch.
 */
export function trustedSubject(role: AwsRole, automationRepo: string, defaultBranch: string): string {
  return role.scope === "environment"
    ? oidcSubject(automationRepo, { environment: RELEASE_ENVIRONMENT, event: "", ref: "" })
    : oidcSubject(automationRepo, { event: "workflow_dispatch", ref: `refs/heads/${defaultBranch}` });
}
