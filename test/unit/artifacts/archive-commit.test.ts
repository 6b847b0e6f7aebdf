import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { archiveCommit } from "../../../src/core/artifacts/archive-commit.js";

describe("the commit a source archive was made from", () => {
  it("is read from git archive's pax header, and nothing else passes for one", () => {
    const dir = mkdtempSync(join(tmpdir(), "archive-commit-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);
    git("init", "-q");
    writeFileSync(join(dir, "a.c"), "int main(void) { return 0; }\n");
    git("add", "a.c");
    git("commit", "-qm", "a");
    const sha = git("rev-parse", "HEAD").toString().trim();
    const tgz = git("archive", "--format=tar.gz", "--prefix=p/", "HEAD");
    expect(archiveCommit(gunzipSync(tgz).subarray(0, 4096))).toBe(sha);
    // A tarball made by tar has no such header.
    const plain = execFileSync("tar", ["-C", dir, "-cf", "-", "a.c"]);
    expect(archiveCommit(plain.subarray(0, 4096))).toBeUndefined();
    expect(archiveCommit(new Uint8Array(100))).toBeUndefined();
  });
});
