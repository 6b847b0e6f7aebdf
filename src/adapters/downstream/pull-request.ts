import { createHash } from "node:crypto";
import { labelLook } from "../../core/dashboard/labels.js";
import { ReleaseRelayError } from "../../core/errors.js";
import type { GitHubClient } from "../github/client.js";
import { githubError } from "../github/errors.js";
import { commitOnBranch, commitsThroughGraphql } from "../github/graphql/commits.js";
import { type BranchHead, readPullRequestBase } from "../github/graphql/pull-request-base.js";
import { readRepoFile } from "../github/repo-files.js";
import { ensureLabels } from "../github/repo-labels.js";
import { isNoCommitsYet, retryWhileSettling } from "../github/settling-retry.js";

/** A file as the release wants it on the downstream branch. */
export interface WantedFile {
  path: string;
  content: string;
  /** Committed with mode 100755 (a script a generator wrote or kept executable). */
  executable?: boolean;
  /** Removed from the branch (a revert of a file the release created); `content` is ignored. */
  deleted?: boolean;
}

/** One downstream PR to open or bring up to date. */
export interface PullRequestPlan {
  repo: string;
  /** The branch PRs target; the repo's default branch when absent. */
  baseBranch: string | undefined;
  /** `release-relay/<version>/<downstream>`. */
  branch: string;
  title: string;
  commitMessage: string;
  labels: readonly string[];
  draft: boolean;
  /** "push" commits straight to the base branch (opt-in for repos that want it). */
  mode: "pr" | "push";
}

/** What happened to one downstream. */
export interface PullRequestOutcome {
  action: "opened" | "updated" | "unchanged" | "pushed";
  number?: number;
  url?: string;
  headSha: string;
  files: string[];
}

/** A base branch as read: its name, head and tree, and the release branch when it was looked up. */
export interface Base {
  base: string;
  sha: string;
  tree: string;
  /** The release branch's head (null: no such branch); absent when not looked up with the base. */
  release?: BranchHead | null;
}

/** Git's blob id of some text, computed locally to compare with what a branch holds. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * Opens (or updates in place) the one PR of a downstream: a branch from the base with all edits in a
 * single commit. The branch is created at the base, then the commit is made on it with GraphQL's
 * createCommitOnBranch (signed by GitHub, which repos requiring signed commits need); through the
 * Git Data API (tree, commit, ref) for an executable file (the mutation takes no file mode), for
 * `mode: push`, and on a GitHub Enterprise Server without the mutation. A rerun with the same result
 * makes no mutating call; a base that moved gets the single commit rebuilt on top of it.
 */
export class DownstreamPullRequests {
  private readonly owner: string;
  private readonly name: string;

