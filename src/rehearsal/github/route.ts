import type { Requirement } from "./permissions.js";
import { type Reply, validationFailed } from "./replies.js";
import type { Request, World } from "./world.js";

/** One REST route: its template as in GitHub's docs, what it needs, whether it changes anything. */
export interface Route {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  template: string;
  need?: Requirement;
  /** A requirement that depends on the resource (a PR's comments take "Pull requests" write). */
  needFor?: (world: World, params: Record<string, string>) => Requirement | undefined;
  mutating: boolean;
  /** The body is bytes, not JSON (a release asset's upload). */
  rawBody?: boolean;
  handle: (world: World, req: Request) => Promise<Reply> | Reply;
}

export const read = (name: Requirement["name"]): Requirement => ({ name, level: "read" });
export const write = (name: Requirement["name"]): Requirement => ({ name, level: "write" });

/** A string field of a request body; a missing required one is GitHub's `missing_field`. */
export function field(body: Record<string, unknown>, name: string, resource: string, required: true): string;
export function field(
  body: Record<string, unknown>,
  name: string,
  resource: string,
  required?: false,
): string | undefined;
export function field(
  body: Record<string, unknown>,
  name: string,
  resource: string,
  required = false,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw validationFailed({ resource, field: name, code: "missing_field" });
    return undefined;
  }
  if (typeof value !== "string") throw validationFailed({ resource, field: name, code: "invalid" });
  return value;
}

/** GitHub's limit on issue, pull request and comment bodies. */
export const MAX_BODY = 65536;

export function checkBodyLength(body: string | undefined, resource: string): void {
  if (body !== undefined && body.length > MAX_BODY) {
    throw validationFailed({
      resource,
      field: "body",
      code: "custom",
      message: `body is too long (maximum is ${MAX_BODY} characters)`,
    });
  }
}

/** Page of a list per `per_page` / `page` query parameters (GitHub's defaults: 30, max 100). */
export function page<T>(items: readonly T[], query: URLSearchParams): T[] {
  const perPage = Math.min(100, Math.max(1, Number(query.get("per_page") ?? 30) || 30));
  const pageNo = Math.max(1, Number(query.get("page") ?? 1) || 1);
  return items.slice((pageNo - 1) * perPage, pageNo * perPage);
}
