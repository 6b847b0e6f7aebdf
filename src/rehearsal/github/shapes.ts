import type { components } from "@octokit/openapi-types";
import type { GitCommit, GitTag } from "./git-store.js";
import type {
  CheckRunState,
  CommentState,
  DeploymentReviewState,
  IssueState,
  LabelState,
  PullState,
  ReleaseState,
  RepoState,
  StatusState,
  UserState,
  WorkflowRunState,
} from "./state.js";

type Schemas = components["schemas"];

/** Commits and tags the emulator makes carry no signature. */
const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };

/** Turns state into the JSON GitHub returns; every shape is typed by GitHub's OpenAPI description. */
export class Shapes {
  constructor(
    readonly api: string,
    readonly web: string,
  ) {}

  nodeId(kind: string, id: number | string): string {
    return Buffer.from(`${kind}:${id}`).toString("base64url");
  }

  /** One entry of a run's review history (`environment-approvals`). */
  deploymentReview(
    repo: string,
    d: DeploymentReviewState,
    user: UserState,
  ): Schemas["environment-approvals"] {
    const id = Number.parseInt(Buffer.from(`${repo}/${d.environment}`).toString("hex").slice(0, 8), 16);
    return {
      environments: [
        {
          id,
          node_id: this.nodeId("Environment", id),
          name: d.environment,
          url: `${this.api}/repos/${repo}/environments/${encodeURIComponent(d.environment)}`,
          html_url: `${this.web}/${repo}/deployments/activity_log?environments_filter=${encodeURIComponent(d.environment)}`,
          created_at: d.at,
          updated_at: d.at,
        },
      ],
      state: d.state,
      user: this.user(user),
      comment: d.comment,
    };
  }

  user(u: UserState): Schemas["simple-user"] {
    // Bot logins ("name[bot]") are percent-encoded in URLs, as GitHub does.
    const path = encodeURIComponent(u.login);
    const url = `${this.api}/users/${path}`;
    return {
      login: u.login,
      id: u.id,
      node_id: this.nodeId("User", u.id),
      avatar_url: `${this.web}/${path}.png`,
      gravatar_id: "",
      url,
      html_url: `${this.web}/${path}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: u.type,
      site_admin: false,
    };
  }

  repository(
    r: RepoState,
    owner: UserState,
    openIssues: number,
  ): Schemas["full-repository"] & Schemas["repository"] {
    const full = `${r.owner}/${r.name}`;
    const url = `${this.api}/repos/${full}`;
    const html = `${this.web}/${full}`;
    return {
      id: r.id,
      node_id: this.nodeId("Repository", r.id),
      name: r.name,
      full_name: full,
      owner: this.user(owner),
      private: r.private,
      html_url: html,
      description: null,
      fork: false,
      url,
      archive_url: `${url}/{archive_format}{/ref}`,
      assignees_url: `${url}/assignees{/user}`,
      blobs_url: `${url}/git/blobs{/sha}`,
      branches_url: `${url}/branches{/branch}`,
      collaborators_url: `${url}/collaborators{/collaborator}`,
      comments_url: `${url}/comments{/number}`,
      commits_url: `${url}/commits{/sha}`,
      compare_url: `${url}/compare/{base}...{head}`,
      contents_url: `${url}/contents/{+path}`,
      contributors_url: `${url}/contributors`,
      deployments_url: `${url}/deployments`,
      downloads_url: `${url}/downloads`,
      events_url: `${url}/events`,
      forks_url: `${url}/forks`,
      git_commits_url: `${url}/git/commits{/sha}`,
      git_refs_url: `${url}/git/refs{/sha}`,
      git_tags_url: `${url}/git/tags{/sha}`,
      git_url: `git:${html.replace(/^https?:/, "")}.git`,
      hooks_url: `${url}/hooks`,
      issue_comment_url: `${url}/issues/comments{/number}`,
      issue_events_url: `${url}/issues/events{/number}`,
      issues_url: `${url}/issues{/number}`,
      keys_url: `${url}/keys{/key_id}`,
      labels_url: `${url}/labels{/name}`,
      languages_url: `${url}/languages`,
      merges_url: `${url}/merges`,
      milestones_url: `${url}/milestones{/number}`,
      notifications_url: `${url}/notifications{?since,all,participating}`,
      pulls_url: `${url}/pulls{/number}`,
      releases_url: `${url}/releases{/id}`,
      ssh_url: `git@localhost:${full}.git`,
      stargazers_url: `${url}/stargazers`,
      statuses_url: `${url}/statuses/{sha}`,
      subscribers_url: `${url}/subscribers`,
      subscription_url: `${url}/subscription`,
      tags_url: `${url}/tags`,
      teams_url: `${url}/teams`,
      trees_url: `${url}/git/trees{/sha}`,
      clone_url: `${html}.git`,
      mirror_url: null,
      svn_url: html,
      homepage: null,
      language: null,
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 0,
      default_branch: r.defaultBranch,
      open_issues: openIssues,
      open_issues_count: openIssues,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      license: null,
      pushed_at: r.createdAt,
      created_at: r.createdAt,
      updated_at: r.createdAt,
      network_count: 0,
      subscribers_count: 0,
      visibility: r.private ? "private" : "public",
    };
  }

  label(repo: string, l: LabelState): Schemas["label"] {
    return {
      id: l.id,
      node_id: this.nodeId("Label", l.id),
      url: `${this.api}/repos/${repo}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      description: l.description,
      color: l.color,
      default: false,
    };
  }

