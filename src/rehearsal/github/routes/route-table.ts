// Which route a request is for: every REST route the emulator serves, matched by its template.
import type { Route } from "../route.js";
import { checkRoutes } from "./checks.js";
import { gitRoutes } from "./git.js";
import { issueRoutes } from "./issues.js";
import { pullRoutes } from "./pulls.js";
import { releaseAssetRoutes } from "./release-assets.js";
import { releaseRoutes } from "./releases.js";
import { repoRoutes } from "./repos.js";
import { runRoutes } from "./runs.js";

/** Every REST route the emulator serves. */
export const ROUTES: readonly Route[] = [
  ...repoRoutes,
  ...issueRoutes,
  ...pullRoutes,
  ...gitRoutes,
  ...checkRoutes,
  ...releaseRoutes,
  ...releaseAssetRoutes,
  ...runRoutes,
];

// Path parameters that may hold slashes (refs, file paths) match greedily; numbers match digits only.
const GREEDY = new Set(["ref", "path", "branch"]);
const compiled = ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    if (GREEDY.has(name)) return "(.+)";
    if (/_number$|_id$/.test(name) && name !== "workflow_id") return "(\\d+)";
    return "([^/]+)";
  });
  return { route, names, re: new RegExp(`^${source}$`) };
});

/** The route of a request and its path parameters; undefined when no route serves it. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.re.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] as string);
      });
      return { route: c.route, params };
    }
  }
  return undefined;
}
