import * as core from "@actions/core";
import { z } from "zod";
import { actionInputs, readInputs } from "../adapters/action-inputs.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import { renderPlanSummary } from "../core/request/plan-summary.js";
import { type PlanSettings, planInRun } from "../steps/plan.js";

const inputs = actionInputs(
  {
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    token: z.string().min(1, { error: "a token that may read the source repo and the ledger is required" }),
    payload: z.string().optional(),
    version: z.string().optional(),
    sha: z
      .string()
      .regex(/^[0-9a-f]{40}$/, { error: "expected a 40-character commit sha" })
      .optional(),
    "requested-at": z.iso
      .datetime({ error: "expected an ISO 8601 UTC time like 2025-01-07T12:00:00Z" })
      .optional(),
  },
  (i, ctx): PlanSettings => {
    if ((i.payload === undefined) === (i.version === undefined))
      ctx.addIssue({
        code: "custom",
        message: "give exactly one of `payload` (the release-requested client_payload) or `version`",
        input: i,
      });
    return i;
  },
);

/** Entry point of actions/build-matrix: the plan stage. */
export async function main(): Promise<void> {
  const settings = readInputs(inputs);
  core.setSecret(settings.token);
  const plan = await planInRun(settings, core.info, (line, version) => {
    // No plan, matrix or version output is written for a refused request.
    core.setOutput("refused", JSON.stringify(line));
    core.setOutput("refused-version", version.version);
  });
  core.setOutput("matrix", JSON.stringify(plan.matrix));
  core.setOutput("version", plan.version);
  core.setOutput("prerelease", String(plan.prerelease));
  core.setOutput("release-id", plan.releaseId);
  core.setOutput("environment", plan.environment ?? "");
  core.setOutput("plan", JSON.stringify(plan));
  await core.summary.addRaw(renderPlanSummary(plan)).write();
}
