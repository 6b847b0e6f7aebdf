// release-relay as somebody outside this repository gets it: the packed tarball installed into an
// empty directory, with an empty npm cache and no network, run through npx from there.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";
import { promisify } from "node:util";

export const exec = promisify(execFile);
export const root = realpathSync(resolve(import.meta.dirname, "../.."));
export const packageVersion: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;

export const outsideRepo = (path: string) => relative(root, realpathSync(path)).startsWith("..");

// Nothing of the clone may leak in: npm's own variables (`npm test` sets npm_config_local_prefix to the
// clone) and PATH entries inside it are dropped; HOME and the npm cache are fresh and empty.
export function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && !key.startsWith("INIT_CWD")) env[key] = value;
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && relative(root, resolve(dir)).startsWith(".."))
    .join(delimiter);
  env.HOME = home;
  env.npm_config_cache = join(home, "npm-cache");
  env.npm_config_update_notifier = "false";
  env.GITHUB_TOKEN = "";
  return env;
}

/** The package installed from its tarball: where, with which environment, and how to run it. */
export interface InstalledPackage {
  /** The temporary directory holding everything (remove() deletes it). */
  work: string;
  installDir: string;
  env: NodeJS.ProcessEnv;
  packed: { filename: string; size: number; files: { path: string }[] };
  /** `npx --no-install release-relay ARGS` in the install directory; never throws. */
  relay: (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  remove: () => void;
}

/**
 * Runs `work` while no other test process packs this repository: prepack writes actions-ref.json
 * into it and postpack removes it, so two packs at once can ship a tarball without it.
 */
async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), `release-relay-pack-${root.replace(/\W/g, "_")}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a test process that was killed while it packed is not waited on for ever.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Packs this repository (run `npm run build` first) and installs the tarball into an empty directory. */
export async function installPackedPackage(): Promise<InstalledPackage> {
  const work = mkdtempSync(join(realpathSync(tmpdir()), "release-relay-adoption-"));
  const home = join(work, "home");
  mkdirSync(home);
  const env = isolatedEnv(home);
  const packDir = join(work, "pack");
  mkdirSync(packDir);
  const pack = await oneAtATime(() =>
    exec("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: root, env }),
  );
  const [packed] = JSON.parse(pack.stdout);
  const installDir = join(work, "user");
  mkdirSync(installDir);
  // Its own package.json: npm installs here, never into a project found further up.
  writeFileSync(join(installDir, "package.json"), '{ "private": true }\n');
  await exec("npm", ["install", "--offline", "--no-audit", "--no-fund", join(packDir, packed.filename)], {
    cwd: installDir,
    env,
  });
  const relay = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await exec("npx", ["--no-install", "release-relay", ...args], {
        cwd: installDir,
        env,
        maxBuffer: 16 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const error = e as { code?: number; stdout?: string; stderr?: string };
      return { code: error.code ?? 1, stdout: error.stdout ?? "", stderr: error.stderr ?? "" };
    }
  };
  return {
    work,
    installDir,
    env,
    packed,
    relay,
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}
