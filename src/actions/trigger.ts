import * as core from "@actions/core";
import { z } from "zod";
import { actionInputs, readInputs } from "../adapters/action-inputs.js";
import { readRunContext } from "../adapters/run-context.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import { RELEASE_REQUESTED } from "../core/request/release-requested.js";
import { type RequestSettings, requestDeps, requestRelease } from "../steps/request.js";

const inputs = actionInputs(
  {
    "automation-repo": z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+$/, { error: 'expected "owner/name" of the automation repo' }),
    token: z.string().min(1, { error: "a token that may dispatch to the automation repo is required" }),
    "source-token": z.string().min(1).optional(),
    tag: z.string().optional(),
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    "override-reason": z
      .string()
      .trim()
      .max(500, { error: "keep override-reason under 500 characters" })
      .optional(),
  },
  (i): RequestSettings => ({
    ...i,
    sourceToken: i.sourceToken ?? i.token,
    overrideReason: i.overrideReason || undefined,
  }),
);

/** Entry point of the root action.yml: the request stage. */
export async function main(): Promise<void> {
  const settings = readInputs(inputs);
  core.setSecret(settings.token);
  core.setSecret(settings.sourceToken);
  const context = readRunContext();
  const payload = await requestRelease(settings, context, requestDeps(settings, context, core.info));
  core.setOutput("release-id", payload.releaseId);
  core.setOutput("version", payload.version);
  core.setOutput("payload", JSON.stringify(payload));
  core.info(
    `Sent ${RELEASE_REQUESTED} for ${payload.releaseId} (${payload.sha.slice(0, 12)}) to ${settings.automationRepo}`,
  );
}
