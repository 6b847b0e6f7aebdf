// GitHub's GraphQL endpoint (`POST /graphql`) for exactly the documents release-relay sends
// (src/adapters/github/graphql/operations.ts): anything else is refused as GitHub refuses a document
// it cannot run. Permissions are REST's (the same grant, the same "Contents" levels); failures are
// GraphQL's: HTTP 200 with `errors` (GraphQL docs "Forming calls with GraphQL"; e.g. STALE_DATA in
// ministryofjustice/modernisation-platform#11985), 401 for a bad token, 400 for a body not JSON.
import { z } from "zod";
import {
  GRAPHQL_OPERATIONS,
  type GraphqlOperationName,
} from "../../../adapters/github/graphql/operations.js";
import type { TokenGrant } from "../permissions.js";
import type { Reply } from "../replies.js";
import { read } from "../route.js";
import type { World } from "../world.js";
import { createCommitOnBranch } from "./graphql-commit.js";
import { pullRequestBase } from "./graphql-pull-request-base.js";
import { invalidVariables, refused, repoAccess } from "./graphql-replies.js";

const DOCS = "https://docs.github.com/graphql";

/** A request to `POST /graphql`: the known operation it names, or the refusal of what it sent. */
export type GraphqlCall =
  | { operation: GraphqlOperationName; variables: Record<string, unknown> }
  | { operation: undefined; refusal: Reply };

/** Which of release-relay's documents a body sends; any other document is refused, never guessed at. */
export function parseGraphqlCall(chunks: Buffer[]): GraphqlCall {
  let body: { query?: unknown; variables?: unknown };
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return {
      operation: undefined,
      refusal: { status: 400, body: { message: "Problems parsing JSON", documentation_url: DOCS } },
    };
  }
  if (typeof body?.query !== "string")
    return {
      operation: undefined,
      refusal: refused([{ message: "A query attribute must be specified and must be a string." }]),
    };
  const query = body.query;
  const operation = (Object.keys(GRAPHQL_OPERATIONS) as GraphqlOperationName[]).find(
    (name) => GRAPHQL_OPERATIONS[name] === query,
  );
  if (!operation)
    return {
      operation: undefined,
      refusal: refused([
        {
          message:
            "The local GitHub runs only release-relay's own GraphQL documents (src/adapters/github/graphql/operations.ts); this one is not among them",
          locations: [{ line: 1, column: 1 }],
          extensions: { code: "unknownDocument" },
        },
      ]),
    };
  const variables = body.variables && typeof body.variables === "object" ? body.variables : {};
  return { operation, variables: variables as Record<string, unknown> };
}

/** What the schema offers: an older GitHub Enterprise Server has no createCommitOnBranch (nor Commit.file). */
export interface GraphqlSupport {
  commitMutation: boolean;
}

/** graphql-ruby's answer to a field the schema lacks. */
function undefinedField(operation: GraphqlOperationName, typeName: string, fieldName: string): Reply {
  return refused([
    {
      path: [`${typeName === "Mutation" ? "mutation" : "query"} ${operation}`, fieldName],
      extensions: { code: "undefinedField", typeName, fieldName },
      locations: [{ line: 2, column: 3 }],
      message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
    },
  ]);
}

const branchFileVariables = z.object({
  owner: z.string(),
  name: z.string(),
  ref: z.string(),
  path: z.string(),
});

/** Binary: git's own test, a NUL byte in the first 8000 bytes. */
const isBinary = (bytes: Buffer) => bytes.subarray(0, 8000).includes(0);

/**
 * The head of a branch, its last ten commit bodies, and one file there. `text` is null for a binary
 * blob (GraphQL reference "Blob": "UTF8 text data or null if the Blob is binary") and, here, for a
 * blob over the contents API's 1 MB, standing in for GitHub's cut of large blobs (`isTruncated`).
 */
async function branchFile(
  world: World,
  grant: TokenGrant,
  variables: Record<string, unknown>,
): Promise<Reply> {
  const parsed = branchFileVariables.safeParse(variables);
  if (!parsed.success) return invalidVariables("owner", "String!", parsed.error);
  const { owner, name, ref, path } = parsed.data;
  const access = repoAccess(world, `${owner}/${name}`, grant, read("contents"), "repository");
  if ("error" in access) return refused([access.error], { repository: null });
  const git = world.git(access.repo);
  // `qualifiedName` takes "refs/heads/main" or the short "main" (GraphQL reference "Repository.ref").
  const qualified = ref.startsWith("refs/") ? ref : `refs/heads/${ref}`;
  const oid = await git.readRef(qualified);
  if (!oid) return { status: 200, body: { data: { repository: { ref: null } } } };
  // The last ten commits' bodies (`messageBody`: the message after its headline).
  const nodes = (await git.recentBodies(oid, 10)).map((body) => ({ messageBody: body }));
  const [entry] = (await git.listTree(oid, false, path)).filter((e) => e.path === path);
  let file: unknown = null;
  if (entry) {
    if (entry.type !== "blob") file = { object: {} };
    else {
      const bytes = await git.readBlob(entry.sha);
      const tooLarge = bytes.length > 1024 * 1024;
      file = {
        object: {
          text: isBinary(bytes) || tooLarge ? null : bytes.toString("utf8"),
          isTruncated: tooLarge,
        },
      };
    }
  }
  return {
    status: 200,
    body: { data: { repository: { ref: { target: { oid, history: { nodes }, file } } } } },
  };
}

/**
 * Answers a known GraphQL document. GraphQL always needs a token (GraphQL docs "Forming calls with
 * GraphQL": "To communicate with the GraphQL server, you'll need a token"): none, or one GitHub does
 * not know, is 401 as on REST.
 */
export async function answerGraphql(
  world: World,
  call: GraphqlCall,
  who: { hasToken: boolean; grant: TokenGrant | undefined },
  support: GraphqlSupport,
): Promise<Reply> {
  if (!who.grant)
    return {
      status: 401,
      body: {
        message: who.hasToken ? "Bad credentials" : "This endpoint requires you to be authenticated.",
        documentation_url: DOCS,
      },
    };
  if (call.operation === undefined) return call.refusal;
  if (call.operation === "createCommitOnBranch") {
    if (!support.commitMutation) return undefinedField(call.operation, "Mutation", "createCommitOnBranch");
    return createCommitOnBranch(world, who.grant, call.variables);
  }
  if (!support.commitMutation) return undefinedField(call.operation, "Commit", "file");
  if (call.operation === "pullRequestBase") return pullRequestBase(world, who.grant, call.variables);
  return branchFile(world, who.grant, call.variables);
}

/** The operations that change something, as `mutating` routes for accounting and crash points. */
export const GRAPHQL_MUTATIONS: ReadonlySet<GraphqlOperationName> = new Set(["createCommitOnBranch"]);

/** The repository ("owner/name") a GraphQL call is about, as its variables name it; for accounting. */
export function graphqlRepo(call: GraphqlCall): string | undefined {
  if (!call.operation) return undefined;
  const v = call.variables as {
    owner?: unknown;
    name?: unknown;
    input?: { branch?: { repositoryNameWithOwner?: unknown } };
  };
  const full =
    v.input?.branch?.repositoryNameWithOwner ?? (v.owner && v.name ? `${v.owner}/${v.name}` : undefined);
  return typeof full === "string" ? full : undefined;
}

/** The name a GraphQL call is logged and faulted under: "POST /graphql <operation>". */
export const graphqlRoute = (operation: GraphqlOperationName | undefined): string =>
  operation ? `POST /graphql ${operation}` : "POST /graphql";
