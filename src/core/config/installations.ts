// A GitHub App has one installation per owner (user or organisation), and an installation token
// covers that owner's repositories only: `actions/create-github-app-token` with `owner` mints for
// that owner's installation, without it for the current repository alone (its README, "token
// scope"; its issue #377). A release whose repos span owners needs one token per installation.

/** How many installations the templates mint tokens for (token, token-2, token-3). */
export const MAX_INSTALLATIONS = 3;

/** One installation's share of the release: its owner and the repositories (names) it must cover. */
export interface Installation {
  owner: string;
  repositories: string[];
}

/**
 * The installations a release writes through, in a fixed order: the automation repo's owner first
 * (its token also keeps the ledger and the tracking issue), then each other owner of a downstream
 * repo in the order release-relay.yml lists them. The same config always gives the same order, so
 * the n-th token the workflow mints is the n-th installation's.
 */
export function installationsOf(config: {
  tracking: { repo: string };
  downstream: readonly { repo: string }[];
}): Installation[] {
  const out: Installation[] = [];
  for (const repo of [config.tracking.repo, ...config.downstream.map((d) => d.repo)]) {
    const [owner, name] = repo.split("/") as [string, string];
    const found = out.find((i) => i.owner.toLowerCase() === owner.toLowerCase());
    if (!found) out.push({ owner, repositories: [name] });
    else if (!found.repositories.some((r) => r.toLowerCase() === name.toLowerCase()))
      found.repositories.push(name);
  }
  return out;
}

/** Which installation (0-based) covers `repo`; -1 when none does. */
export function installationIndexOf(installations: readonly Installation[], repo: string): number {
  const [owner, name] = repo.toLowerCase().split("/") as [string, string];
  return installations.findIndex(
    (i) => i.owner.toLowerCase() === owner && i.repositories.some((r) => r.toLowerCase() === name),
  );
}
