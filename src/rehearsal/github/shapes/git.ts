// Git objects and refs, and commits as the commits API shows them.
import type { GitCommit, GitTag } from "../git/git-store.js";
import { type Schemas, type Site, signedBy, UNSIGNED } from "./site.js";

export function refShape(
  site: Site,
  repo: string,
  ref: string,
  sha: string,
  type: string,
): Schemas["git-ref"] {
  return {
    ref,
    node_id: site.nodeId("Ref", `${repo}:${ref}`),
    url: `${site.api}/repos/${repo}/git/${ref}`,
    object: { sha, type, url: `${site.api}/repos/${repo}/git/${type}s/${sha}` },
  };
}

/** An annotated tag object (`GET /repos/{o}/{r}/git/tags/{sha}`). */
export function tagShape(site: Site, repo: string, t: GitTag): Schemas["git-tag"] {
  return {
    sha: t.sha,
    node_id: site.nodeId("Tag", t.sha),
    url: `${site.api}/repos/${repo}/git/tags/${t.sha}`,
    tag: t.tag,
    message: t.message,
    tagger: t.tagger,
    object: { sha: t.object, type: t.type, url: `${site.api}/repos/${repo}/git/${t.type}s/${t.object}` },
    verification: { ...UNSIGNED },
  };
}

/** A commit of the Git Data API; `signed` for one GitHub made (and signed) with createCommitOnBranch. */
export function commitShape(site: Site, repo: string, c: GitCommit, signed = false): Schemas["git-commit"] {
  return {
    sha: c.sha,
    node_id: site.nodeId("Commit", c.sha),
    url: `${site.api}/repos/${repo}/git/commits/${c.sha}`,
    html_url: `${site.web}/${repo}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    message: c.message.replace(/\n$/, ""),
    tree: { sha: c.tree, url: `${site.api}/repos/${repo}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${site.api}/repos/${repo}/git/commits/${p}`,
      html_url: `${site.web}/${repo}/commit/${p}`,
    })),
    verification: signed
      ? signedBy(
          `tree ${c.tree}\n${c.parents.map((p) => `parent ${p}\n`).join("")}\n${c.message}`,
          c.committer.date,
        )
      : { ...UNSIGNED },
  };
}

/** A commit as the commits API shows it (`GET /repos/{o}/{r}/commits/{ref}`, compare, branches). */
export function restCommitShape(site: Site, repo: string, c: GitCommit): Schemas["commit"] {
  const url = `${site.api}/repos/${repo}/commits/${c.sha}`;
  const person = (p: GitCommit["author"]) => ({ name: p.name, email: p.email, date: p.date });
  return {
    url,
    sha: c.sha,
    node_id: site.nodeId("Commit", c.sha),
    html_url: `${site.web}/${repo}/commit/${c.sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `${site.api}/repos/${repo}/git/commits/${c.sha}`,
      author: person(c.author),
      committer: person(c.committer),
      message: c.message.replace(/\n$/, ""),
      comment_count: 0,
      tree: { sha: c.tree, url: `${site.api}/repos/${repo}/git/trees/${c.tree}` },
    },
    author: null,
    committer: null,
    parents: c.parents.map((p) => ({ sha: p, url: `${site.api}/repos/${repo}/commits/${p}` })),
  };
}

/** `GET /repos/{o}/{r}/compare/{base}...{head}`: how head stands against base. */
export function comparisonShape(
  site: Site,
  repo: string,
  basehead: string,
  base: GitCommit,
  mergeBase: GitCommit,
  ahead: GitCommit[],
  behindBy: number,
): Schemas["commit-comparison"] {
  const aheadBy = ahead.length;
  const status =
    aheadBy === 0 && behindBy === 0
      ? "identical"
      : aheadBy === 0
        ? "behind"
        : behindBy === 0
          ? "ahead"
          : "diverged";
  return {
    url: `${site.api}/repos/${repo}/compare/${basehead}`,
    html_url: `${site.web}/${repo}/compare/${basehead}`,
    permalink_url: `${site.web}/${repo}/compare/${base.sha}...${ahead.at(-1)?.sha ?? mergeBase.sha}`,
    diff_url: `${site.web}/${repo}/compare/${basehead}.diff`,
    patch_url: `${site.web}/${repo}/compare/${basehead}.patch`,
    base_commit: restCommitShape(site, repo, base),
    merge_base_commit: restCommitShape(site, repo, mergeBase),
    status,
    ahead_by: aheadBy,
    behind_by: behindBy,
    total_commits: aheadBy,
    commits: ahead.map((c) => restCommitShape(site, repo, c)),
  };
}

export function branchShape(
  site: Site,
  repo: string,
  name: string,
  c: GitCommit,
): Schemas["branch-with-protection"] {
  return {
    name,
    commit: restCommitShape(site, repo, c),
    _links: {
      html: `${site.web}/${repo}/tree/${name}`,
      self: `${site.api}/repos/${repo}/branches/${name}`,
    },
    protected: false,
    protection: { enabled: false },
    protection_url: `${site.api}/repos/${repo}/branches/${name}/protection`,
  };
}
