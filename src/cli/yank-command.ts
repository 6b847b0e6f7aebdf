import { userInfo } from "node:os";
import { resolve } from "node:path";
import { createGitHubClient } from "../adapters/github/client.js";
import { serverUrlFor } from "../adapters/run-context.js";
import { createS3Client } from "../adapters/storage/s3.js";
import { ReleaseRelayError } from "../core/errors.js";
import { describeIssues } from "../core/inputs/validation-issues.js";
import { yankRelease } from "../steps/yank/yank.js";
import { yankInputs } from "../steps/yank/yank-inputs.js";
import { defineCommand } from "./command-line/command.js";
import { githubAccess, readCommandConfig, SHARED_OPTIONS } from "./command-line/shared-options.js";

/**
 * `release-relay yank <version> --reason TEXT [--dry-run] [--by NAME] [--config FILE]
 * [--environment NAME] [--api-url URL]`: yanks a release with the token in GITHUB_TOKEN and the
 * standard AWS credentials, as the yank workflow does; with `--keep DIR`, a kept rehearsal's release
 * through that world's own yank workflow, GitHub and S3 (no token, no AWS). Exit 1 while any part
 * needs attention.
 */
export const yankCommand = defineCommand({
  name: "yank",
  summary:
    "yank a release: close or revert its downstream PRs, move its files under yanked/ (--dry-run shows it first)",
  positionals: [{ name: "VERSION", description: "the release to yank (required)" }],
  options: {
    reason: {
      type: "string",
      value: "TEXT",
      description: "why, for the tracking issue and the PRs (required)",
    },
    "dry-run": { type: "boolean", default: false, description: "say what would be done, change nothing" },
    by: { type: "string", value: "NAME", description: "who yanks (else GITHUB_ACTOR, else your user name)" },
    config: SHARED_OPTIONS.config,
    environment: SHARED_OPTIONS.environment,
    "api-url": SHARED_OPTIONS["api-url"],
    keep: {
      type: "string",
      value: "DIR",
      description: "yank a kept rehearsal's release (rehearse --keep DIR) through its yank workflow",
    },
  },
  example: 'release-relay yank 8.0.2 --reason "the arm64 build crashes on start" --dry-run',
  run: async ({ values, positionals }, out) => {
    // A kept world's yank runs with the world's own tokens and S3: it needs no token of the user's.
    const access = values.keep
      ? undefined
      : githubAccess(
          values["api-url"],
          "export a token with Contents and Issues write on the automation repo, Contents and Pull requests write on the downstream repos",
        );
    const parsed = yankInputs.schema.safeParse({
      version: positionals[0],
      reason: values.reason,
      "dry-run": String(values["dry-run"]),
      "config-path": values.config,
      ...(values.environment ? { environment: values.environment } : {}),
      token: access?.token ?? "kept-world",
    });
    if (!parsed.success)
      throw new ReleaseRelayError(
        "E_INPUT",
        describeIssues(parsed.error.issues)
          .map((l) => l.replace(/^reason\b/, "--reason"))
          .join("; "),
        'e.g. release-relay yank 8.0.2 --reason "the arm64 build crashes on start" --dry-run',
      );
    if (values.keep) {
      // Loaded when used: the rehearsal's workflow parser loads only from the bundle, not from the sources.
      const { yankKeptWorld } = await import("../rehearsal/yank-kept-world.js");
      const dir = resolve(values.keep);
      const result = await yankKeptWorld(dir, parsed.data);
      out(result.text);
      out(
        `\nWorld: ${dir} (its dashboard: release-relay status ${parsed.data.version} --keep ${values.keep})`,
      );
      return result.failed ? 1 : 0;
    }
    const { token, apiUrl } = access as { token: string; apiUrl: string };
    const settings = parsed.data;
    const config = await readCommandConfig(settings.configPath, settings.environment);
    const result = await yankRelease(settings, config, {
      github: createGitHubClient({ token, baseUrl: apiUrl }),
      s3: createS3Client(config.upload),
      run: {
        runId: `cli-${Date.now()}`,
        runUrl: undefined,
        serverUrl: serverUrlFor(apiUrl),
        actor: values.by ?? process.env.GITHUB_ACTOR ?? userInfo().username,
      },
      now: () => new Date(),
    });
    out(result.text);
    return result.failed ? 1 : 0;
  },
});
