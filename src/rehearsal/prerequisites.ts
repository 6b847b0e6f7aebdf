import { spawnSync } from "node:child_process";
import { ReleaseRelayError } from "../core/errors.js";

// What the rehearsal itself runs: git for the emulated repos, the workflows' shell steps (bash,
// curl, jq), and the example's build (make, a C compiler, tar, gzip).
const TOOLS: readonly { command: string; debian: string; why: string }[] = [
  { command: "git", debian: "git", why: "the emulated repos" },
  { command: "bash", debian: "bash", why: "run: steps" },
  { command: "curl", debian: "curl", why: "the downstream report-status workflow" },
  { command: "jq", debian: "jq", why: "report-status and the example container repo's update.sh" },
  { command: "make", debian: "make", why: "the example's build" },
  { command: "cc", debian: "gcc", why: "the example's build" },
  { command: "tar", debian: "tar", why: "the example's build" },
  { command: "gzip", debian: "gzip", why: "the example's build" },
];

/**
 * Fails before anything starts, naming every missing tool and the package that provides it. A
 * project's own build needs what it needs: only the example's build tools are known here.
 */
export function checkPrerequisites(example = true): void {
  const missing = TOOLS.filter((t) => example || !t.why.startsWith("the example's build")).filter(
    (t) => spawnSync("sh", ["-c", `command -v ${t.command}`]).status !== 0,
  );
  if (missing.length === 0) return;
  throw new ReleaseRelayError(
    "E_REHEARSAL",
    `the rehearsal needs ${missing.map((t) => `${t.command} (${t.why})`).join(", ")}`,
    `install them (Debian/Ubuntu: apt-get install -y ${[...new Set(missing.map((t) => t.debian))].join(" ")})`,
  );
}
