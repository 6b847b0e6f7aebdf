// One GitHub client per App installation: the n-th token the workflow minted is the n-th
// installation's (core/installations), and each repo is reached with its owner's token.
import { z } from "zod";
import { installationIndexOf, installationsOf } from "../../core/config/installations.js";
import type { Config } from "../../core/config/schema.js";
import { ReleaseRelayError } from "../../core/errors.js";
import type { GitHubClient } from "./client.js";

/** The client for each repo of the release, by its installation's token. */
export type ClientFor = (repo: string) => GitHubClient;

export function installationClients(
  config: Pick<Config, "tracking" | "downstream">,
  tokens: readonly (string | undefined)[],
  make: (token: string) => GitHubClient,
): ClientFor {
  const installations = installationsOf(config);
  const clients = tokens.map((t) => (t ? make(t) : undefined));
  return (repo) => {
    const index = installationIndexOf(installations, repo);
    const client = clients[Math.max(0, index)];
    if (client) return client;
    const installation = installations[index];
    throw new ReleaseRelayError(
      "E_TOKEN",
      `no token for ${repo}: it belongs to ${installation?.owner ?? "an owner"}'s installation of the App, token-${index + 1}`,
      `mint token-${index + 1} with create-github-app-token (owner: ${installation?.owner}, repositories: ${installation?.repositories.join(",")}) and pass it, as the templates do`,
    );
  };
}

/** The tokens of the second and third App installation (see installationsOf), beside `token`. */
export const extraTokenInputs = {
  "token-2": z.string().min(1).optional(),
  "token-3": z.string().min(1).optional(),
};

/** Every installation's token, in installationsOf order: `token`, then `token-2` and `token-3`. */
export function installationTokens(i: {
  token: string;
  token2?: string | undefined;
  token3?: string | undefined;
}): (string | undefined)[] {
  return [i.token, i.token2, i.token3];
}
