import { packageActionsRepo, packagePin } from "../../adapters/actions-pin.js";
import { packageRoot } from "../../adapters/package-files.js";
import { pinnedUses } from "../../core/install/action-pins.js";

/** One of release-relay's own actions, named by pin, as the local runner runs it. */
export interface PinnedAction {
  /** The package folder holding its action.yml, relative to `root`. */
  path: string;
  root: string;
  /** The line the step's log starts with: which files ran in place of the pinned commit. */
  note: string;
  /** What GitHub tells a step about the action it runs (GITHUB_ACTION_REPOSITORY, GITHUB_ACTION_REF). */
  env: Record<string, string>;
}

let known: Promise<{ repo?: string; sha?: string }> | undefined;

// Read once per process: every step of every run asks.
function packageIdentity(): Promise<{ repo?: string; sha?: string }> {
  known ??= (async () => {
    // A runner bundled apart from the package (as some tests run it) knows no actions repo: every
    // `uses:` is then a third-party action, as it would be for any other package.
    const repo = await packageActionsRepo().catch(() => undefined);
    const sha = await packagePin().then(
      (p) => p.pin.sha,
      () => undefined,
    );
    return { ...(repo ? { repo } : {}), ...(sha ? { sha } : {}) };
  })();
  return known;
}

/**
 * `uses: <actions repo>/actions/<name>@<sha>` (or the trigger at the repo's root): the runner has no
 * network, so it runs this package's own copy of that action, and its log says so (and whether the
 * pinned commit is the one this package was made from).
 */
export async function resolvePinnedAction(uses: string): Promise<PinnedAction | undefined> {
  const { repo, sha } = await packageIdentity();
  if (!repo) return undefined;
  const [use] = pinnedUses(`uses: ${uses}`, repo);
  if (!use) return undefined;
  const path = use.action ? `actions/${use.action}` : ".";
  const same =
    sha === use.sha
      ? "the commit this package was made from"
      : `this package was made from ${sha ? sha.slice(0, 12) : "an unknown commit"}`;
  return {
    root: packageRoot,
    path,
    env: { GITHUB_ACTION_REPOSITORY: repo, GITHUB_ACTION_REF: use.sha },
    note: `${uses}: ran this package's ${path === "." ? "action.yml" : `${path}/action.yml`} (${packageRoot}) in place of ${repo}@${use.sha.slice(0, 12)} (${same})\n`,
  };
}
