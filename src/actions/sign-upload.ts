import * as core from "@actions/core";
import { z } from "zod";
import { actionInputs, readInputs } from "../adapters/action-inputs.js";
import { isSignatureFile, renderPublishedSummary } from "../core/artifacts/publication.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import { versionInputSchema } from "../core/request/version.js";
import { type PublishSettings, publish } from "../steps/publish.js";

const inputs = actionInputs({
  artifacts: z.string().min(1),
  "config-path": z.string().default("release-relay.yml"),
  environment: environmentNameSchema.optional(),
  version: versionInputSchema,
  "hashes-file": z.string().min(1, { error: "pass the hashes-file output of compute-hashes" }),
  "signing-key": z.string().optional(),
  "signing-passphrase": z.string().optional(),
  bucket: z.string().optional(),
  prefix: z.string().optional(),
  region: z.string().optional(),
  endpoint: z.url().optional(),
  plan: z.string().optional(),
});

/** Entry point of actions/sign-upload. */
export async function main(): Promise<void> {
  const settings: PublishSettings = readInputs(inputs);
  for (const secret of [settings.signingKey, settings.signingPassphrase]) if (secret) core.setSecret(secret);
  const published = await publish(settings, process.env.GITHUB_WORKSPACE ?? process.cwd());
  core.setOutput("uploaded", JSON.stringify(published));
  core.setOutput(
    "signatures",
    JSON.stringify(published.filter((p) => isSignatureFile(p.name)).map((p) => p.name)),
  );
  core.setOutput("outcome", published.some((p) => p.outcome === "created") ? "created" : "unchanged");
  await core.summary.addRaw(renderPublishedSummary(published)).write();
}
