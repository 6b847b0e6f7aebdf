import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { mkdtemp, open, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  MAX_SCRIPT_OUTPUT_BYTES,
  outputsTooLarge,
  parseScriptOutputs,
  type ScriptOutputs,
} from "../../core/downstream/script-outputs.js";
import { ReleaseRelayError } from "../../core/errors.js";

/** Reads every file under `dir` (no .git), by relative path; what a script changed is found by comparing two of these. */
export async function snapshotFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.name === ".git") continue;
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile()) files.set(relative(dir, p), await readFile(p));
    }
  };
  await walk(dir);
  return files;
}

/** Every symlink under `dir` (no .git) and where it points: a generator's change is files only. */
export async function snapshotSymlinks(dir: string): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.name === ".git") continue;
      if (entry.isDirectory()) await walk(p);
      else if (entry.isSymbolicLink()) links.set(relative(dir, p), await readlink(p));
    }
  };
  await walk(dir);
  return links;
}

/**
 * Reads what a script wrote to its outputs file without trusting the file: a symlink (to
 * /dev/zero, say) or a FIFO is refused rather than followed or waited on, and nothing past
 * MAX_SCRIPT_OUTPUT_BYTES is read.
 */
async function readOutputsFile(file: string, where: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${where}: $RELEASE_RELAY_OUTPUT is not a file it wrote (${(error as NodeJS.ErrnoException).code})`,
      'append lines to it: echo "key=value" >> "$RELEASE_RELAY_OUTPUT"',
    );
  }
  try {
    if (!(await handle.stat()).isFile())
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${where}: $RELEASE_RELAY_OUTPUT is not a regular file`,
        'append lines to it: echo "key=value" >> "$RELEASE_RELAY_OUTPUT"',
      );
    const buffer = Buffer.alloc(MAX_SCRIPT_OUTPUT_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_SCRIPT_OUTPUT_BYTES) throw outputsTooLarge(where);
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    await handle.close();
  }
}

/** Ends whatever the script left running in its process group, so nothing writes after it returned. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs a downstream repo's own generator (e.g. `./update.sh 8.0`) in a checkout, with a timeout and
 * an environment that holds no secret: only PATH, a throwaway HOME, the locale, the edit's own `env`
 * and RELEASE_RELAY_OUTPUT, a file where the script may write `key=value` (and `key[]=item`) lines
 * that later downstreams read as `{<downstream>.<key>}` (and `{#<downstream>.<key>}` blocks).
 */
export async function runScriptEdit(
  dir: string,
  command: string,
  env: Record<string, string>,
  timeoutSeconds: number,
): Promise<{ outputs: ScriptOutputs; log: string }> {
  const home = await mkdtemp(join(tmpdir(), "release-relay-script-"));
  const outputFile = join(home, "outputs");
  try {
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; log: string }>(
      (resolve, reject) => {
        const child = spawn("bash", ["-euo", "pipefail", "-c", command], {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: home,
            LANG: "C.UTF-8",
            ...env,
            RELEASE_RELAY_OUTPUT: outputFile,
          },
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
        let log = "";
        const keep = (d: Buffer) => {
          log = (log + d.toString()).slice(-20_000);
        };
        child.stdout.on("data", keep);
        child.stderr.on("data", keep);
        const timer = setTimeout(() => {
          // The whole process group: a generator's children die with it.
          killGroup(child.pid);
        }, timeoutSeconds * 1000);
        child.on("error", reject);
        child.on("close", (code, signal) => {
          clearTimeout(timer);
          killGroup(child.pid);
          resolve({ code, signal, log });
        });
      },
    );
    if (result.signal === "SIGKILL") {
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `script ${JSON.stringify(command)} did not finish within ${timeoutSeconds}s`,
        "raise timeout-seconds for this edit or make the script faster",
      );
    }
    if (result.code !== 0) {
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `script ${JSON.stringify(command)} exited ${result.code}: ${result.log.trim().split("\n").slice(-5).join(" | ")}`,
        "run it in a checkout of the repo to see why",
      );
    }
    const where = `script ${JSON.stringify(command)}`;
    return { outputs: parseScriptOutputs(await readOutputsFile(outputFile, where), where), log: result.log };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
