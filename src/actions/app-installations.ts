// The App installations a release's repos need tokens from, for the steps that mint them
// (actions/create-github-app-token: one `owner` + `repositories` per installation).
import * as core from "@actions/core";
import { z } from "zod";
import { actionInputs, readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import { installationsOf, MAX_INSTALLATIONS } from "../core/config/installations.js";

const inputs = actionInputs({
  "config-path": z.string().default("release-relay.yml"),
  environment: environmentNameSchema.optional(),
});

/** Outputs owner-N and repositories-N (comma-separated names) for N = 1..3; empty past the last one. */
export async function main(): Promise<void> {
  const settings = readInputs(inputs);
  const config = await readConfigFile(settings.configPath, settings.environment);
  const installations = installationsOf(config);
  for (let n = 1; n <= MAX_INSTALLATIONS; n++) {
    const i = installations[n - 1];
    core.setOutput(`owner-${n}`, i?.owner ?? "");
    core.setOutput(`repositories-${n}`, i?.repositories.join(",") ?? "");
  }
  core.info(
    installations.map((i, n) => `token ${n + 1}: ${i.owner}/{${i.repositories.join(",")}}`).join("\n"),
  );
}
