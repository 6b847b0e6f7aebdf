import * as core from "@actions/core";
import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { readInputs } from "../adapters/action-inputs.js";
import { readConfigFile } from "../adapters/config-file.js";
import {
  fetchText,
  probeBucket,
  probePublishedKey,
  probeRepo,
  probeSigningKey,
} from "../adapters/doctor-probes.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import {
  type ClientFor,
  EXTRA_TOKEN_INPUTS,
  extraTokenInputs,
  installationClients,
  installationTokens,
} from "../adapters/github/installation-clients.js";
import { readRepoTree } from "../adapters/github/repo-tree.js";
import { installedFileShas } from "../adapters/package-files.js";
import { readRunContext } from "../adapters/run-context.js";
import { createS3Client } from "../adapters/storage/s3.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import {
  type DoctorFinding,
  generatorFindings,
  installedFilesFinding,
  renderDoctorReport,
  repoNeeds,
  sourceFindings,
} from "../core/setup/doctor.js";
import { INSTALLED_FILES, installedFilesByRepo } from "../core/setup/installed-files.js";
import { createSigner } from "./sign-upload.js";

/** What the doctor checks with, and what it leaves out (an absent part is not checked). */
export interface DoctorDeps {
  github: GitHubClient;
  /** Each repo's client, by its owner's installation token (default: github for all). */
  clientFor?: ClientFor | undefined;
  /**
   * Compares the files init installed in each repo with this version's. "release-gate": vendored code
   * of another version fails only in the automation repo (the release runs it); elsewhere (the trigger
   * that already sent this release) it warns.
   */
  files: "all" | "release-gate" | "skip";
  s3?: S3Client;
  signing?: {
    key: string | undefined;
    passphrase: string | undefined;
    /** What is reported when the key is not given. */
    whenMissing: DoctorFinding;
  };
  /** Reads the published public key (signing.public-key-url). */
  fetchText: (url: string) => Promise<string>;
}

/** Every check of `release-relay doctor`, with the real APIs; nothing is changed. */
export async function runDoctor(config: Config, deps: DoctorDeps): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  const defaultBranches = new Map<string, string>();
  const privateRepos = new Set<string>();
  for (const need of repoNeeds(config)) {
    let client: GitHubClient;
    try {
      client = deps.clientFor?.(need.repo) ?? deps.github;
    } catch (error) {
      // No token for this repo's owner: said like any other problem, with its fix.
      const e = error as ReleaseRelayError;
      findings.push({ check: `${need.repo}: token`, ok: false, problem: e.message, fix: e.hint ?? "" });
      continue;
    }
    const probed = await probeRepo(client, need);
    findings.push(...probed.findings);
    if (probed.defaultBranch) defaultBranches.set(need.repo, probed.defaultBranch);
    if (probed.private) privateRepos.add(need.repo.toLowerCase());
  }
  findings.push(...sourceFindings(config, privateRepos), ...generatorFindings(config, privateRepos));
  if (deps.files !== "skip") {
    const shas = await installedFileShas(INSTALLED_FILES);
    for (const [repo, expected] of installedFilesByRepo(config, (f) => shas.get(f) as string)) {
      const branch = defaultBranches.get(repo);
      // A repo whose token is missing has no branch here: it was reported above.
      const actual = branch && (await readRepoTree(deps.clientFor?.(repo) ?? deps.github, repo, branch));
      // A repo that cannot be read is already reported by the checks above.
      if (actual) {
        const strict = deps.files === "all" || repo === config.tracking.repo;
        findings.push(installedFilesFinding(repo, expected, actual, strict ? "fail" : "warn"));
      }
    }
  }
  if (deps.s3) findings.push(...(await probeBucket(deps.s3, config.upload.bucket, config.upload.prefix)));
  const signing = deps.signing;
  if (signing && config.signing.method !== "none") {
    if (!signing.key) {
      findings.push(signing.whenMissing);
      const publicKeyUrl = config.signing.method === "ed25519" ? config.signing.publicKeyUrl : undefined;
      if (publicKeyUrl)
        findings.push(await probePublishedKey(publicKeyUrl, () => deps.fetchText(publicKeyUrl)));
    } else {
      const publicKeyUrl = config.signing.method === "ed25519" ? config.signing.publicKeyUrl : undefined;
      findings.push(
        ...(await probeSigningKey(
          () => createSigner(config, signing.key, signing.passphrase),
          publicKeyUrl ? { url: publicKeyUrl, text: () => deps.fetchText(publicKeyUrl) } : undefined,
        )),
      );
    }
  }
  return findings;
}

const INPUTS = [
  "config-path",
  "environment",
  "token",
  "signing-key",
  "signing-passphrase",
  "bucket",
  ...EXTRA_TOKEN_INPUTS,
] as const;

const inputsSchema = z
  .object({
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    token: z.string().min(1),
    ...extraTokenInputs,
    "signing-key": z.string().optional(),
    "signing-passphrase": z.string().optional(),
    bucket: z.enum(["probe", "skip"]).default("probe"),
  })
  .transform((i) => ({
    configPath: i["config-path"],
    environment: i.environment,
    token: i.token,
    tokens: installationTokens(i),
    signingKey: i["signing-key"],
    signingPassphrase: i["signing-passphrase"],
    probeBucket: i.bucket === "probe",
  }));

/** The doctor action: the release workflow's first job; it fails listing every problem with its fix. */
export async function main(): Promise<void> {
  const settings = readInputs(inputsSchema, INPUTS);
  for (const secret of [...settings.tokens, settings.signingKey, settings.signingPassphrase])
    if (secret) core.setSecret(secret);
  const context = readRunContext();
  const config = await readConfigFile(settings.configPath, settings.environment);
  const findings = await runDoctor(config, {
    github: createGitHubClient({ token: settings.token, baseUrl: context.apiUrl }),
    clientFor: installationClients(config, settings.tokens, (token) =>
      createGitHubClient({ token, baseUrl: context.apiUrl }),
    ),
    files: "release-gate",
    ...(settings.probeBucket ? { s3: createS3Client(config.upload) } : {}),
    signing: {
      key: settings.signingKey,
      passphrase: settings.signingPassphrase,
      // The release workflow keeps the key in the release environment, out of this job's reach.
      whenMissing: {
        check:
          "signing key: held by the release environment only (sign-upload loads it before anything is uploaded)",
        ok: true,
      },
    },
    fetchText,
  });
  const report = renderDoctorReport(findings);
  core.info(report);
  await core.summary.addHeading("release-relay doctor", 3).addCodeBlock(report).write();
  for (const f of findings)
    if (!f.ok) core.error(`${f.check}: ${f.problem}. Fix: ${f.fix}`);
    else if (f.warn) core.warning(`${f.check}: ${f.problem}. Fix: ${f.fix}`);
  const failed = findings.filter((f) => !f.ok).length;
  if (failed > 0)
    throw new ReleaseRelayError(
      "E_DOCTOR",
      `${failed} of ${findings.length} checks failed before the release started: nothing was recorded, built or published`,
      "fix every problem listed above (each comes with its fix), then re-run all jobs of this run",
    );
}
