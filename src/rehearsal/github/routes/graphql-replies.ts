// How GitHub's GraphQL endpoint words its answers: errors with HTTP 200, and the refusals it shares
// with REST (a repository not found or not writable, variables of the wrong type).
import type { z } from "zod";
import { checkPermission, type Requirement, type TokenGrant } from "../permissions.js";
import type { Reply } from "../replies.js";
import type { RepoState } from "../state.js";
import type { World } from "../world.js";

/** A GraphQL error as GitHub words it: `type` for execution errors, `extensions.code` for invalid documents. */
export interface GraphqlError {
  type?: string;
  message: string;
  path?: string[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

/** An answer with errors: HTTP 200, `data` as far as it got. */
export const refused = (errors: GraphqlError[], data: unknown = null): Reply => ({
  status: 200,
  body: data === null ? { errors } : { data, errors },
});

/** Who may see or write a repository, with REST's rules; the GraphQL error when not. */
export function repoAccess(
  world: World,
  full: string,
  grant: TokenGrant,
  need: Requirement,
  path: string,
): { repo: RepoState } | { error: GraphqlError } {
  const repo = world.state.repos[full.toLowerCase()];
  const visibility = { public: repo !== undefined && !repo.private };
  const access = repo ? checkPermission(grant, full, need, visibility) : "hidden";
  if (!repo || access === "hidden")
    return {
      error: {
        type: "NOT_FOUND",
        path: [path],
        message: `Could not resolve to a Repository with the name '${full}'.`,
      },
    };
  if (access === "denied")
    // GitHub Apps docs: an installation token without the permission is told so, as on REST.
    return { error: { type: "FORBIDDEN", path: [path], message: "Resource not accessible by integration" } };
  return { repo };
}

/** Variables of the wrong type: GitHub names the variable and what was wrong with it. */
export function invalidVariables(name: string, type: string, error: z.ZodError): Reply {
  const problem = error.issues[0];
  return refused([
    {
      extensions: {
        value: null,
        problems: error.issues.map((i) => ({ path: i.path, explanation: i.message })),
      },
      locations: [{ line: 1, column: 1 }],
      message: `Variable $${name} of type ${type} was provided invalid value${problem?.path.length ? ` for ${problem.path.join(".")}` : ""} (${problem?.message ?? "invalid"})`,
    },
  ]);
}
