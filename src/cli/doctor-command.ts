import { packagePin } from "../adapters/actions-pin.js";
import { fetchText } from "../adapters/doctor-probes.js";
import { createGitHubClient } from "../adapters/github/client.js";
import { createS3Client } from "../adapters/storage/s3.js";
import { renderDoctorReport } from "../core/setup/doctor.js";
import { runDoctor } from "../steps/doctor.js";
import { defineCommand } from "./command-line/command.js";
import {
  CONFIG_ARGUMENT,
  githubAccess,
  readCommandConfig,
  SHARED_OPTIONS,
} from "./command-line/shared-options.js";

/**
 * `release-relay doctor [CONFIG] [--api-url URL] [--skip-bucket] [--skip-signing] [--skip-files]`:
 * checks with the real APIs, before a release, that every repo release-relay.yml names exists and the
 * token (GITHUB_TOKEN) has each access the release needs, that the files `init` installed in the repos
 * are this version's, that the bucket takes a write, and that the signing key (from the environment
 * variable its secret is named after) loads and matches the published public key. Every problem is
 * listed at once, each with its fix; nothing is changed.
 */
export const doctorCommand = defineCommand({
  name: "doctor",
  summary:
    "check, before a release, every repo, token permission, installed file, the bucket and the signing key",
  positionals: [CONFIG_ARGUMENT],
  options: {
    config: SHARED_OPTIONS.config,
    environment: SHARED_OPTIONS.environment,
    "api-url": SHARED_OPTIONS["api-url"],
    "skip-bucket": { type: "boolean", default: false, description: "do not try a write to the bucket" },
    "skip-signing": { type: "boolean", default: false, description: "do not load the signing key" },
    "skip-files": {
      type: "boolean",
      default: false,
      description: "do not compare the files init installed with this version's",
    },
  },
  example:
    "GITHUB_TOKEN=<the release App's installation token> release-relay doctor release-relay.yml --skip-signing",
  run: async ({ values }, out) => {
    const config = await readCommandConfig(values.config as string, values.environment);
    const { token, apiUrl } = githubAccess(
      values["api-url"],
      "export the token the release uses (e.g. an installation token of the release App) as GITHUB_TOKEN",
    );
    const signing = config.signing;
    const findings = await runDoctor(config, {
      github: createGitHubClient({ token, baseUrl: apiUrl }),
      files: values["skip-files"] ? "skip" : "all",
      ownPin: await packagePin().then(
        (p) => p.pin,
        () => undefined,
      ),
      ...(values["skip-bucket"] ? {} : { s3: createS3Client(config.upload) }),
      ...(values["skip-signing"] || signing.method === "none"
        ? {}
        : {
            signing: {
              key: process.env[signing.keySecret],
              passphrase:
                signing.method === "gpg" && signing.passphraseSecret
                  ? process.env[signing.passphraseSecret]
                  : undefined,
              whenMissing: {
                check: "signing key loads",
                ok: false,
                problem: `${signing.keySecret} is not set in the environment`,
                fix: `export the signing key as ${signing.keySecret} (the secret's name), or pass --skip-signing`,
              },
            },
          }),
      fetchText,
    });
    out(renderDoctorReport(findings));
    return findings.every((f) => f.ok) ? 0 : 1;
  },
});
