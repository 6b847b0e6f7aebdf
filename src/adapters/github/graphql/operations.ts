// The GraphQL documents release-relay sends, each exactly as sent. The local GitHub serves these
// documents and no other (src/rehearsal/github/routes/graphql.ts), and test/contract validates each
// against the committed excerpt of GitHub's public schema (scripts/update-graphql-excerpt.mjs).

/**
 * A branch's head commit and one file's text at that same commit, in one call. The file is read
 * through `Commit.file(path:)` of the head just resolved, not `object(expression: "<branch>:<path>")`,
 * which resolves the branch a second time: a writer moving the branch in between would pair a head
 * with another commit's file, and a compare-and-swap on that head would drop the other writer's event.
 * `history` carries the last commits' bodies: a writer whose commit landed but whose answer was lost
 * finds its own mark there.
 */
export const BRANCH_FILE_QUERY = `query branchFile($owner: String!, $name: String!, $ref: String!, $path: String!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) {
      target {
        oid
        ... on Commit {
          history(first: 10) {
            nodes {
              messageBody
            }
          }
          file(path: $path) {
            object {
              ... on Blob {
                text
                isTruncated
              }
            }
          }
        }
      }
    }
  }
}`;

/**
 * One commit with its file changes on an existing branch, made only if the branch still points at
 * `expectedHeadOid`: a compare-and-swap in one call, and a commit GitHub signs (GraphQL reference
 * "createCommitOnBranch"; GitHub changelog 2021-09-13 "A simpler API for authoring commits":
 * "Commits authored using the new API are automatically GPG signed and are marked as verified").
 */
export const CREATE_COMMIT_ON_BRANCH = `mutation createCommitOnBranch($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) {
    commit {
      oid
    }
  }
}`;

/** Every document release-relay sends, by operation name. */
export const GRAPHQL_OPERATIONS = {
  branchFile: BRANCH_FILE_QUERY,
  createCommitOnBranch: CREATE_COMMIT_ON_BRANCH,
} as const;

export type GraphqlOperationName = keyof typeof GRAPHQL_OPERATIONS;

/** What `branchFile` answers (`data`). */
export interface BranchFileData {
  repository: {
    ref: {
      target: {
        oid: string;
        history?: { nodes: { messageBody: string }[] };
        file?: { object: { text?: string | null; isTruncated?: boolean } | null } | null;
      };
    } | null;
  } | null;
}

/** `createCommitOnBranch`'s input (GraphQL reference "CreateCommitOnBranchInput"). */
export interface CreateCommitOnBranchInput {
  branch: { repositoryNameWithOwner: string; branchName: string };
  expectedHeadOid: string;
  message: { headline: string; body?: string };
  fileChanges: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
  clientMutationId?: string;
}

/** What `createCommitOnBranch` answers (`data`). */
export interface CreateCommitOnBranchData {
  createCommitOnBranch: { commit: { oid: string } | null } | null;
}
