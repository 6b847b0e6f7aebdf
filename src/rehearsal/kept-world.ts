// A rehearsal kept with `rehearse --keep DIR`, served again: its GitHub as the release left it, on
// loopback, so that `release-relay status --keep DIR` reads its ledger through the API as it reads a
// real repo's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyEnvironment } from "../core/config/environment.js";
import { parseConfig } from "../core/config/parse.js";
import type { Config } from "../core/config/schema.js";
import { GitHubEmulator } from "./github/emulator.js";

/** A kept world being served: its config, where its GitHub answers and with which token; close() stops it. */
export interface KeptWorld {
  config: Config;
  apiUrl: string;
  token: string;
  close: () => Promise<void>;
}

/** Serves the kept world in `dir` again, with a token that may read the automation repo. */
export async function openKeptWorld(dir: string): Promise<KeptWorld> {
  const world = JSON.parse(readFileSync(join(dir, "world.json"), "utf8")) as {
    credentials: { maintainerToken: string };
    environment?: string;
  };
  const config = applyEnvironment(
    parseConfig(readFileSync(join(dir, "release-relay.yml"), "utf8")),
    world.environment,
  );
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
