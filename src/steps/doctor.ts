// The doctor: every check of a release's setup with the real APIs (repos and token access, the files
// init installed, the bucket, the signing key), each problem with its fix; nothing is changed.
import type { S3Client } from "@aws-sdk/client-s3";
import { packageActionsRepo } from "../adapters/actions-pin.js";
import { readConfigFile } from "../adapters/config-file.js";
import {
  fetchText,
  probeBucket,
  probeGitHubReachable,
  probePublishedKey,
  probeRepo,
  probeSigningKey,
} from "../adapters/doctor-probes.js";
import { createGitHubClient, type GitHubClient } from "../adapters/github/client.js";
import { type ClientFor, installationClients } from "../adapters/github/installation-clients.js";
import { packageVersion } from "../adapters/package-files.js";
import { createS3Client } from "../adapters/storage/s3.js";
import type { Config } from "../core/config/schema.js";
import type { ReleaseRelayError } from "../core/errors.js";
import type { ActionsPin } from "../core/install/action-pins.js";
import { type DoctorFinding, generatorFindings, repoNeeds, sourceFindings } from "../core/setup/doctor.js";
import { WriteProbeAnswers, writeProbeTargets } from "../core/setup/write-probes.js";
import { installedFileFindings } from "./installed-files-check.js";
import { createSigner } from "./publish.js";

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
  /**
   * Every token is an App installation token minted for one owner (as the release workflow mints
   * them): one write probe per owner and permission answers for all that owner's repos.
   */
  installationTokens?: boolean;
  /** Repos reached with a token of their own (the source repo's release token): each probed itself. */
  ownTokenRepos?: ReadonlySet<string> | undefined;
  /** The commit of release-relay's actions this doctor runs from, when known. */
  ownPin?: ActionsPin | undefined;
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
  await probeGitHubReachable(deps.github);
  const findings: DoctorFinding[] = [];
  const defaultBranches = new Map<string, string>();
  const privateRepos = new Set<string>();
  const needs = repoNeeds(config);
  const ownToken = (repo: string) => deps.ownTokenRepos?.has(repo.toLowerCase()) === true;
  // A probe with one token answers for the other repos of that token only.
  const earlier = deps.installationTokens
    ? new WriteProbeAnswers(writeProbeTargets(needs.filter((n) => !ownToken(n.repo))))
    : undefined;
  for (const need of needs) {
    let client: GitHubClient;
    try {
      client = deps.clientFor?.(need.repo) ?? deps.github;
    } catch (error) {
      // No token for this repo's owner: said like any other problem, with its fix.
      const e = error as ReleaseRelayError;
      findings.push({ check: `${need.repo}: token`, ok: false, problem: e.message, fix: e.hint ?? "" });
      continue;
    }
    const probed = await probeRepo(client, need, ownToken(need.repo) ? undefined : earlier);
    findings.push(...probed.findings);
    if (probed.defaultBranch) defaultBranches.set(need.repo, probed.defaultBranch);
    if (probed.private) privateRepos.add(need.repo.toLowerCase());
  }
  findings.push(...sourceFindings(config, privateRepos), ...generatorFindings(config, privateRepos));
  if (deps.files !== "skip")
    findings.push(
      ...(await installedFileFindings(config, {
        clientOf: (repo) => deps.clientFor?.(repo) ?? deps.github,
        defaultBranches,
        strictIn: deps.files === "all" ? "all" : "automation",
        actionsRepo: await packageActionsRepo(),
        version: await packageVersion(),
        ownPin: deps.ownPin,
      })),
    );
  if (deps.s3) findings.push(...(await probeBucket(deps.s3, config.upload.bucket, config.upload.prefix)));
  const signing = deps.signing;
  if (signing && config.signing.method !== "none") {
    const publicKeyUrl = config.signing.method === "ed25519" ? config.signing.publicKeyUrl : undefined;
    if (!signing.key) {
      findings.push(signing.whenMissing);
      if (publicKeyUrl)
        findings.push(await probePublishedKey(publicKeyUrl, () => deps.fetchText(publicKeyUrl)));
    } else {
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

/** What the doctor action is given. */
export interface DoctorSettings {
  configPath: string;
  environment?: string | undefined;
  token: string;
  /** Every installation's token, in installationsOf order. */
  tokens: readonly (string | undefined)[];
  /** The token minted for the source repo alone, which keeps its GitHub Release (release-token). */
  releaseToken?: string | undefined;
  signingKey?: string | undefined;
  signingPassphrase?: string | undefined;
  probeBucket: boolean;
}

/** The doctor as the release workflow's first job runs it: each repo with its owner's token. */
export async function doctorReleaseGate(
  settings: DoctorSettings,
  apiUrl: string,
  actionPin?: { repo: string; sha: string },
): Promise<DoctorFinding[]> {
  const config = await readConfigFile(settings.configPath, settings.environment);
  const client = (token: string) => createGitHubClient({ token, baseUrl: apiUrl });
  const installed = installationClients(config, settings.tokens, client);
  const release = settings.releaseToken ? client(settings.releaseToken) : undefined;
  const source = config.source.repo.toLowerCase();
  return runDoctor(config, {
    github: client(settings.token),
    clientFor: (repo) => (release && repo.toLowerCase() === source ? release : installed(repo)),
    installationTokens: true,
    // The source repo is not among the installations' repositories: what a token may write there
    // tells nothing of the others, with the release token or (without it) with the first one.
    ownTokenRepos: new Set([source]),
    files: "release-gate",
    ...(actionPin ? { ownPin: { ...actionPin, version: await packageVersion() } } : {}),
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
}
