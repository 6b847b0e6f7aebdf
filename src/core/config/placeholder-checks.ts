import type { z } from "zod";
import { findPlaceholders } from "../downstream/template.js";
import { closest } from "../inputs/closest-name.js";

type Ctx = z.core.$RefinementCtx<unknown>;

/**
 * Reports each placeholder of `template` that is not `allowed`, with the closest allowed name or the
 * list of them; true when there was none.
 */
export function checkPlaceholders(
  template: string,
  allowed: readonly string[],
  path: (string | number)[],
  ctx: Ctx,
): boolean {
  let known = true;
  for (const name of findPlaceholders(template)) {
    if (!allowed.includes(name)) {
      known = false;
      const guess = closest(name, allowed);
      ctx.addIssue({
        code: "custom",
        path,
        message: guess
          ? `unknown placeholder {${name}} — did you mean {${guess}}?`
          : `unknown placeholder {${name}}; use ${allowed.map((p) => `{${p}}`).join(", ")}`,
      });
    }
  }
  return known;
}
