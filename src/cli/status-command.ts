import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import { serverUrlFor } from "../adapters/run-context.js";
import { ledgerKey } from "../core/config/environment.js";
import type { Config } from "../core/config/schema.js";
import { dashboardContext } from "../core/dashboard/context.js";
import { renderDashboardHtml } from "../core/dashboard/html.js";
import { renderDashboard } from "../core/dashboard/markdown.js";
import { ReleaseRelayError } from "../core/errors.js";
import { parseVersion } from "../core/request/version.js";
import { openKeptWorld } from "../rehearsal/kept-world.js";
import { readRelease } from "../steps/read-release.js";
import { defineCommand } from "./command-line/command.js";
import { githubAccess, readCommandConfig, SHARED_OPTIONS } from "./command-line/shared-options.js";

/**
 * `release-relay status <version>`: the release's dashboard from its ledger, for a real automation
 * repo (`--config`, token in GITHUB_TOKEN) or a kept rehearsal (`--keep DIR`); `--html FILE` writes
 * the HTML page too.
 */
export const statusCommand = defineCommand({
  name: "status",
  summary: "print a release's dashboard from its ledger (a real repo, or a kept rehearsal); --html too",
  positionals: [{ name: "VERSION", description: "the release's version (required)" }],
  options: {
    config: SHARED_OPTIONS.config,
    environment: SHARED_OPTIONS.environment,
    keep: { type: "string", value: "DIR", description: "read a kept rehearsal's world instead of GitHub" },
    html: { type: "string", value: "FILE", description: "write the HTML dashboard to FILE too" },
    "api-url": SHARED_OPTIONS["api-url"],
  },
  example: "GITHUB_TOKEN=$(gh auth token) release-relay status 8.0.2 --html status.html",
  run: async ({ values, positionals }, out) => {
    const [version] = positionals;
    if (!version)
      throw new ReleaseRelayError(
        "E_INPUT",
        "status needs the version",
        "e.g. release-relay status 8.0.2 --html status.html",
      );
    parseVersion(version);
    let config: Config;
    let github: GitHubClient;
    // The dashboard links only to pages of the GitHub server the release ran on.
    let serverUrl: string | undefined;
    let close = async () => {};
    if (values.keep) {
      const world = await openKeptWorld(resolve(values.keep));
      ({ config, close } = world);
      github = createGitHubClient({ token: world.token, baseUrl: world.apiUrl });
    } else {
      const { token, apiUrl } = githubAccess(
        values["api-url"],
        "export a token that may read the automation repo's contents",
      );
      config = await readCommandConfig(values.config as string, values.environment);
      github = createGitHubClient({ token, baseUrl: apiUrl });
      serverUrl = serverUrlFor(apiUrl);
    }
    const read = await readRelease(github, config.tracking.repo, ledgerKey(config, version)).finally(close);
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
  },
});