  constructor(
    private readonly github: GitHubClient,
    private readonly plan: PullRequestPlan,
    /** How long to wait for GitHub to catch up with a branch just pushed (tests wait less). */
    private readonly options: { delaysMs?: readonly number[]; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    [this.owner, this.name] = plan.repo.split("/") as [string, string];
  }

  private async branchHead(branch: string): Promise<BranchHead | undefined> {
    try {
      const { data } = await this.github.rest.repos.getBranch({ owner: this.owner, repo: this.name, branch });
      return {
        sha: data.commit.sha,
        tree: data.commit.commit.tree.sha,
        parents: data.commit.parents.map((p) => p.sha),
      };
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  /**
   * The base branch's head and `paths` there (undefined: no such file); for a PR one GraphQL call that
   * also looks the release branch up, through REST where GraphQL cannot serve it.
   */
  async readBase(paths: readonly string[]): Promise<Base & { files: Map<string, string | undefined> }> {
    try {
      const read =
        this.plan.mode === "pr" && commitsThroughGraphql(this.github)
          ? await readPullRequestBase(this.github, this.plan.repo, {
              base: this.plan.baseBranch,
              release: this.plan.branch,
              paths,
            })
          : "unsupported";
      const base =
        read !== "unsupported"
          ? read.base
          : (this.plan.baseBranch ??
            (await this.github.rest.repos.get({ owner: this.owner, repo: this.name })).data.default_branch);
      const head = read !== "unsupported" ? read.head : await this.branchHead(base as string);
      if (!head)
        throw new ReleaseRelayError(
          "E_DOWNSTREAM",
          `${this.plan.repo} has no branch ${base ?? "(it has no default branch)"}`,
          "set base-branch for this downstream in release-relay.yml",
        );
      const got = read !== "unsupported" && read.head ? read : undefined;
      const files = got?.files ?? new Map<string, string | undefined>();
      // Through readRepoFile: a file over 1 MB comes from the contents API without its content, and
      // an edit applied to "" would replace the whole file.
      for (const path of got?.unread ?? paths)
        files.set(path, await readRepoFile(this.github, this.plan.repo, path, head.sha));
      const release = got ? { release: got.release } : {};
      return { base: base as string, sha: head.sha, tree: head.tree, files, ...release };
    } catch (error) {
      throw error instanceof ReleaseRelayError
        ? error
        : githubError(
            error,
            `read ${this.plan.repo}`,
            `give the token "Contents: read" on ${this.plan.repo}`,
          );
    }
  }

  /**
   * Puts `wanted` on the release branch in one commit on `base` and opens or updates the PR with
   * `body`. `firstAttempt` (the ledger holds no PR) skips looking up a branch the base read did not:
   * creating it then fails if an unrecorded run left one, and that branch is reconciled instead.
   */
  async publish(
    base: Base,
    wanted: readonly WantedFile[],
    body: string,
    firstAttempt = false,
  ): Promise<PullRequestOutcome> {
    const files = wanted.map((f) => f.path);
    // Everything is already on the base branch (e.g. the PR was merged): nothing to propose, but
    // the merged PR is still this release's PR (a rerun after a crash must be able to record it).
    if (wanted.length === 0) {
      const merged = this.plan.mode === "pr" ? await this.findPull("closed") : undefined;
      return merged
        ? {
            action: "unchanged",
            number: merged.number,
            url: merged.html_url,
            headSha: merged.head.sha,
            files,
          }
        : { action: "unchanged", headSha: base.sha, files };
    }
    try {
      if (this.plan.mode === "push") return await this.push(base, wanted);
      // Looked up with the base when it was read (a first attempt too: it costs nothing), else here.
      let existing = base.release === null ? undefined : base.release;
      if (!firstAttempt && base.release === undefined) existing = await this.branchHead(this.plan.branch);
      const holdsWanted = async (head: NonNullable<typeof existing>) =>
        head.parents.length === 1 && head.parents[0] === base.sha && (await this.holds(head.tree, wanted));
      let upToDate = existing !== undefined && (await holdsWanted(existing));
      let headSha = existing?.sha;
      if (!upToDate && this.signs(wanted)) {
        // createCommitOnBranch commits onto a branch that exists: the branch is made at the base first.
        if (!existing && !(await this.createBranch(base.sha))) {
          existing = await this.branchHead(this.plan.branch);
          if (existing && (await holdsWanted(existing))) upToDate = true;
        }
        headSha = upToDate
          ? existing?.sha
          : await this.signedCommit(base, wanted, existing?.sha, holdsWanted);
      } else if (!upToDate) {
        const commit = await this.commitOnBase(base, wanted);
        // The release branch is ours alone: a moved base or changed edits replace its single commit.
        if (existing) await this.moveBranch(commit);
        else if (!(await this.createBranch(commit))) {
          existing = await this.branchHead(this.plan.branch);
          if (existing && (await holdsWanted(existing))) upToDate = true;
          else await this.moveBranch(commit);
        }
        headSha = upToDate ? existing?.sha : commit;
      }
      const pr = existing ? await this.findPull() : undefined;
      if (!pr) {
        // The branch was pushed a moment ago: GitHub may not see its commits yet.
        const { data } = await retryWhileSettling(
          () =>
            this.github.rest.pulls.create({
              owner: this.owner,
              repo: this.name,
              head: this.plan.branch,
              base: base.base,
              title: this.plan.title,
              body: body,
              draft: this.plan.draft,
            }),
          isNoCommitsYet,
          this.options,
        );
        if (this.plan.labels.length) {
          // Created first when missing: GitHub may leave an unknown label out without an error.
          await ensureLabels(this.github, this.plan.repo, this.plan.labels, labelLook("downstream-pr"));
          await this.github.rest.issues.addLabels({
            owner: this.owner,
            repo: this.name,
            issue_number: data.number,
            labels: [...this.plan.labels],
          });
        }
        return {
          action: "opened",
          number: data.number,
          url: data.html_url,
          headSha: headSha as string,
          files,
        };
      }
      if (pr.title !== this.plan.title || (pr.body ?? "") !== body) {
        await this.github.rest.pulls.update({
          owner: this.owner,
          repo: this.name,
          pull_number: pr.number,
          title: this.plan.title,
          body: body,
        });
      } else if (upToDate) {
        return {
          action: "unchanged",
          number: pr.number,
          url: pr.html_url,
          headSha: headSha as string,
          files,
        };
      }
      return { action: "updated", number: pr.number, url: pr.html_url, headSha: headSha as string, files };
    } catch (error) {
      throw error instanceof ReleaseRelayError
        ? error
        : githubError(
            error,
            `open the pull request in ${this.plan.repo}`,
            `give the token "Contents" and "Pull requests" read and write on ${this.plan.repo}`,
          );
    }
  }

  /** Whether this PR's commit goes through createCommitOnBranch, which cannot set a file's mode. */
  private signs(wanted: readonly WantedFile[]): boolean {
    return commitsThroughGraphql(this.github) && !wanted.some((f) => f.executable);
  }

  /**
   * The single commit on the release branch (which exists), made with createCommitOnBranch on the
   * base: the branch is put back at the base first when it holds an older commit. "Stale" means the
   * branch moved after that, most often to this very commit when its answer was lost and Octokit
   * sent it again: a branch that holds the wanted files on the base is taken as it is.
   */
  private async signedCommit(
    base: { sha: string; tree: string },
    wanted: readonly WantedFile[],
    branchAt: string | undefined,
    holdsWanted: (head: { sha: string; tree: string; parents: string[] }) => Promise<boolean>,
  ): Promise<string> {
    const [headline = "", ...body] = this.plan.commitMessage.split("\n");
    for (let attempt = 0; attempt < 3; attempt++) {
      if (branchAt !== undefined && branchAt !== base.sha) await this.moveBranch(base.sha);
      const landed = await commitOnBranch(this.github, {
        repo: this.plan.repo,
        branch: this.plan.branch,
        expectedHead: base.sha,
        headline,
        body: body.join("\n").trim(),
        files: wanted,
      });
      if (landed === "unsupported") {
        const commit = await this.commitOnBase(base, wanted);
        await this.moveBranch(commit);
        return commit;
      }
      if (landed !== "stale") return landed.oid;
      const head = await this.branchHead(this.plan.branch);
      if (head && (await holdsWanted(head))) return head.sha;
      branchAt = head?.sha;
    }
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `the branch ${this.plan.branch} of ${this.plan.repo} kept moving while its commit was made`,
      "something else writes to the release branch: stop it, then rerun the job",
    );
  }

  private async findPull(state: "open" | "closed" = "open") {
    const { data } = await this.github.rest.pulls.list({
      owner: this.owner,
      repo: this.name,
      head: `${this.owner}:${this.plan.branch}`,
      state,
    });
    return state === "closed" ? data.find((p) => p.merged_at) : data[0];
  }

  /** Whether a tree already holds every wanted file byte for byte. */
  private async holds(tree: string, wanted: readonly WantedFile[]): Promise<boolean> {
    const { data } = await this.github.rest.git.getTree({
      owner: this.owner,
      repo: this.name,
      tree_sha: tree,
      recursive: "1",
    });
    const shas = new Map(data.tree.map((e) => [e.path, e.sha]));
    return wanted.every((f) => (f.deleted ? !shas.has(f.path) : shas.get(f.path) === blobSha(f.content)));
  }

  private async moveBranch(commit: string): Promise<void> {
    await this.github.rest.git.updateRef({
      owner: this.owner,
      repo: this.name,
      ref: `heads/${this.plan.branch}`,
      sha: commit,
      force: true,
    });
  }

  /** Creates the release branch at `commit`; false when it already exists (a run the ledger missed). */
  private async createBranch(commit: string): Promise<boolean> {
    try {
      await this.github.rest.git.createRef({
        owner: this.owner,
        repo: this.name,
        ref: `refs/heads/${this.plan.branch}`,
        sha: commit,
      });
      return true;
    } catch (error) {
      const e = error as { status?: number; message?: string };
      if (e.status === 422 && /already exists/i.test(e.message ?? "")) return false;
      throw error;
    }
  }

  /** One commit on the base holding every wanted file (inline contents: no blob calls). */
  private async commitOnBase(
    base: { sha: string; tree: string },
    wanted: readonly WantedFile[],
  ): Promise<string> {
    const { data: tree } = await this.github.rest.git.createTree({
      owner: this.owner,
      repo: this.name,
      base_tree: base.tree,
      tree: wanted.map((f) =>
        f.deleted
          ? { path: f.path, mode: "100644" as const, type: "blob" as const, sha: null }
          : {
              path: f.path,
              mode: f.executable ? ("100755" as const) : ("100644" as const),
              type: "blob" as const,
              content: f.content,
            },
      ),
    });
    const { data: commit } = await this.github.rest.git.createCommit({
      owner: this.owner,
      repo: this.name,
      message: this.plan.commitMessage,
      tree: tree.sha,
      parents: [base.sha],
    });
    return commit.sha;
  }

  private async push(
    base: { base: string; sha: string; tree: string },
    wanted: readonly WantedFile[],
  ): Promise<PullRequestOutcome> {
    const files = wanted.map((f) => f.path);
    if (wanted.length === 0) return { action: "unchanged", headSha: base.sha, files };
    const commit = await this.commitOnBase(base, wanted);
    await this.github.rest.git.updateRef({
      owner: this.owner,
      repo: this.name,
      ref: `heads/${base.base}`,
      sha: commit,
      force: false,
    });
    return { action: "pushed", headSha: commit, files };
  }
}
