// The yank's inputs, declared once: the yank action reads them from its `with:`, the CLI from its flags.
import { z } from "zod";
import { actionInputs } from "../../adapters/action-inputs.js";
import { extraTokenInputs, installationTokens } from "../../adapters/github/installation-clients.js";
import { environmentNameSchema } from "../../core/config/environment-name.js";
import { versionInputSchema } from "../../core/request/version.js";
import { yankReasonSchema } from "../../core/yank/yank-plan.js";

export const yankInputs = actionInputs(
  {
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    version: versionInputSchema,
    reason: yankReasonSchema,
    "dry-run": z.enum(["true", "false"]).default("false"),
    token: z.string().min(1),
    ...extraTokenInputs,
  },
  ({ dryRun, token2, token3, ...i }) => ({
    ...i,
    dryRun: dryRun === "true",
    /** Every installation's token: each downstream repo is reached with its owner's. */
    tokens: installationTokens({ token: i.token, token2, token3 }),
  }),
);

/** The yank's validated settings. */
export type YankSettings = z.output<typeof yankInputs.schema>;
