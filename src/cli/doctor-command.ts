import { createSigner } from "../actions/sign-upload.js";
import { readConfigFile } from "../adapters/config-file.js";
import { probeBucket, probeRepo, probeSigningKey } from "../adapters/doctor-probes.js";
import { blobSha } from "../adapters/downstream-pr.js";
import { createGitHubClient } from "../adapters/github.js";
import { readRepoTree } from "../adapters/repo-tree.js";
import { createS3Client } from "../adapters/s3.js";
import { type DoctorFinding, installedFilesFinding, renderDoctorReport, repoNeeds } from "../core/doctor.js";
import { ReleaseRelayError } from "../core/errors.js";
import { githubAccess, parseFlags } from "./cli-args.js";
import { installedFilesByRepo } from "./installed-files.js";
import type { Command } from "./main.js";

/**
 * `release-relay doctor [--config FILE] [--api-url URL] [--skip-bucket] [--skip-signing] [--skip-files]`:
 * checks with the real APIs, before a release, that every repo release-relay.yml names exists and the
 * token (GITHUB_TOKEN) has each access the release needs, that the files `init` installed in the repos
 * are this version's, that the bucket takes a write, and that the signing key (from the environment
 * variable its secret is named after) loads and matches the published public key. Every problem is
 * listed at once, each with its fix; nothing is changed.
 */
export const doctorCommand: Command = async (args, out) => {
  const { values } = parseFlags(
    args,
    {
      config: { type: "string", default: "release-relay.yml" },
      environment: { type: "string" },
      "api-url": { type: "string" },
      "skip-bucket": { type: "boolean", default: false },
      "skip-signing": { type: "boolean", default: false },
      "skip-files": { type: "boolean", default: false },
    },
    "doctor",
  );
  const config = await readConfigFile(values.config as string, values.environment);
  const { token, apiUrl } = githubAccess(
    values["api-url"],
    "export the token the release uses (e.g. an installation token of the release App) as GITHUB_TOKEN",
  );
  const github = createGitHubClient({ token, baseUrl: apiUrl });
  const findings: DoctorFinding[] = [];
  for (const need of repoNeeds(config)) findings.push(...(await probeRepo(github, need)));
  if (!values["skip-files"])
    for (const [repo, files] of await installedFilesByRepo(config)) {
      const actual = await readRepoTree(github, repo);
      // A repo that cannot be read is already reported by the checks above.
      if (actual)
        findings.push(
          installedFilesFinding(repo, new Map([...files].map(([p, text]) => [p, blobSha(text)])), actual),
        );
    }
  if (!values["skip-bucket"])
    findings.push(
      ...(await probeBucket(createS3Client(config.upload), config.upload.bucket, config.upload.prefix)),
    );
  if (!values["skip-signing"] && config.signing.method !== "none") {
    const signing = config.signing;
    const publicKeyUrl = signing.method === "ed25519" ? signing.publicKeyUrl : undefined;
    findings.push(
      ...(await probeSigningKey(
        async () => {
          if (!process.env[signing.keySecret])
            throw new ReleaseRelayError(
              "E_INPUT",
              `${signing.keySecret} is not set in the environment`,
              `export the signing key as ${signing.keySecret} (the secret's name), or pass --skip-signing`,
            );
          return createSigner(
            config,
            process.env[signing.keySecret],
            signing.method === "gpg" && signing.passphraseSecret
              ? process.env[signing.passphraseSecret]
              : undefined,
          );
        },
        publicKeyUrl
          ? {
              url: publicKeyUrl,
              text: async () => {
                const response = await fetch(publicKeyUrl);
                if (!response.ok) throw new Error(`HTTP ${response.status}`);
                return response.text();
              },
            }
          : undefined,
      )),
    );
  }
  out(renderDoctorReport(findings));
  return findings.every((f) => f.ok) ? 0 : 1;
};
