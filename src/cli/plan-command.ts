import { readConfigFile } from "../adapters/config-file.js";
import { ReleaseRelayError } from "../core/errors.js";
import { planRelease } from "../core/request/plan.js";
import { parseTag } from "../core/request/version.js";
import type { Command } from "./cli-args.js";
import { parseFlags } from "./cli-args.js";

/** `release-relay plan --tag 8.0.2 --sha <commit>`: the plan build-matrix would output, as JSON. */
export const planCommand: Command = async (args, out) => {
  const { values } = parseFlags(
    args,
    {
      config: { type: "string", default: "release-relay.yml" },
      environment: { type: "string" },
      tag: { type: "string" },
      sha: { type: "string" },
      "requested-at": { type: "string" },
      "server-url": { type: "string", default: "https://github.com" },
    },
    "plan",
  );
  if (!values.tag || !values.sha || !/^[0-9a-f]{40}$/.test(values.sha)) {
    throw new ReleaseRelayError(
      "E_INPUT",
      "plan needs --tag and a 40-character --sha",
      "e.g. --tag 8.0.2 --sha $(git rev-parse 8.0.2^{commit})",
    );
  }
  const config = await readConfigFile(values.config as string, values.environment);
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
};
