import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { ReleaseRelayError } from "../../core/errors.js";
import { asText, type Contexts, evaluateExpression } from "./expressions.js";

const actionMetadataSchema = z.object({
  name: z.string().optional(),
  inputs: z
    .record(
      z.string(),
      z.object({ required: z.boolean().optional(), default: z.unknown().optional() }).loose(),
    )
    .optional(),
  runs: z.object({ using: z.enum(["node20", "node24"]), main: z.string() }).loose(),
});

/** A JavaScript action from the workspace (`uses: ./path`), ready to run as the runner runs it. */
export interface LocalAction {
  main: string;
  inputEnv: Record<string, string>;
}

/**
 * Reads `./path/action.yml` from the job's workspace and builds the `INPUT_*` environment from
 * `with:` and the declared defaults (which may read contexts, like `${{ github.token }}`).
 */
export function loadLocalAction(
  workspace: string,
  uses: string,
  given: Record<string, string>,
  contexts: Contexts,
  where: string,
): LocalAction {
  const dir = resolve(workspace, uses);
  const file = ["action.yml", "action.yaml"].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file)
    throw new ReleaseRelayError(
      "E_RUNNER_STEP",
      `${where}: ${uses} has no action.yml (was the repo checked out first?)`,
      "add an actions/checkout step before using a local action",
    );
  const parsed = actionMetadataSchema.safeParse(parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new ReleaseRelayError(
      "E_RUNNER_UNSUPPORTED",
      `${where}: ${uses}/action.yml is not a node20/node24 JavaScript action the local runner can run`,
      "only JavaScript actions run locally",
    );
  const declared = parsed.data.inputs ?? {};
  for (const name of Object.keys(given))
    if (!(name in declared))
      throw new ReleaseRelayError(
        "E_RUNNER_STEP",
        `${where}: ${uses} has no input "${name}"`,
        "check the action's inputs",
      );
  const inputEnv: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    let value = given[name];
    if (value === undefined && spec.default !== undefined) {
      const raw = String(spec.default);
      const whole = /^\$\{\{(.*)\}\}$/s.exec(raw.trim());
      value = whole
        ? asText(evaluateExpression(whole[1] as string, contexts, { succeeded: true }, file), file)
        : raw;
    }
    if (value !== undefined) inputEnv[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  return { main: join(dir, parsed.data.runs.main), inputEnv };
}
