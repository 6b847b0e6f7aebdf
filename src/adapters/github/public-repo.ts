import { spawnSync } from "node:child_process";
import { ReleaseRelayError } from "../../core/errors.js";
import type { GitHubClient } from "./client.js";

/**
 * Unpacks a downstream repo's base branch into `dir` with a client that holds no token: the job
 * that runs downstream generators is given none, so only what GitHub serves anyone (a public
 * repo's branches and tarballs) can be read there. Returns the commit unpacked.
 */
export async function checkoutPublicBase(
  github: GitHubClient,
  repo: string,
  baseBranch: string | undefined,
  dir: string,
): Promise<string> {
  const [owner, name] = repo.split("/") as [string, string];
  let sha: string;
  let tarball: ArrayBuffer;
  try {
    const branch = baseBranch ?? (await github.rest.repos.get({ owner, repo: name })).data.default_branch;
    sha = (await github.rest.repos.getBranch({ owner, repo: name, branch })).data.commit.sha;
    tarball = (await github.rest.repos.downloadTarballArchive({ owner, repo: name, ref: sha }))
      .data as ArrayBuffer;
  } catch (error) {
    const status = (error as { status?: number }).status ?? 0;
    if (status === 401 || status === 403 || status === 404)
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `cannot read ${repo}${baseBranch ? ` (branch ${baseBranch})` : ""} without a token: GitHub answered ${status}. Its scripts run in a job that holds no token, so a downstream with script edits must be a public repo`,
        "make the repo public, or replace its script edits with edits release-relay applies itself (json-set, regex-replace, template-create …) and run the generator in that repo's own CI",
      );
    throw new ReleaseRelayError(
      "E_GITHUB",
      `could not read ${repo}: GitHub answered ${status} ${(error as Error).message}`,
      "retry the job; if it persists, check https://www.githubstatus.com",
    );
  }
  const tar = spawnSync("tar", ["-xzf", "-", "--strip-components=1", "--no-same-owner", "-C", dir], {
    input: Buffer.from(tarball),
  });
  if (tar.status !== 0)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `cannot unpack ${repo} at ${sha.slice(0, 12)}: ${tar.stderr.toString().trim()}`,
      "retry; the archive may be incomplete",
    );
  return sha;
}
