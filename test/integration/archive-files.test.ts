import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { countArchiveFiles } from "../../src/adapters/storage/archive-files.js";

const work = () => mkdtempSync(join(tmpdir(), "archive-files-"));

/** A zip as zip(1) writes one, stored (not deflated): local headers, central directory, end record. */
function zipOf(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += 30 + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe("the regular files an archive holds", () => {
  it("counts a tarball's files, not its directories, with or without gzip", async () => {
    const dir = work();
    const staging = join(dir, "staging");
    mkdirSync(join(staging, "bin"), { recursive: true });
    writeFileSync(join(staging, "bin", "cachet"), "x".repeat(1500));
    writeFileSync(join(staging, "README"), "read me\n");
    execFileSync("tar", ["-czf", join(dir, "full.tar.gz"), "-C", staging, "."]);
    execFileSync("tar", ["-cf", join(dir, "full.tar"), "-C", staging, "."]);
    expect(await countArchiveFiles(join(dir, "full.tar.gz"), "tar.gz")).toBe(2);
    expect(await countArchiveFiles(join(dir, "full.tar"), "tar")).toBe(2);
    expect(await countArchiveFiles(join(dir, "full.tar.gz"), "tar.gz", 1)).toBe(1);
  });

  it("finds no file in a tarball of an empty directory, or of nothing at all", async () => {
    const dir = work();
    mkdirSync(join(dir, "staging", "bin"), { recursive: true });
    execFileSync("tar", ["-czf", join(dir, "empty.tar.gz"), "-C", join(dir, "staging"), "."]);
    execFileSync("tar", ["-czf", join(dir, "nothing.tgz"), "-T", "/dev/null"]);
    expect(await countArchiveFiles(join(dir, "empty.tar.gz"), "tar.gz")).toBe(0);
    expect(await countArchiveFiles(join(dir, "nothing.tgz"), "tar.gz")).toBe(0);
  });

  it("skips pax headers: git archive's commit header and long names are not files", async () => {
    const dir = work();
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);
    git("init", "-q");
    const long = `${"d".repeat(120)}.c`;
    writeFileSync(join(dir, long), "int main(void) { return 0; }\n");
    git("add", long);
    git("commit", "-qm", "a");
    writeFileSync(join(dir, "source.tar.gz"), git("archive", "--format=tar.gz", "--prefix=p/", "HEAD"));
    expect(await countArchiveFiles(join(dir, "source.tar.gz"), "tar.gz")).toBe(1);
  });

  it("counts a zip's files from its central directory, not its directories", async () => {
    const dir = work();
    writeFileSync(join(dir, "empty.zip"), zipOf({}));
    writeFileSync(join(dir, "dirs.zip"), zipOf({ "bin/": "", "share/": "" }));
    writeFileSync(join(dir, "full.zip"), zipOf({ "bin/": "", "bin/cachet.exe": "MZ", README: "hi" }));
    expect(await countArchiveFiles(join(dir, "empty.zip"), "zip")).toBe(0);
    expect(await countArchiveFiles(join(dir, "dirs.zip"), "zip")).toBe(0);
    expect(await countArchiveFiles(join(dir, "full.zip"), "zip")).toBe(2);
  });

  it.skipIf(spawnSync("zip", ["-v"]).status !== 0)("reads what zip(1) writes", async () => {
    const dir = work();
    mkdirSync(join(dir, "staging", "bin"), { recursive: true });
    writeFileSync(join(dir, "staging", "bin", "cachet"), "binary\n");
    execFileSync("zip", ["-qr", join(dir, "out.zip"), "bin"], { cwd: join(dir, "staging") });
    expect(await countArchiveFiles(join(dir, "out.zip"), "zip")).toBe(1);
  });

  it("says nothing of bytes that are not the archive their name says", async () => {
    const dir = work();
    writeFileSync(join(dir, "text.tar.gz"), "binary for linux-x86_64\n".repeat(50));
    writeFileSync(join(dir, "gzipped-text.tar.gz"), gzipSync("not a tarball\n".repeat(100)));
    writeFileSync(join(dir, "text.tar"), "not a tarball\n".repeat(100));
    writeFileSync(join(dir, "text.zip"), "not a zip\n");
    for (const [name, format] of [
      ["text.tar.gz", "tar.gz"],
      ["gzipped-text.tar.gz", "tar.gz"],
      ["text.tar", "tar"],
      ["text.zip", "zip"],
    ] as const)
      expect(await countArchiveFiles(join(dir, name), format), name).toBeUndefined();
  });
});
