import { execFile } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { ReleaseRelayError } from "../core/errors.js";
import { parseJsonInput } from "../core/inputs/json-input.js";
import {
  type ActionsPin,
  actionsRefFileSchema,
  actionsRepoOf,
  parseActionsRef,
} from "../core/install/action-pins.js";
import { packageJson, packageRoot, packageVersion } from "./package-files.js";

const run = promisify(execFile);

/** Written into the package when it is packed (scripts/actions-ref.mjs): a packed copy has no git. */
export const ACTIONS_REF_FILE = "actions-ref.json";

/** The commit of the actions repo this copy of release-relay installs, and where that came from. */
export interface PackagePin {
  pin: ActionsPin;
  /** e.g. "actions-ref.json of the installed package", "git HEAD of /src/release-relay". */
  source: string;
  /** Why the pinned commit may not hold exactly this package's actions, if it may not. */
  caveat?: string;
}

/** The actions repo named by this package's package.json `repository`. */
export async function packageActionsRepo(): Promise<string | undefined> {
  return actionsRepoOf((await packageJson()).repository);
}

async function gitPin(version: string, repo: string): Promise<PackagePin | undefined> {
  try {
    const top = (await run("git", ["rev-parse", "--show-toplevel"], { cwd: packageRoot })).stdout.trim();
    // Installed under a project's node_modules, git would answer for the project's own repo.
    if (realpathSync(top) !== realpathSync(packageRoot)) return undefined;
    const sha = (await run("git", ["rev-parse", "HEAD"], { cwd: packageRoot })).stdout.trim();
    const changed = (
      await run("git", ["status", "--porcelain", "--", "action.yml", "actions", "dist"], { cwd: packageRoot })
    ).stdout.trim();
    return {
      pin: { repo, sha, version },
      source: `git HEAD of ${packageRoot}`,
      ...(changed
        ? {
            caveat: `${packageRoot} has uncommitted changes to its actions: ${sha.slice(0, 12)} does not hold them`,
          }
        : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The pin init and upgrade write: `--actions-ref` if given, else what the package was packed with,
 * else the HEAD of the clone it runs from. Without any, init says how to name one (or to vendor).
 */
export async function packagePin(actionsRef?: string): Promise<PackagePin> {
  const version = await packageVersion();
  if (actionsRef) {
    try {
      return { pin: parseActionsRef(actionsRef, version), source: "--actions-ref" };
    } catch {
      throw new ReleaseRelayError(
        "E_INPUT",
        `--actions-ref ${actionsRef} is not OWNER/REPO@SHA with a full 40-hex commit SHA`,
        "e.g. --actions-ref acme-org/release-relay@0123456789abcdef0123456789abcdef01234567",
      );
    }
  }
  const file = join(packageRoot, ACTIONS_REF_FILE);
  if (existsSync(file)) {
    const ref = parseJsonInput(
      await readFile(file, "utf8"),
      actionsRefFileSchema,
      file,
      "reinstall release-relay: the file it was packed with is damaged",
    );
    return {
      pin: { repo: ref.repo, sha: ref.sha, version: ref.version },
      source: `${ACTIONS_REF_FILE} of this package`,
      ...(ref.uncommitted
        ? {
            caveat: `this package was packed from uncommitted changes: ${ref.sha.slice(0, 12)} does not hold them`,
          }
        : {}),
    };
  }
  const repo = await packageActionsRepo();
  const fromGit = repo ? await gitPin(version, repo) : undefined;
  if (fromGit) return fromGit;
  throw new ReleaseRelayError(
    "E_INPUT",
    "this copy of release-relay does not know which commit of its actions repo to pin the workflows to",
    "pass --actions-ref OWNER/REPO@SHA (the actions repo and a full commit SHA of this version), or --vendor to copy the actions into the repos",
  );
}
