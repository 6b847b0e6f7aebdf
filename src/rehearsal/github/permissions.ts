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
