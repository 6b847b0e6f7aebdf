// A rehearsal kept with `rehearse --keep DIR`, served again: its GitHub as the release left it, on
// loopback, so that `release-relay status --keep DIR` reads its ledger through the API as it reads a
// real repo's.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { applyEnvironment } from "../core/config/environment.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";
import { type ExampleProject, projectOf } from "./example-world.js";
import { GitHubEmulator } from "./github/emulator.js";

/** A kept world being served: its config, where its GitHub answers and with which token; close() stops it. */
export interface KeptWorld {
  config: Config;
  apiUrl: string;
  token: string;
  close: () => Promise<void>;
}

/** What world.json says of a kept world that its readers need: the release and where it went. */
export interface KeptRelease {
  version: string;
  /** The environment released to (absent: production). */
  environment?: string;
  credentials: { maintainerToken: string };
}

/** The kept world in `dir`'s release; refuses a directory `rehearse --keep` did not leave. */
export function readKeptRelease(dir: string): KeptRelease {
  // world.json is written last, after the config and the emulator's state: with it, the world is whole.
  if (!existsSync(join(dir, "world.json")))
    throw new ReleaseRelayError(
      "E_INPUT",
      `${dir} is not a kept rehearsal world (it has no world.json)`,
      "make one with release-relay rehearse --keep NEW_DIR (a directory that does not exist yet), then pass NEW_DIR to --keep",
    );
  return JSON.parse(readFileSync(join(dir, "world.json"), "utf8")) as KeptRelease;
}

/**
 * The example project as the kept world released it: its config with the build targets this machine
 * could build, so that a rerun or a yank of the world uses the config it was kept with.
 */
export function keptProject(dir: string): ExampleProject {
  return projectOf(readFileSync(join(dir, "release-relay.yml"), "utf8"));
}

/** Serves the kept world in `dir` again, with a token that may read the automation repo. */
export async function openKeptWorld(dir: string): Promise<KeptWorld> {
  const world = readKeptRelease(dir);
  const config = applyEnvironment(keptProject(dir).config, world.environment);
  const emulator = new GitHubEmulator({ dir });
  await emulator.start();
  try {
    emulator.loadState(readFileSync(join(dir, "emulator-state.json"), "utf8"));
    emulator.addToken(world.credentials.maintainerToken, {
      login: "status-reader",
      repos: { [config.tracking.repo]: ["contents:read"] },
    });
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  return {
    config,
    apiUrl: emulator.url,
    token: world.credentials.maintainerToken,
    close: () => emulator.stop(),
  };
}
