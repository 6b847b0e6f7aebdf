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
 * What opening a downstream PR needs to know, in one call: the base branch's head (the default
 * branch's when `$onDefault`, else `$base`, "refs/heads/<name>"), its tree, up to eight files at that
 * same commit (`$pathN` read when `$readN`; through `Commit.file(path:)` of the head just resolved,
 * as branchFile reads, so the files and the head always belong together), and the release branch
 * `$release` if it exists, with its tree and parents (a rerun compares it with the base).
 */
export const PULL_REQUEST_BASE_QUERY = `query pullRequestBase($owner: String!, $name: String!, $onDefault: Boolean!, $base: String! = "", $release: String!, $path0: String! = "", $read0: Boolean! = false, $path1: String! = "", $read1: Boolean! = false, $path2: String! = "", $read2: Boolean! = false, $path3: String! = "", $read3: Boolean! = false, $path4: String! = "", $read4: Boolean! = false, $path5: String! = "", $read5: Boolean! = false, $path6: String! = "", $read6: Boolean! = false, $path7: String! = "", $read7: Boolean! = false) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef @include(if: $onDefault) {
      name
      target {
        oid
        ...BaseCommit
      }
    }
    base: ref(qualifiedName: $base) @skip(if: $onDefault) {
      name
      target {
        oid
        ...BaseCommit
      }
    }
    release: ref(qualifiedName: $release) {
      target {
        oid
        ... on Commit {
          tree {
            oid
          }
          parents(first: 2) {
            nodes {
              oid
            }
          }
        }
      }
    }
  }
}

fragment BaseCommit on Commit {
  tree {
    oid
  }
  file0: file(path: $path0) @include(if: $read0) {
    ...BaseFile
  }
  file1: file(path: $path1) @include(if: $read1) {
    ...BaseFile
  }
  file2: file(path: $path2) @include(if: $read2) {
    ...BaseFile
  }
  file3: file(path: $path3) @include(if: $read3) {
    ...BaseFile
  }
  file4: file(path: $path4) @include(if: $read4) {
    ...BaseFile
  }
  file5: file(path: $path5) @include(if: $read5) {
    ...BaseFile
  }
  file6: file(path: $path6) @include(if: $read6) {
    ...BaseFile
  }
  file7: file(path: $path7) @include(if: $read7) {
    ...BaseFile
  }
}

fragment BaseFile on TreeEntry {
  mode
  object {
    ... on Blob {
      oid
      byteSize
      text
      isTruncated
    }
  }
}`;

/** How many files one pullRequestBase reads (its `fileN` slots); any more are read through REST. */
export const PULL_REQUEST_BASE_FILES = 8;

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
  pullRequestBase: PULL_REQUEST_BASE_QUERY,
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

/** A file as pullRequestBase reads it: `object` is `{}` for a tree or submodule, `text` null for a binary blob. */
export interface BaseFileEntry {
  mode: number;
  object: { oid?: string; byteSize?: number; text?: string | null; isTruncated?: boolean } | null;
}

/** A branch head as pullRequestBase reads it. */
export interface BaseRef {
  name?: string;
  target: {
    oid: string;
    tree?: { oid: string };
    parents?: { nodes: { oid: string }[] };
    [file: `file${number}`]: BaseFileEntry | null | undefined;
  };
}

/** What `pullRequestBase` answers (`data`). */
export interface PullRequestBaseData {
  repository: {
    defaultBranchRef?: BaseRef | null;
    base?: BaseRef | null;
    release: BaseRef | null;
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
