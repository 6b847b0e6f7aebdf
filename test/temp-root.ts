// Every temporary directory of a test run under one root, removed when the run ends: the tests make
// their worlds, workspaces and keys with os.tmpdir(), and their processes inherit TMPDIR. Each
// project of the run calls this; the first makes the root. The name is short: gpg-agent's socket
// lives in a home made under it, and a Unix socket's path holds at most 107 bytes.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MARK = "RELEASE_RELAY_TEST_TMPDIR";

export default function setup(): (() => void) | undefined {
  if (process.env[MARK] && process.env.TMPDIR === process.env[MARK]) return undefined;
  const root = mkdtempSync(join(realpathSync(tmpdir()), "rr-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  process.env[MARK] = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    delete process.env[MARK];
    rmSync(root, { recursive: true, force: true });
  };
}
