// The App installations a release's repos need tokens from, for the steps that mint them
// (actions/create-github-app-token: one `owner` + `repositories` per installation).
import * as core from "@actions/core";
import { z } from "zod";
import { actionInputs, readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import { installationsOf, MAX_INSTALLATIONS } from "../core/config/installations.js";
import { githubReleaseRepo } from "../core/github-release/wanted-release.js";

const inputs = actionInputs({
  "config-path": z.string().default("release-relay.yml"),
  environment: environmentNameSchema.optional(),
});

/**
 * Outputs owner-N and repositories-N (comma-separated names) for N = 1..3, empty past the last one;
 * release-owner and release-repository: the repo whose GitHub Release is kept, or empty;
 * release-uploads: "true" when that release also carries the files as its own assets.
 */
export async function main(): Promise<void> {
  const settings = readInputs(inputs);
  const config = await readConfigFile(settings.configPath, settings.environment);
  const installations = installationsOf(config);
  for (let n = 1; n <= MAX_INSTALLATIONS; n++) {
    const i = installations[n - 1];
    core.setOutput(`owner-${n}`, i?.owner ?? "");
    core.setOutput(`repositories-${n}`, i?.repositories.join(",") ?? "");
  }
  // The source repo's GitHub Release is written with a token of its own, for that repo alone.
  const release = githubReleaseRepo(config);
  core.setOutput("release-owner", release?.split("/")[0] ?? "");
  core.setOutput("release-repository", release?.split("/")[1] ?? "");
  core.setOutput("release-uploads", release && config.githubRelease?.assets === "upload" ? "true" : "");
  core.info(
    installations.map((i, n) => `token ${n + 1}: ${i.owner}/{${i.repositories.join(",")}}`).join("\n"),
  );
}
