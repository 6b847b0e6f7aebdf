import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import { packageActionsRepo, packagePin } from "../adapters/actions-pin.js";
import { packageVersion } from "../adapters/package-files.js";
import { AWS_ROLES, type AwsRole, trustedSubject } from "../core/config/aws-roles.js";
import { parseConfig } from "../core/config/parse.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import { githubReleaseRepo } from "../core/github-release/wanted-release.js";
import type { ActionsPin } from "../core/install/action-pins.js";
import { plannedFiles } from "../steps/init-files.js";
import type { GitHubEmulator } from "./github/emulator.js";
import { ALL_PERMISSIONS, type Permission } from "./github/permissions.js";
import type { RepoSettings } from "./runner/runner-host.js";

/** The accounts, tokens and secrets of a rehearsal world; none of them is real. */
export interface WorldCredentials {
  dispatchToken: string;
  appToken: string;
  reportToken: string;
  maintainerToken: string;
  signingKey: string;
  publicKeyPem: string;
  /** The S3 keys the release's AWS step hands out (the local S3 accepts any; these are canaries). */
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
}

/** An example project: its config, the repos it names and the files each starts with. */
export interface ExampleProject {
  config: Config;
  configText: string;
  automationRepo: string;
  downstreamRepos: string[];
  /** Targets left out because this machine cannot build them, with the reason. */
  skippedTargets: string[];
}

function filesUnder(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/**
 * Reads the example project and keeps only the build targets this machine can really build: the
 * source's `build/cc-for.sh <arch>` must name a compiler (the host's, or an installed cross compiler).
 */
export function loadExample(exampleDir: string): ExampleProject {
  const text = readFileSync(join(exampleDir, "release-relay.yml"), "utf8");
  const original = parseConfig(text);
  const sourceDir = join(exampleDir, "repos", original.source.repo.split("/")[1] as string);
  const probe = join(sourceDir, "build", "cc-for.sh");
  const doc = parseDocument(text);
  const skippedTargets: string[] = [];
  const keep = original.build.targets.filter((t) => {
    try {
      execFileSync("bash", [probe, t.arch], { stdio: ["ignore", "ignore", "pipe"] });
      return true;
    } catch (error) {
      const why = (error as { stderr?: Buffer }).stderr?.toString().trim() || "no compiler";
      skippedTargets.push(`${t.os}/${t.arch}: ${why}`);
      return false;
    }
  });
  if (keep.length === 0)
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `no build target of the example can be built here: ${skippedTargets.join("; ")}`,
      "install a C compiler (Debian: apt-get install gcc make)",
    );
  const targets = doc.getIn(["build", "targets"]) as { items: unknown[] };
  targets.items = targets.items.filter((_, i) => keep.includes(original.build.targets[i] as never));
  return projectOf(doc.toString(), skippedTargets);
}

/** A project as its config names it (the config validated). */
export function projectOf(configText: string, skippedTargets: string[] = []): ExampleProject {
  const config = parseConfig(configText);
  return {
    config,
    configText,
    automationRepo: config.tracking.repo,
    downstreamRepos: config.downstream.map((d) => d.repo),
    skippedTargets,
  };
}

/** Fresh credentials for a world: random tokens and a new ed25519 signing key. */
export function newCredentials(): WorldCredentials {
  const random = () => Math.random().toString(36).slice(2, 12);
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    dispatchToken: `ghp_rehearsal_dispatch_${random()}`,
    appToken: `ghs_rehearsal_app_${random()}`,
    reportToken: `ghp_rehearsal_report_${random()}`,
    maintainerToken: `ghp_rehearsal_maintainer_${random()}`,
    signingKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    awsAccessKeyId: `AKIAREHEARSAL${random().toUpperCase()}`,
    awsSecretAccessKey: `rehearsal-aws-secret-${random()}${random()}`,
  };
}

/**
 * The world's GitHub Apps by id, as `actions/create-github-app-token` is given them (id and private
 * key) and what each installation may do (its token, registered by `registerTokens`): the release App
 * of the automation repo, the main repo's dispatch App and the downstream repos' report App.
 */
export function worldApps(c: WorldCredentials): Record<string, { key: string; installation: string }> {
  return {
    [APP_IDS.release]: { key: "rehearsal-app-private-key", installation: c.appToken },
    [APP_IDS.dispatch]: { key: "rehearsal-dispatch-app-private-key", installation: c.dispatchToken },
    [APP_IDS.report]: { key: "rehearsal-report-app-private-key", installation: c.reportToken },
  };
}

const APP_IDS = { release: "1", dispatch: "2", report: "3" } as const;

/** The logins the world's dispatch and report Apps send events as (what `senders:` must list). */
export function worldSenders(config: Config): { releaseRequested: string; downstreamReport: string } {
  return {
    releaseRequested: `${config.project}-release-requester[bot]`,
    downstreamReport: "release-relay-reporter[bot]",
  };
}

