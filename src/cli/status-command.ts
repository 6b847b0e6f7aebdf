import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readConfigFile } from "../adapters/config-file.js";
import { serverUrlFor } from "../adapters/run-context.js";
import { applyEnvironment, ledgerKey } from "../core/config/environment.js";
import { parseConfig } from "../core/config/parse.js";
import type { Config } from "../core/config/schema.js";
import { dashboardContext } from "../core/dashboard/context.js";
import { renderDashboardHtml } from "../core/dashboard/html.js";
import { renderDashboard } from "../core/dashboard/markdown.js";
import { ReleaseRelayError } from "../core/errors.js";
import { parseVersion } from "../core/request/version.js";
import { GitHubEmulator } from "../rehearsal/github/emulator.js";
import { readRelease } from "../rehearsal/rehearsal-outcome.js";
import type { Command } from "./cli-args.js";
import { githubAccess, parseFlags } from "./cli-args.js";

/** Reads a release from a kept rehearsal: its emulator state served again, read through the API. */
async function fromKeptWorld(dir: string, version: string) {
  const world = JSON.parse(readFileSync(join(dir, "world.json"), "utf8")) as {
    credentials: { maintainerToken: string };
    environment?: string;
  };
  const config = applyEnvironment(
    parseConfig(readFileSync(join(dir, "release-relay.yml"), "utf8")),
    world.environment,
  );
  const emulator = new GitHubEmulator({ dir });
  await emulator.start();
  try {
    emulator.loadState(readFileSync(join(dir, "emulator-state.json"), "utf8"));
    emulator.addToken(world.credentials.maintainerToken, {
      login: "status-reader",
      repos: { [config.tracking.repo]: ["contents:read"] },
    });
    return {
      config,
      ...(await readRelease(
        emulator.url,
        world.credentials.maintainerToken,
        config.tracking.repo,
        ledgerKey(config, version),
      )),
    };
  } finally {
    await emulator.stop();
  }
}

/**
 * `release-relay status <version>`: the release's dashboard from its ledger, for a real automation
 * repo (`--config`, token in GITHUB_TOKEN) or a kept rehearsal (`--keep DIR`); `--html FILE` writes
 * the HTML page too.
 */
export const statusCommand: Command = async (args, out) => {
  const { values, positionals } = parseFlags(
    args,
    {
      config: { type: "string", default: "release-relay.yml" },
      environment: { type: "string" },
      keep: { type: "string" },
      html: { type: "string" },
      "api-url": { type: "string" },
    },
    "status",
  );
  const [version] = positionals;
  if (!version)
    throw new ReleaseRelayError(
      "E_INPUT",
      "status needs the version",
      "e.g. release-relay status 8.0.2 --html status.html",
    );
  parseVersion(version);
  let config: Config;
  let read: Awaited<ReturnType<typeof readRelease>>;
  // The dashboard links only to pages of the GitHub server the release ran on.
  let serverUrl: string | undefined;
  if (values.keep) {
    ({ config, ...read } = await fromKeptWorld(resolve(values.keep), version));
  } else {
    const { token, apiUrl } = githubAccess(
      values["api-url"],
      "export a token that may read the automation repo's contents",
    );
    config = await readConfigFile(values.config as string, values.environment);
    read = await readRelease(apiUrl, token, config.tracking.repo, ledgerKey(config, version));
    serverUrl = serverUrlFor(apiUrl);
  }
  if (read.snapshot.events.length === 0)
    throw new ReleaseRelayError(
      "E_LEDGER",
      `no ledger for ${version} in ${config.tracking.repo}`,
      "check the version, or that the release was requested",
    );
  const ctx = dashboardContext(config, version, read.snapshot.head, serverUrl);
  out(
    renderDashboard(read.state, ctx)
      .replace(/<!--[\s\S]*?-->\n?/g, "")
      .trim(),
  );
  if (values.html) {
    await writeFile(
      values.html,
      renderDashboardHtml(read.state, ctx, { title: `${config.project} ${version}` }),
    );
    out(`\nHTML dashboard: ${resolve(values.html)}`);
  }
  return 0;
};
