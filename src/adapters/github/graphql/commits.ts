import type { GitHubClient } from "../client.js";
import {
  BRANCH_FILE_QUERY,
  type BranchFileData,
  CREATE_COMMIT_ON_BRANCH,
  type CreateCommitOnBranchData,
  type CreateCommitOnBranchInput,
} from "./operations.js";

// Clients that commit through the Git Data API: asked to, or talking to a GitHub Enterprise Server
// whose schema lacks what release-relay sends (createCommitOnBranch came to GitHub.com in 2021).
const restOnly = new WeakSet<object>();

/** Whether commits through this client go through GraphQL's createCommitOnBranch. */
export function commitsThroughGraphql(github: GitHubClient): boolean {
  return !restOnly.has(github);
}

/** Makes every later commit through this client use the Git Data API (trees, commits, refs). */
export function useRestCommits(github: GitHubClient): void {
  restOnly.add(github);
}

interface GraphqlError {
  type?: string;
  message: string;
  extensions?: { code?: string };
}

/** The `errors` of an answer GitHub gave with HTTP 200 (Octokit's GraphqlResponseError). */
export function responseErrors(error: unknown): GraphqlError[] | undefined {
  const e = error as { name?: string; errors?: GraphqlError[] };
  return e?.name === "GraphqlResponseError" && Array.isArray(e.errors) ? e.errors : undefined;
}

/**
 * A document naming a field the server's schema does not have, as graphql-ruby words it ("Field
 * 'createCommitOnBranch' doesn't exist on type 'Mutation'", code undefinedField): an older GitHub
 * Enterprise Server. The client falls back to the Git Data API for good.
 */
export function lacksField(github: GitHubClient, errors: GraphqlError[]): boolean {
  const lacks = errors.some(
    (e) => e.extensions?.code === "undefinedField" || /doesn't exist on type/.test(e.message),
  );
  if (lacks) useRestCommits(github);
  return lacks;
}

/**
 * GraphQL's refusals (HTTP 200 with `errors`) as the REST errors the callers already explain: type
 * NOT_FOUND is a 404, FORBIDDEN ("Resource not accessible by integration") a 403.
 */
export function asRequestError(errors: GraphqlError[]): Error {
  const first = errors[0] ?? { message: "GraphQL error" };
  const status = first.type === "NOT_FOUND" ? 404 : first.type === "FORBIDDEN" ? 403 : 422;
  return Object.assign(new Error(first.message), {
    status,
    response: { data: { message: first.message }, headers: {} },
  });
}

/**
 * A GraphQL query's data, or "unsupported" when this client must read through REST: GraphQL serves no
 * one without a token, where REST serves a public repository's contents to anyone (a client without
 * one, or with one GitHub refuses, reads through REST, which says why), and an older GHES lacks the
 * fields asked. Any other refusal is thrown as REST would answer it.
 */
export async function queryOrFallBack<T>(
  github: GitHubClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<T | "unsupported"> {
  try {
    return await github.graphql<T>(query, variables);
  } catch (error) {
    if ((error as { status?: number }).status === 401) {
      useRestCommits(github);
      return "unsupported";
    }
    const errors = responseErrors(error);
    if (!errors) throw error;
    if (lacksField(github, errors)) return "unsupported";
    throw asRequestError(errors);
  }
}

/** A branch's head and one file there; `text` undefined: no such file; `tooLarge`: read it through REST. */
export type BranchFile =
  | { head: undefined }
  | { head: string; text: string | undefined; tooLarge: boolean; recentBodies: string[] };

/** The head of `branch` and the text of `path` at that head, in one call; "unsupported" on an older GHES. */
export async function readBranchFile(
  github: GitHubClient,
  repo: string,
  branch: string,
  path: string,
): Promise<BranchFile | "unsupported"> {
  const [owner, name] = repo.split("/") as [string, string];
  const data = await queryOrFallBack<BranchFileData>(github, BRANCH_FILE_QUERY, {
    owner,
    name,
    ref: `refs/heads/${branch}`,
    path,
    operationName: "branchFile",
  });
  if (data === "unsupported") return data;
  const target = data.repository?.ref?.target;
  if (!target) return { head: undefined };
  const blob = target.file?.object;
  // `text` is null for a binary blob (GraphQL reference "Blob": "UTF8 text data or null if the Blob
  // is binary") and cut short for a large one (`isTruncated`): the REST blob read serves both whole.
  const tooLarge = blob !== undefined && blob !== null && (blob.text == null || blob.isTruncated === true);
  return {
    head: target.oid,
    text: blob && !tooLarge ? (blob.text ?? undefined) : undefined,
    tooLarge,
    recentBodies: (target.history?.nodes ?? []).map((n) => n.messageBody),
  };
}

/** A file of a commit made with createCommitOnBranch: its new text, or its removal. */
export interface CommitFile {
  path: string;
  content: string;
  deleted?: boolean;
}

/**
 * One commit of `files` on `branch`, only if the branch still points at `expectedHead`: the new
 * commit's oid, "stale" when the branch moved (type STALE_DATA, "Expected branch to point to ...
 * but it did not"), or "unsupported" on an older GHES. The branch must exist: the mutation cannot
 * create one (create the ref through REST first).
 */
export async function commitOnBranch(
  github: GitHubClient,
  commit: {
    repo: string;
    branch: string;
    expectedHead: string;
    headline: string;
    body?: string;
    files: readonly CommitFile[];
  },
): Promise<{ oid: string } | "stale" | "unsupported"> {
  const input: CreateCommitOnBranchInput = {
    branch: { repositoryNameWithOwner: commit.repo, branchName: commit.branch },
    expectedHeadOid: commit.expectedHead,
    message: { headline: commit.headline, ...(commit.body ? { body: commit.body } : {}) },
    fileChanges: {
      additions: commit.files
        .filter((f) => !f.deleted)
        .map((f) => ({ path: f.path, contents: Buffer.from(f.content, "utf8").toString("base64") })),
      deletions: commit.files.filter((f) => f.deleted).map((f) => ({ path: f.path })),
    },
  };
  try {
    const data = await github.graphql<CreateCommitOnBranchData>(CREATE_COMMIT_ON_BRANCH, {
      input,
      operationName: "createCommitOnBranch",
    });
    const oid = data.createCommitOnBranch?.commit?.oid;
    if (!oid) throw new Error("GitHub answered createCommitOnBranch without the new commit");
    return { oid };
  } catch (error) {
    const errors = responseErrors(error);
    if (!errors) throw error;
    if (errors.some((e) => e.type === "STALE_DATA" || /Expected branch to point to/i.test(e.message)))
      return "stale";
    if (lacksField(github, errors)) return "unsupported";
    throw asRequestError(errors);
  }
}