/** A permission taken from one of the world's tokens, to see what a misconfigured token does. */
export interface Revocation {
  token: "dispatch" | "app" | "report";
  repo: string;
  permission: Permission;
}

/**
 * Registers the world's tokens with the emulator, each with the permissions the setup guide
 * documents, minus any revoked ones.
 */
export function registerTokens(
  emulator: GitHubEmulator,
  project: ExampleProject,
  c: WorldCredentials,
  revoked: readonly Revocation[] = [],
): void {
  const { config } = project;
  // Every token here is an App's installation token, and an App installation has one set of
  // permissions for all the repositories it covers, one installation per owner ("Choosing
  // permissions for a GitHub App", https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app):
  // a permission taken from it is gone on every repo of that owner.
  const ownerOf = (repo: string) => repo.split("/")[0]?.toLowerCase();
  const grant = (token: Revocation["token"], repos: Record<string, Permission[]>) =>
    Object.fromEntries(
      Object.entries(repos).map(([repo, perms]) => [
        repo,
        perms.filter(
          (p) =>
            !revoked.some(
              (r) => r.token === token && ownerOf(r.repo) === ownerOf(repo) && r.permission === p,
            ),
        ),
      ]),
    );
  // The dispatch and report Apps are installed on the automation repo only, with "Contents: write"
  // (what repository_dispatch needs), as init documents; their workflows mint tokens from them.
  emulator.addToken(c.dispatchToken, {
    // The dispatch App acts as "<slug>[bot]", the name init's starter config lists as the sender.
    login: worldSenders(config).releaseRequested,
    type: "Bot",
    repos: grant("dispatch", { [project.automationRepo]: ["contents:write"] }),
  });
  // Exactly what `release-relay init` tells a project to grant its App (the source repo is public).
  const app: Record<string, Permission[]> = { [project.automationRepo]: ["contents:write", "issues:write"] };
  for (const repo of project.downstreamRepos)
    app[repo] = ["contents:write", "pull_requests:write", "actions:read"];
  // The source repo's releases, when the config keeps its GitHub Release (github-release).
  const releaseRepo = githubReleaseRepo(config);
  if (releaseRepo) app[releaseRepo] = ["contents:write"];
  emulator.addToken(c.appToken, { login: "release-relay[bot]", type: "Bot", repos: grant("app", app) });
  emulator.addToken(c.reportToken, {
    login: worldSenders(config).downstreamReport,
    type: "Bot",
    repos: grant("report", { [project.automationRepo]: ["contents:write"] }),
  });
  emulator.addToken(c.maintainerToken, {
    login: `${config.project}-maintainer`,
    repos: { "*": ALL_PERMISSIONS },
  });
}

const roleArn = (role: AwsRole) =>
  `arn:aws:iam::000000000000:role/rehearsal-${role.variable.toLowerCase().replaceAll("_", "-")}`;

/** The role variables of one scope, each naming its rehearsal role. */
function roleVariables(scope: AwsRole["scope"]): Record<string, string> {
  return Object.fromEntries(AWS_ROLES.filter((r) => r.scope === scope).map((r) => [r.variable, roleArn(r)]));
}

/** The world's AWS roles, each trusting exactly the OIDC subject `release-relay init` prints for it. */
export function awsRoleTrust(project: ExampleProject, defaultBranch: string): Map<string, string> {
  return new Map(
    AWS_ROLES.map((r) => [roleArn(r), trustedSubject(r, project.automationRepo, defaultBranch)]),
  );
}

/** Actions variables and secrets of every repo, as `release-relay init` tells a project to set them. */
export function repoSettings(project: ExampleProject, c: WorldCredentials) {
  const { config } = project;
  const settings = new Map<string, RepoSettings>();
  const apps = worldApps(c);
  settings.set(config.source.repo.toLowerCase(), {
    vars: { RELEASE_RELAY_AUTOMATION_REPO: project.automationRepo },
    secrets: {
      RELEASE_RELAY_DISPATCH_APP_ID: APP_IDS.dispatch,
      RELEASE_RELAY_DISPATCH_APP_KEY: apps[APP_IDS.dispatch]?.key as string,
    },
  });
  // As init tells a project: the signing key and the publishing roles live in the release
  // environment, so only its jobs (after any required review) can sign, publish or yank.
  settings.set(project.automationRepo.toLowerCase(), {
    vars: roleVariables("repository"),
    secrets: {
      RELEASE_RELAY_APP_ID: APP_IDS.release,
      RELEASE_RELAY_APP_KEY: apps[APP_IDS.release]?.key as string,
    },
    environments: {
      release: {
        vars: roleVariables("environment"),
        secrets: {
          [config.signing.method === "none" ? "RELEASE_SIGNING_KEY" : config.signing.keySecret]: c.signingKey,
        },
      },
    },
  });
  for (const repo of project.downstreamRepos)
    settings.set(repo.toLowerCase(), {
      vars: { RELEASE_RELAY_AUTOMATION_REPO: project.automationRepo, RELEASE_RELAY_PROJECT: config.project },
      secrets: {
        RELEASE_RELAY_REPORT_APP_ID: APP_IDS.report,
        RELEASE_RELAY_REPORT_APP_KEY: apps[APP_IDS.report]?.key as string,
      },
    });
  return settings;
}

