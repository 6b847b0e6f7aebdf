import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnvFile } from "../../src/rehearsal/runner/env-files.js";
import { spawnCollect } from "./spawn-collect.js";

const root = join(import.meta.dirname, "../..");

/** What a bundled action left behind, as the Actions runner would see it. */
export interface ActionResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs `node <actionRoot>/dist/<name>/index.js` as the runner does: INPUT_* env, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY. `actionRoot` is this package, or a repo the bundle was vendored into.
 */
export async function runBundledAction(
  name: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  actionRoot = root,
): Promise<ActionResult> {
  const dir = mkdtempSync(join(tmpdir(), `action-${name}-`));
  const outputFile = join(dir, "output");
  const summaryFile = join(dir, "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, "_").toUpperCase()}`, v]),
  );
  const {
    code: exitCode,
    stdout,
    stderr,
  } = await spawnCollect(process.execPath, [join(actionRoot, "dist", name, "index.js")], {
    cwd: env.GITHUB_WORKSPACE ?? root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: dir,
      ...inputEnv,
      ...env,
    },
  });
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseEnvFile(readFileSync(outputFile, "utf8")),
    summary: readFileSync(summaryFile, "utf8"),
  };
}

/** The runner's environment of a workflow started by pushing tag 8.0.2 in `repository`, calling GitHub at `apiUrl`. */
export function tagPushEnv(
  repository: string,
  sha: string,
  apiUrl: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    GITHUB_REPOSITORY: repository,
    GITHUB_REF: "refs/tags/8.0.2",
    GITHUB_SHA: sha,
    GITHUB_ACTOR: "maintainer",
    GITHUB_EVENT_NAME: "push",
    GITHUB_RUN_ID: "42",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: apiUrl,
    ...overrides,
  };
}