  issue(
    repo: string,
    i: IssueState,
    labels: LabelState[],
    user: UserState,
    comments: number,
  ): Schemas["issue"] {
    const url = `${this.api}/repos/${repo}/issues/${i.number}`;
    return {
      id: i.id,
      node_id: this.nodeId("Issue", i.id),
      url,
      repository_url: `${this.api}/repos/${repo}`,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${this.web}/${repo}/${i.isPull ? "pull" : "issues"}/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.stateReason,
      title: i.title,
      body: i.body,
      user: this.user(user),
      labels: labels.map((l) => this.label(repo, l)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments,
      closed_at: i.closedAt,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      author_association: "OWNER",
      ...(i.isPull
        ? {
            pull_request: {
              url: `${this.api}/repos/${repo}/pulls/${i.number}`,
              html_url: `${this.web}/${repo}/pull/${i.number}`,
              diff_url: `${this.web}/${repo}/pull/${i.number}.diff`,
              patch_url: `${this.web}/${repo}/pull/${i.number}.patch`,
              merged_at: null,
            },
          }
        : {}),
    };
  }

  comment(repo: string, c: CommentState, user: UserState): Schemas["issue-comment"] {
    return {
      id: c.id,
      node_id: this.nodeId("IssueComment", c.id),
      url: `${this.api}/repos/${repo}/issues/comments/${c.id}`,
      html_url: `${this.web}/${repo}/issues/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${this.api}/repos/${repo}/issues/${c.issueNumber}`,
      body: c.body,
      user: this.user(user),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: "OWNER",
    };
  }

  pull(
    repo: Schemas["repository"],
    p: PullState,
    issue: IssueState,
    labels: LabelState[],
    user: UserState,
    head: { sha: string; repo: Schemas["repository"] },
    baseSha: string,
    counts: { comments: number; commits: number; changedFiles: number; additions: number; deletions: number },
    mergedBy: UserState | null,
  ): Schemas["pull-request"] {
    const full = repo.full_name;
    const url = `${this.api}/repos/${full}/pulls/${p.number}`;
    const html = `${this.web}/${full}/pull/${p.number}`;
    const issueUrl = `${this.api}/repos/${full}/issues/${p.number}`;
    const owner = repo.owner;
    return {
      id: p.id,
      node_id: this.nodeId("PullRequest", p.id),
      url,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issueUrl,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${this.api}/repos/${full}/pulls/comments{/number}`,
      comments_url: `${issueUrl}/comments`,
      statuses_url: `${this.api}/repos/${full}/statuses/${head.sha}`,
      number: p.number,
      state: issue.state,
      locked: false,
      title: issue.title,
      user: this.user(user),
      body: issue.body,
      labels: labels.map((l) => this.label(full, l)),
      milestone: null,
      active_lock_reason: null,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      merged_at: p.mergedAt,
      merge_commit_sha: p.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: {
        label: `${owner.login}:${p.headRef}`,
        ref: p.headRef,
        sha: head.sha,
        user: owner,
        repo: head.repo,
      },
      base: { label: `${owner.login}:${p.baseRef}`, ref: p.baseRef, sha: baseSha, user: owner, repo },
      _links: {
        self: { href: url },
        html: { href: html },
        issue: { href: issueUrl },
        comments: { href: `${issueUrl}/comments` },
        review_comments: { href: `${url}/comments` },
        review_comment: { href: `${this.api}/repos/${full}/pulls/comments{/number}` },
        commits: { href: `${url}/commits` },
        statuses: { href: `${this.api}/repos/${full}/statuses/${head.sha}` },
      },
      author_association: "OWNER",
      auto_merge: null,
      draft: p.draft,
      merged: p.merged,
      mergeable: issue.state === "open" ? true : null,
      rebaseable: issue.state === "open" ? true : null,
      mergeable_state: issue.state === "open" ? "clean" : "unknown",
      merged_by: mergedBy ? this.user(mergedBy) : null,
      comments: counts.comments,
      review_comments: 0,
      maintainer_can_modify: p.maintainerCanModify,
      commits: counts.commits,
      additions: counts.additions,
      deletions: counts.deletions,
      changed_files: counts.changedFiles,
    };
  }

  ref(repo: string, ref: string, sha: string, type: string): Schemas["git-ref"] {
    return {
      ref,
      node_id: this.nodeId("Ref", `${repo}:${ref}`),
      url: `${this.api}/repos/${repo}/git/${ref}`,
      object: { sha, type, url: `${this.api}/repos/${repo}/git/${type}s/${sha}` },
    };
  }

  /** An annotated tag object (`GET /repos/{o}/{r}/git/tags/{sha}`). */
  tag(repo: string, t: GitTag): Schemas["git-tag"] {
    return {
      sha: t.sha,
      node_id: this.nodeId("Tag", t.sha),
      url: `${this.api}/repos/${repo}/git/tags/${t.sha}`,
      tag: t.tag,
      message: t.message,
      tagger: t.tagger,
      object: { sha: t.object, type: t.type, url: `${this.api}/repos/${repo}/git/${t.type}s/${t.object}` },
      verification: { ...UNSIGNED },
    };
  }

  /** A workflow run (`GET /repos/{o}/{r}/actions/runs/{id}`): who ran what, on which commit, with what result. */
  workflowRun(
    r: RepoState,
    run: WorkflowRunState,
    owner: UserState,
    actor: UserState,
    triggeringActor: UserState,
  ): Schemas["workflow-run"] {
    const full = `${r.owner}/${r.name}`;
    const url = `${this.api}/repos/${full}/actions/runs/${run.id}`;
    // Full repository fields are a superset of minimal-repository's (license is null here).
    const repository = this.repository(r, owner, 0) as unknown as Schemas["minimal-repository"];
    const workflowId = Number.parseInt(Buffer.from(`${full}/${run.path}`).toString("hex").slice(0, 8), 16);
    return {
      id: run.id,
      name: run.name,
      node_id: this.nodeId("WorkflowRun", run.id),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: run.path,
      display_title: run.name,
      run_number: run.id,
      run_attempt: 1,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: workflowId,
      url,
      html_url: `${this.web}/${full}/actions/runs/${run.id}`,
      pull_requests: [],
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      run_started_at: run.createdAt,
      actor: this.user(actor),
      triggering_actor: this.user(triggeringActor),
      jobs_url: `${url}/jobs`,
      logs_url: `${url}/logs`,
      check_suite_url: `${this.api}/repos/${full}/check-suites/${run.id}`,
      artifacts_url: `${url}/artifacts`,
      cancel_url: `${url}/cancel`,
      rerun_url: `${url}/rerun`,
      workflow_url: `${this.api}/repos/${full}/actions/workflows/${workflowId}`,
      head_commit: null,
      repository,
      head_repository: repository,
    };
  }

  commit(repo: string, c: GitCommit): Schemas["git-commit"] {
    return {
      sha: c.sha,
      node_id: this.nodeId("Commit", c.sha),
      url: `${this.api}/repos/${repo}/git/commits/${c.sha}`,
      html_url: `${this.web}/${repo}/commit/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message.replace(/\n$/, ""),
      tree: { sha: c.tree, url: `${this.api}/repos/${repo}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({
        sha: p,
        url: `${this.api}/repos/${repo}/git/commits/${p}`,
        html_url: `${this.web}/${repo}/commit/${p}`,
      })),
      verification: { ...UNSIGNED },
    };
  }

  /** A commit as the commits API shows it (`GET /repos/{o}/{r}/commits/{ref}`, compare, branches). */
  restCommit(repo: string, c: GitCommit): Schemas["commit"] {
    const url = `${this.api}/repos/${repo}/commits/${c.sha}`;
    const person = (p: GitCommit["author"]) => ({ name: p.name, email: p.email, date: p.date });
    return {
      url,
      sha: c.sha,
      node_id: this.nodeId("Commit", c.sha),
      html_url: `${this.web}/${repo}/commit/${c.sha}`,
      comments_url: `${url}/comments`,
      commit: {
        url: `${this.api}/repos/${repo}/git/commits/${c.sha}`,
        author: person(c.author),
        committer: person(c.committer),
        message: c.message.replace(/\n$/, ""),
        comment_count: 0,
        tree: { sha: c.tree, url: `${this.api}/repos/${repo}/git/trees/${c.tree}` },
      },
      author: null,
      committer: null,
      parents: c.parents.map((p) => ({ sha: p, url: `${this.api}/repos/${repo}/commits/${p}` })),
    };
  }

  /** `GET /repos/{o}/{r}/compare/{base}...{head}`: how head stands against base. */
  comparison(
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
      url: `${this.api}/repos/${repo}/compare/${basehead}`,
      html_url: `${this.web}/${repo}/compare/${basehead}`,
      permalink_url: `${this.web}/${repo}/compare/${base.sha}...${ahead.at(-1)?.sha ?? mergeBase.sha}`,
      diff_url: `${this.web}/${repo}/compare/${basehead}.diff`,
      patch_url: `${this.web}/${repo}/compare/${basehead}.patch`,
      base_commit: this.restCommit(repo, base),
      merge_base_commit: this.restCommit(repo, mergeBase),
      status,
      ahead_by: aheadBy,
      behind_by: behindBy,
      total_commits: aheadBy,
      commits: ahead.map((c) => this.restCommit(repo, c)),
    };
  }

  branch(repo: string, name: string, c: GitCommit): Schemas["branch-with-protection"] {
    return {
      name,
      commit: this.restCommit(repo, c),
      _links: {
        html: `${this.web}/${repo}/tree/${name}`,
        self: `${this.api}/repos/${repo}/branches/${name}`,
      },
      protected: false,
      protection: { enabled: false },
      protection_url: `${this.api}/repos/${repo}/branches/${name}/protection`,
    };
  }

  status(repo: string, s: StatusState, creator: UserState): Schemas["status"] {
    return {
      url: `${this.api}/repos/${repo}/statuses/${s.sha}`,
      avatar_url: null,
      id: s.id,
      node_id: this.nodeId("StatusContext", s.id),
      state: s.state,
      description: s.description,
      target_url: s.targetUrl,
      context: s.context,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      creator: this.user(creator),
    };
  }

  checkRun(repo: string, c: CheckRunState, app: UserState): Schemas["check-run"] {
    return {
      id: c.id,
      node_id: this.nodeId("CheckRun", c.id),
      head_sha: c.headSha,
      name: c.name,
      url: `${this.api}/repos/${repo}/check-runs/${c.id}`,
      html_url: `${this.web}/${repo}/runs/${c.id}`,
      details_url: c.detailsUrl,
      status: c.status,
      conclusion: c.conclusion as Schemas["check-run"]["conclusion"],
      started_at: c.startedAt,
      completed_at: c.completedAt,
      external_id: c.externalId,
      check_suite: { id: c.id },
      output: {
        title: c.title,
        summary: c.summary,
        text: null,
        annotations_count: 0,
        annotations_url: `${this.api}/repos/${repo}/check-runs/${c.id}/annotations`,
      },
      app: {
        id: app.id,
        slug: app.login.replace(/\[bot\]$/, ""),
        node_id: this.nodeId("App", app.id),
        owner: this.user(app),
        name: app.login.replace(/\[bot\]$/, ""),
        description: null,
        external_url: this.web,
        html_url: `${this.web}/apps/${app.login.replace(/\[bot\]$/, "")}`,
        created_at: "2020-01-01T00:00:00Z",
        updated_at: "2020-01-01T00:00:00Z",
        permissions: {},
        events: [],
      },
      pull_requests: [],
    };
  }

  release(repo: string, r: ReleaseState, author: UserState): Schemas["release"] {
    const url = `${this.api}/repos/${repo}/releases/${r.id}`;
    return {
      id: r.id,
      node_id: this.nodeId("Release", r.id),
      url,
      html_url: `${this.web}/${repo}/releases/tag/${r.tagName}`,
      assets_url: `${url}/assets`,
      upload_url: `${this.api}/repos/${repo}/releases/${r.id}/assets{?name,label}`,
      tarball_url: `${this.api}/repos/${repo}/tarball/${r.tagName}`,
      zipball_url: `${this.api}/repos/${repo}/zipball/${r.tagName}`,
      tag_name: r.tagName,
      target_commitish: r.targetCommitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      created_at: r.createdAt,
      published_at: r.draft ? null : r.createdAt,
      author: this.user(author),
      assets: [],
    };
  }
}