/**
 * The pin the world's workflows are installed with: this package's, as init would write it. A copy
 * that knows no commit of its actions repo pins a placeholder: the local runner runs this package's
 * own actions for it either way, and says so.
 */
export async function rehearsalPin(): Promise<ActionsPin> {
  try {
    return (await packagePin()).pin;
  } catch {
    return {
      repo: (await packageActionsRepo()) ?? "release-relay/release-relay",
      sha: "0".repeat(40),
      version: await packageVersion(),
    };
  }
}

/** What init installs in each repo of a project, by repo (as named in the config) and path. */
export async function installedByRepo(project: ExampleProject): Promise<Map<string, Record<string, string>>> {
  const { config } = project;
  const downstreamDirs = Object.fromEntries(config.downstream.map((d) => [d.name, `downstream/${d.name}`]));
  const installed = await plannedFiles(
    {
      project: config.project,
      source: config.source.repo,
      automation: project.automationRepo,
      bucket: config.upload.bucket,
      downstream: config.downstream.map((d) => ({ name: d.name, repo: d.repo })),
      notify: config.tracking.notify,
      tagPattern: config.tags.pattern,
    },
    { main: "main", automation: "automation", downstream: downstreamDirs },
    { layout: "pinned", pin: await rehearsalPin() },
  );
  const under = (prefix: string) =>
    Object.fromEntries(
      [...installed]
        .filter(([p]) => p.startsWith(`${prefix}/`))
        .map(([p, c]) => [p.slice(prefix.length + 1), c]),
    );
  const byRepo = new Map<string, Record<string, string>>([
    [config.source.repo, under("main")],
    [project.automationRepo, under("automation")],
  ]);
  for (const d of config.downstream) byRepo.set(d.repo, under(`downstream/${d.name}`));
  return byRepo;
}

/** Where each repo's first files come from: the example's seeds, or a maintainer's checkouts. */
export interface RepoSources {
  /** The repo's own files (init's are added to them). */
  files(repo: string): Record<string, string | Buffer>;
  /** The automation repo's files beside release-relay.yml: the templates the config names. */
  automationFiles: Record<string, string | Buffer>;
  defaultBranch?(repo: string): string | undefined;
  /** Paths to create executable besides `*.sh` (a checkout's mode 755 files). */
  executables?(repo: string): string[];
  /** A checkout's own copy of a file init installs is kept (it may be edited, as init says); the example's never is. */
  ownCopiesWin?: boolean;
}

/** Creates every repo of a project in the emulator: its own files plus what `release-relay init` installs. */
export async function seedWorld(
  emulator: GitHubEmulator,
  project: ExampleProject,
  sources: RepoSources,
): Promise<void> {
  const { config } = project;
  const installed = await installedByRepo(project);
  const filesOf = (repo: string) => {
    const own = sources.files(repo);
    const init = installed.get(repo) ?? {};
    return sources.ownCopiesWin ? { ...init, ...own } : { ...own, ...init };
  };
  const branchOf = (repo: string, fallback = "main") => sources.defaultBranch?.(repo) ?? fallback;
  const executables = (repo: string) => ({ executables: sources.executables?.(repo) ?? [] });
  await emulator.createRepo(config.source.repo, {
    defaultBranch: branchOf(config.source.repo),
    files: filesOf(config.source.repo),
    message: `${config.project}: initial import`,
    ...executables(config.source.repo),
  });
  await emulator.createRepo(project.automationRepo, {
    defaultBranch: branchOf(project.automationRepo),
    files: {
      ...filesOf(project.automationRepo),
      "release-relay.yml": project.configText,
      ...sources.automationFiles,
    },
    message: "release-relay init",
    ...executables(project.automationRepo),
  });
  for (const d of config.downstream)
    await emulator.createRepo(d.repo, {
      defaultBranch: d.baseBranch ?? branchOf(d.repo),
      files: filesOf(d.repo),
      ...executables(d.repo),
    });
}

/** Creates every repo of the example in the emulator: its own files plus what `release-relay init` installs. */
export async function seedRepos(
  emulator: GitHubEmulator,
  exampleDir: string,
  project: ExampleProject,
): Promise<void> {
  const nameOf = (repo: string) => repo.split("/")[1] as string;
  await seedWorld(emulator, project, {
    files: (repo) =>
      repo === project.automationRepo ? {} : filesUnder(join(exampleDir, "repos", nameOf(repo))),
    automationFiles: Object.fromEntries(
      Object.entries(filesUnder(join(exampleDir, "templates"))).map(([p, c]) => [`templates/${p}`, c]),
    ),
  });
}
