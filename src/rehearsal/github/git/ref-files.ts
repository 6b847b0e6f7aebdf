// A ref read from the files git keeps it in (gitrepository-layout(5): a loose ref file, else a line
// of packed-refs). Git replaces either by renaming a new file into place, so a ref being updated
// reads as before or after, never half written; no git process is started for it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** The ref's value, undefined when there is none, or "ask git" for a name or file git must resolve. */
export async function readRefFile(gitDir: string, ref: string): Promise<string | undefined | "ask git"> {
  if (!/^refs\/[\w./-]+$/.test(ref) || /\.\.|\/\.|\.lock$|\/$/.test(ref)) return "ask git";
  const loose = await readFile(join(gitDir, ref), "utf8").catch(() => undefined);
  // A symbolic ref ("ref: refs/heads/main") is git's to follow.
  if (loose !== undefined) return /^[0-9a-f]{40}\n?$/.test(loose) ? loose.trim() : "ask git";
  const packed = await readFile(join(gitDir, "packed-refs"), "utf8").catch(() => "");
  return packed
    .split("\n")
    .find((l) => l.slice(41) === ref && /^[0-9a-f]{40} /.test(l))
    ?.slice(0, 40);
}
