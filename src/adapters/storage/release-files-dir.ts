import { readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Every regular file under `dir` (symlinks are not followed), by file name: one name may be found in
 * more than one place (each target's artifact directory), and the caller picks by content.
 */
export async function filesByName(dir: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.set(entry.name, [...(found.get(entry.name) ?? []), path]);
    }
  };
  await walk(dir);
  return found;
}
