import { type SpawnOptions, spawn } from "node:child_process";
import { setPriority } from "node:os";

/** Runs a process without blocking the test worker; resolves with its exit code and output. */
export function spawnCollect(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  // Below the test runner's own processes (what it spawns inherits this): a worker's progress report
  // to the runner times out after 60 s, and two rehearsals at once can take every core for longer.
  if (child.pid !== undefined)
    try {
      setPriority(child.pid, 10);
    } catch {
      // Gone already, or not allowed: it then runs at the runner's priority.
    }
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr })));
}
