/** The fine-grained permission a REST call needs, from its method and path (GitHub's documented mapping). */
export function permissionForRoute(method: string, path: string): string | undefined {
  const write = !["GET", "HEAD"].includes(method.toUpperCase());
  const level = write ? "read and write" : "read";
  const p =
    path
      .replace(/^https?:\/\/[^/]+/, "")
      .replace(/^\/api\/v3/, "")
      .split("?")[0] ?? "";
  const repo = /^\/repos\/([^/]+\/[^/]+)(\/.*)?$/.exec(p);
  if (!repo) return undefined;
  const rest = repo[2] ?? "";
  const name = /^\/(pulls)(\/|$)/.test(rest)
    ? "Pull requests"
    : /^\/issues(\/|$)/.test(rest)
      ? "Issues"
      : /^\/(actions)(\/|$)/.test(rest)
        ? "Actions"
        : /^\/(statuses|commits\/[^/]+\/status)/.test(rest)
          ? "Commit statuses"
          : /^\/(check-runs|check-suites|commits\/[^/]+\/check-runs)/.test(rest)
            ? "Checks"
            : /^\/(git|contents|dispatches|tarball|zipball|branches|releases|compare)(\/|$)/.test(rest)
              ? "Contents"
              : rest === ""
                ? "Metadata"
                : undefined;
  return name ? `"${name}: ${level}" on ${repo[1]}` : undefined;
}
