import { existsSync } from "node:fs";
import { readConfigFile } from "../../adapters/config-file.js";
import type { Config } from "../../core/config/schema.js";
import { ReleaseRelayError } from "../../core/errors.js";

const DEFAULT_CONFIG = "release-relay.yml";

/** The options several commands share, described once. */
export const SHARED_OPTIONS = {
  config: {
    type: "string",
    value: "FILE",
    default: DEFAULT_CONFIG,
    description: "the release-relay.yml to read",
  },
  environment: {
    type: "string",
    value: "NAME",
    description: "the config as it applies in this environment (production when absent)",
  },
  "api-url": {
    type: "string",
    value: "URL",
    description: "GitHub's API address (else GITHUB_API_URL, else https://api.github.com)",
  },
} as const;

/** `validate typo.yml` is `validate --config typo.yml`, in every command that reads only a config. */
export const CONFIG_ARGUMENT = {
  name: "CONFIG",
  description: "the release-relay.yml to read",
  option: "config",
};

/** Reads the config a command was given; a path that is not there is refused, naming it. */
export async function readCommandConfig(path: string, environment?: string): Promise<Config> {
  if (!existsSync(path))
    throw new ReleaseRelayError(
      "E_CONFIG",
      `${path}: no such file`,
      path === DEFAULT_CONFIG
        ? "run it where release-relay.yml is, give the config's path (positionally or with --config), or write one with `release-relay init`"
        : "check the path; the config is given positionally or with --config",
    );
  return readConfigFile(path, environment);
}

/** The GitHub token and API address a command that calls GitHub uses: GITHUB_TOKEN (or GH_TOKEN), --api-url or GITHUB_API_URL. */
export function githubAccess(
  apiUrlFlag: string | undefined,
  tokenHint: string,
): { token: string; apiUrl: string } {
  const token = process.env.GITHUB_TOKEN ?? process.env.GH_TOKEN;
  if (!token) throw new ReleaseRelayError("E_INPUT", "no token in GITHUB_TOKEN (or GH_TOKEN)", tokenHint);
  return { token, apiUrl: apiUrlFlag ?? process.env.GITHUB_API_URL ?? "https://api.github.com" };
}
