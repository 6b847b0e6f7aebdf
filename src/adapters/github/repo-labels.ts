import type { LabelLook } from "../../core/dashboard/labels.js";
import type { GitHubClient } from "./client.js";

/**
 * Makes sure each label exists in the repo before it is used, creating a missing one with `look`.
 * GitHub may not create unknown labels when an issue is created or labelled, and then leaves them
 * out without an error (octokit/rest.js#479; the opposite is reported in github/docs#35718: the
 * behaviour is undocumented). A label that exists costs one read and no write, so a rerun changes
 * nothing; a label another run created meanwhile (422 already_exists) is taken as it is.
 */
export async function ensureLabels(
  github: GitHubClient,
  repo: string,
  names: readonly string[],
  look: LabelLook,
): Promise<void> {
  const [owner, name] = repo.split("/") as [string, string];
  for (const label of new Set(names)) {
    try {
      await github.rest.issues.getLabel({ owner, repo: name, name: label });
      continue;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
    try {
      await github.rest.issues.createLabel({ owner, repo: name, name: label, ...look });
    } catch (error) {
      const e = error as { status?: number; response?: { data?: { errors?: { code?: string }[] } } };
      const raced = e.status === 422 && e.response?.data?.errors?.some((x) => x.code === "already_exists");
      if (!raced) throw error;
    }
  }
}
