// Every temporary directory of a test run under one root, removed when the run ends: the tests make
// their worlds, workspaces and keys with os.tmpdir(), and their processes inherit TMPDIR.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(realpathSync(tmpdir()), "release-relay-tests-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
