import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { QualifyLog } from "../../core/request/qualification.js";

/** Only the end of a log is shown; a long log is not read whole. */
const TAIL_BYTES = 64 * 1024;

/** The logs the qualify job kept for its failed targets (none when the directory is missing: nothing failed, or nothing was kept). */
export async function readQualifyLogs(dir: string): Promise<QualifyLog[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const logs: QualifyLog[] = [];
  for (const file of names.sort()) {
    const handle = await open(join(dir, file), "r");
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      logs.push({ file, text: buffer.toString("utf8") });
    } finally {
      await handle.close();
    }
  }
  return logs;
}
