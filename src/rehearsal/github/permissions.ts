/** Fine-grained permission names, as GitHub Apps and fine-grained tokens are granted them. */
export type PermissionName =
  | "metadata"
  | "contents"
  | "issues"
  | "pull_requests"
  | "statuses"
  | "checks"
  | "actions";
export type Permission = `${PermissionName}:${"read" | "write"}`;

/** Every write permission the emulator knows: a token that may do anything in its repos. */
export const ALL_PERMISSIONS: readonly Permission[] = [
  "contents:write",
  "issues:write",
  "pull_requests:write",
  "statuses:write",
  "checks:write",
  "actions:write",
];

/** A token the emulator accepts: who it is and what it may do in which repo ("*" = every repo). */
export interface TokenGrant {
  login: string;
  type?: "User" | "Bot";
  repos: Record<string, readonly Permission[]>;
}

/** What a route requires; undefined = no repository permission (e.g. /rate_limit). */
export interface Requirement {
  name: PermissionName;
  level: "read" | "write";
}

const PUBLIC_READS: ReadonlySet<PermissionName> = new Set([
  "contents",
  "metadata",
  "actions",
  "checks",
  "statuses",
  "pull_requests",
]);

/** Whether anyone may make this read of a repository, with any token or none (see checkPermission). */
export function readableByAnyone(need: Requirement | undefined, visibility: { public: boolean }): boolean {
  return visibility.public && need?.level === "read" && PUBLIC_READS.has(need.name);
}

/** "granted", "denied" (the repo is visible: 403), or "hidden" (no access at all: 404 as GitHub does). */
export function checkPermission(
  grant: TokenGrant,
  repo: string,
  need: Requirement | undefined,
  visibility: { public: boolean } = { public: false },
): "granted" | "denied" | "hidden" {
  if (!need) return "granted";
  const perms = grant.repos[repo.toLowerCase()] ?? grant.repos["*"];
  // Any token may read a public repository: its code and metadata, and (REST docs of workflow runs,
  // check runs, commit statuses and pulls: "can be used without authentication or the preceding
  // permissions if only public resources are requested") its runs, checks, statuses and pull requests.
  // This is how the automation side confirms a request or a report against a public repo it holds no
  // grant on.
  if (readableByAnyone(need, visibility)) return "granted";
  if (!perms) return "hidden";
  const has = (level: "read" | "write") => perms.includes(`${need.name}:${level}` as Permission);
  if (need.name === "metadata") return "granted"; // any grant on a repo includes metadata:read
  return has("write") || (need.level === "read" && has("read")) ? "granted" : "denied";
}

/** Normalises repo keys so lookups are case-insensitive like GitHub's. */
export function normaliseGrant(grant: TokenGrant): TokenGrant {
  return {
    ...grant,
    repos: Object.fromEntries(Object.entries(grant.repos).map(([k, v]) => [k.toLowerCase(), v])),
  };
}

/** Which repositories and permissions an installation token is asked for (create-github-app-token). */
export interface TokenScope {
  /** Exactly these repos ("owner/name"), or every repo of `owner` when repos is undefined. */
  repos?: readonly string[];
  owner?: string;
  /** permission name → level; none: every permission of the installation. */
  permissions?: Readonly<Record<string, "read" | "write">>;
}

/**
 * The grant of an installation token minted with `scope` from the installation's grant: GitHub's
 * "Create an installation access token for an app" narrows to the repositories and permissions asked
 * for, and refuses a permission the installation does not have (the error is returned as a string).
 */
export function scopedGrant(installation: TokenGrant, scope: TokenScope): TokenGrant | string {
  const inScope = (repo: string) =>
    scope.repos
      ? scope.repos.some((r) => r.toLowerCase() === repo)
      : scope.owner === undefined || repo.startsWith(`${scope.owner.toLowerCase()}/`);
  const repos: Record<string, Permission[]> = {};
  for (const [repo, perms] of Object.entries(installation.repos)) if (inScope(repo)) repos[repo] = [...perms];
  if (scope.permissions) {
    const held = new Set(Object.values(repos).flat());
    for (const [name, level] of Object.entries(scope.permissions)) {
      const has =
        held.has(`${name}:write` as Permission) ||
        (level === "read" && held.has(`${name}:read` as Permission));
      if (!has && name !== "metadata")
        return `The permissions requested are not granted to this installation: ${name}: ${level}`;
    }
    for (const [repo, perms] of Object.entries(repos))
      repos[repo] = perms.flatMap((p) => {
        const [name, level] = p.split(":") as [PermissionName, "read" | "write"];
        const asked = scope.permissions?.[name];
        if (!asked) return [];
        return [`${name}:${asked === "read" || level === "read" ? "read" : "write"}` as Permission];
      });
  }
  return { ...installation, repos };
}
