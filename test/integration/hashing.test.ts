import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashFile, hashFiles, startHashWorkers } from "../../src/adapters/storage/hashing.js";

const dir = mkdtempSync(join(tmpdir(), "hashing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;
/** Files of sizes around the 4 MiB read size: empty, one byte, exactly one read, two reads and a bit. */
const sizes = [0, 1, 4 * MiB, 9 * MiB + 3, 5 * MiB - 1, 123_457];
const files = sizes.map((size, i) => {
  const path = join(dir, `f${i}.bin`);
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  return {
    path,
    size,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    sha512: createHash("sha512").update(bytes).digest("hex"),
  };
});

describe("hashing", () => {
  it("hashes a file in this thread across read boundaries", async () => {
    for (const f of files) expect(await hashFile(f.path, ["sha256", "sha512"])).toEqual(f);
  });

  it("hashes many files on this thread and workers, in the order given", async () => {
    expect(
      await hashFiles(
        files.map((f) => f.path),
        ["sha256", "sha512"],
        3,
      ),
    ).toEqual(files);
  });

  it("takes workers started ahead, and a file that cannot be read names itself", async () => {
    startHashWorkers(2);
    const missing = join(dir, "missing.bin");
    await expect(
      hashFiles([files[3]?.path as string, missing, files[1]?.path as string], ["sha256"], 3),
    ).rejects.toThrow("missing.bin");
    startHashWorkers(2);
    const [one] = await hashFiles([files[3]?.path as string], ["sha256"]);
    expect(one?.sha256).toBe(files[3]?.sha256);
  });
});
