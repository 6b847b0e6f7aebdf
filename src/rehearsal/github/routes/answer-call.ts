// How GitHub answers a call to one of its routes: who calls, whether the token may, the JSON body,
// then the route's own handler. Any error becomes GitHub's error reply.
import { checkPermission, readableByAnyone, type TokenGrant } from "../permissions.js";
import { errorReply, HttpError, type Reply } from "../replies.js";
import { type Route, write } from "../route.js";
import type { World } from "../world.js";

export interface Call {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Buffer[];
  /** The Accept header: a release asset's bytes are asked for with application/octet-stream. */
  accept?: string | undefined;
  /** The Content-Type header of a raw upload. */
  contentType?: string | undefined;
  /** Whether the call carried a token at all, known to the emulator or not. */
  hasToken: boolean;
  grant: TokenGrant | undefined;
}

export async function answerCall(world: World, route: Route, call: Call): Promise<Reply> {
  const { method, params, grant } = call;
  try {
    if (call.hasToken && !grant) throw new HttpError(401, "Bad credentials");
    const repo =
      params.owner && params.repo
        ? world.state.repos[`${params.owner}/${params.repo}`.toLowerCase()]
        : undefined;
    const need = (repo && route.needFor?.(world, params)) || route.need;
    const visibility = { public: repo !== undefined && !repo.private };
    // GitHub serves a public repository's contents, branches and tarballs without authentication
    // (REST docs of each: "This endpoint can be used without authentication or the aforementioned
    // permissions if only public resources are requested"); any other call without a token is 401.
    if (!grant && !(method === "GET" && readableByAnyone(need, visibility)))
      throw new HttpError(401, "Requires authentication");
    if (grant && params.owner && params.repo) {
      const access = checkPermission(grant, `${params.owner}/${params.repo}`, need, visibility);
      if (access === "hidden") throw new HttpError(404, "Not Found");
      if (access === "denied") throw new HttpError(403, "Resource not accessible by integration");
    }
    let body: Record<string, unknown> = {};
    if (call.body.length > 0 && !route.rawBody) {
      try {
        body = JSON.parse(Buffer.concat(call.body).toString("utf8"));
      } catch {
        throw new HttpError(400, "Problems parsing JSON");
      }
    }
    const canPush =
      grant !== undefined &&
      repo !== undefined &&
      checkPermission(grant, `${params.owner}/${params.repo}`, write("contents"), visibility) === "granted";
    return await route.handle(world, {
      params,
      query: call.query,
      body,
      ...(route.rawBody ? { raw: Buffer.concat(call.body), contentType: call.contentType } : {}),
      accept: call.accept,
      login: grant?.login ?? "",
      canPush,
    });
  } catch (error) {
    return errorReply(error);
  }
}
