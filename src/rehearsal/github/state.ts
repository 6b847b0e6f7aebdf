/** The emulator's state other than git objects and refs, which live in each repo's bare repository. */

export interface UserState {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

export interface LabelState {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface IssueState {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | null;
  labels: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  isPull: boolean;
}

export interface CommentState {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface PullState {
  id: number;
  number: number;
  headRef: string;
  baseRef: string;
  /** Head sha when the pull was merged or closed; an open pull follows its branch. */
  headSha: string;
  draft: boolean;
  maintainerCanModify: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  /** The fork ("owner/name") the head branch lives in; absent when it lives in this repo. */
  headRepo?: string;
  /** The commits the merge put on the base branch (one for merge and squash, each replayed one for rebase). */
  landed?: string[];
}

export interface StatusState {
  id: number;
  sha: string;
  state: "error" | "failure" | "pending" | "success";
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

export interface CheckRunState {
  id: number;
  headSha: string;
  name: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string;
  completedAt: string | null;
  title: string | null;
  summary: string | null;
}

export interface ReleaseState {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  createdAt: string;
  /** When it was last published (absent: a draft, or created published before this was kept). */
  publishedAt?: string;
  /** Published in a repo with immutable releases: its assets can no longer change. */
  immutable?: boolean;
  /** Its assets (absent: none); the bytes are kept in files beside the repo's git directory. */
  assets?: ReleaseAssetState[];
}

/** A release asset: "uploaded", or "open" (an upload that never finished). */
export interface ReleaseAssetState {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  size: number;
  sha256: string;
  state: "uploaded" | "open";
  uploader: string;
  createdAt: string;
}

/** A reviewer's decision on a workflow run's deployment environment (required reviewers). */
export interface DeploymentReviewState {
  runId: number;
  environment: string;
  state: "approved" | "rejected";
  user: string;
  comment: string;
  at: string;
}

/** A workflow run as the Actions API reports it: what the automation side looks a claimed run up in. */
export interface WorkflowRunState {
  id: number;
  name: string;
  path: string;
  event: string;
  headBranch: string;
  headSha: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "cancelled" | null;
  actor: string;
  triggeringActor: string;
  createdAt: string;
  updatedAt: string;
}

export interface RepoState {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  createdAt: string;
  nextNumber: number;
  issues: IssueState[];
  comments: CommentState[];
  pulls: PullState[];
  labels: LabelState[];
  statuses: StatusState[];
  checkRuns: CheckRunState[];
  releases: ReleaseState[];
  /** The release marked latest by make_latest (absent: GitHub's legacy rule decides). */
  latestReleaseId?: number;
  /** Absent in states saved before deployment reviews were kept. */
  deploymentReviews?: DeploymentReviewState[];
  /** Absent in states saved before workflow runs were kept. */
  workflowRuns?: WorkflowRunState[];
  /** Artifacts workflow runs uploaded, kept until they expire (retention-days). */
  artifacts?: ArtifactState[];
  /** Deployment environments by name, with the logins of their required reviewers. */
  environments?: Record<string, EnvironmentState>;
  /** Commits GitHub signed: made with GraphQL's createCommitOnBranch (absent: none). */
  signedCommits?: string[];
  /** The repo's "immutable releases" setting: a published release's assets never change. */
  immutableReleases?: boolean;
  /** false: release assets come without a digest, as from servers that predate them. */
  releaseAssetDigests?: boolean;
}

/** An artifact a run uploaded; after `expiresAt` it is gone (its files can no longer be downloaded). */
export interface ArtifactState {
  id: number;
  runId: number;
  name: string;
  sizeInBytes: number;
  createdAt: string;
  expiresAt: string;
}

/** A deployment environment: who must approve a job that names it (none: it runs at once). */
export interface EnvironmentState {
  reviewers: string[];
  createdAt: string;
}

/** A `repository_dispatch` as GitHub delivered it to the receiving repo. */
export interface DispatchRecord {
  repo: string;
  eventType: string;
  clientPayload: Record<string, unknown>;
  sender: string;
  at: string;
}

/** A `workflow_dispatch` request. */
export interface WorkflowDispatchRecord {
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  sender: string;
  at: string;
}

export interface EmulatorState {
  nextId: number;
  repos: Record<string, RepoState>;
  users: Record<string, UserState>;
  dispatches: DispatchRecord[];
  workflowDispatches: WorkflowDispatchRecord[];
}

/** A fresh, empty world. */
export function emptyState(): EmulatorState {
  return { nextId: 1000, repos: {}, users: {}, dispatches: [], workflowDispatches: [] };
}
