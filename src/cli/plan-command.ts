import { ReleaseRelayError } from "../core/errors.js";
import { planRelease } from "../core/request/plan.js";
import { parseTag } from "../core/request/version.js";
import { defineCommand } from "./command-line/command.js";
import { CONFIG_ARGUMENT, readCommandConfig, SHARED_OPTIONS } from "./command-line/shared-options.js";

/** `release-relay plan [CONFIG] --tag 8.0.2 --sha <commit>`: the plan build-matrix would output, as JSON. */
export const planCommand = defineCommand({
  name: "plan",
  summary: "print the release plan (matrix, artifacts, downstreams) for a tag",
  positionals: [CONFIG_ARGUMENT],
  options: {
    config: SHARED_OPTIONS.config,
    environment: SHARED_OPTIONS.environment,
    tag: { type: "string", value: "TAG", description: "the release's tag (required)" },
    sha: { type: "string", value: "COMMIT", description: "the tagged commit, 40 hex characters (required)" },
    "requested-at": {
      type: "string",
      value: "TIME",
      description: "when the release was asked for, ISO 8601 (else now)",
    },
    "server-url": {
      type: "string",
      value: "URL",
      default: "https://github.com",
      description: "the GitHub server the plan's links point to",
    },
  },
  example: "release-relay plan --tag 8.0.2 --sha $(git rev-parse 8.0.2^{commit})",
  run: async ({ values }, out) => {
    if (!values.tag || !values.sha || !/^[0-9a-f]{40}$/.test(values.sha)) {
      throw new ReleaseRelayError(
        "E_INPUT",
        "plan needs --tag and a 40-character --sha",
        "e.g. --tag 8.0.2 --sha $(git rev-parse 8.0.2^{commit})",
      );
    }
    const config = await readCommandConfig(values.config as string, values.environment);
    const requestedAt = values["requested-at"] ?? new Date().toISOString();
    if (Number.isNaN(Date.parse(requestedAt))) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `--requested-at ${JSON.stringify(requestedAt)} is not a time`,
        "use ISO 8601, e.g. 2025-01-07T12:00:00Z",
      );
    }
    const version = parseTag(values.tag, config.tags.pattern);
    const plan = planRelease({
      config,
      version,
      commit: values.sha,
      requestedAt,
      serverUrl: values["server-url"] as string,
    });
    out(JSON.stringify(plan, null, 2));
    return 0;
  },
});
