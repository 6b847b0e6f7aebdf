import { readFile } from "node:fs/promises";
import { applyEnvironment } from "../core/config/environment.js";
import { parseConfig } from "../core/config/parse.js";
import type { Config } from "../core/config/schema.js";
import { ReleaseRelayError } from "../core/errors.js";

/** Reads and validates a local `release-relay.yml`, as it applies in `environment` (production when absent). */
export async function readConfigFile(path: string, environment?: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReleaseRelayError(
      "E_CONFIG",
      `cannot read ${path}: ${code === "ENOENT" ? "no such file" : code}`,
      "check out the automation repo before this step, or set config-path",
    );
  }
  return applyEnvironment(parseConfig(text, path), environment);
}
