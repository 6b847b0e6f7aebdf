import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ReleaseRelayError } from "../../core/errors.js";

/** Converts one glob segment (`*`, `?`, literal) to a regular expression. */
function segmentPattern(segment: string): RegExp {
  const source = segment
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", "[^/]*")
    .replaceAll("?", "[^/]");
  return new RegExp(`^${source}$`);
}

async function expand(root: string, segments: readonly string[]): Promise<string[]> {
  const [first, ...rest] = segments;
  if (first === undefined) return [root];
  if (first === "**") {
    const here = await expand(root, rest);
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    const deeper = await Promise.all(
      entries.filter((e) => e.isDirectory()).map((e) => expand(join(root, e.name), segments)),
    );
    return [...here, ...deeper.flat()];
  }
  if (!/[*?]/.test(first)) return expand(join(root, first), rest);
  const re = segmentPattern(first);
  const entries = await readdir(root).catch(() => []);
  const matched = await Promise.all(
    entries.filter((n) => re.test(n)).map((n) => expand(join(root, n), rest)),
  );
  return matched.flat();
}

/**
 * The artifact files named by newline-separated paths or globs (`*`, `?`, `**`), relative to the
 * workspace. Refuses what must never be released: a pattern that matches nothing, a directory, an
 * empty file, a symlink leaving the workspace, a path outside it, two files with one name.
 */
export async function resolveArtifacts(patterns: string, workspace: string): Promise<string[]> {
  const root = await realpath(resolve(workspace));
  const found: string[] = [];
  for (const pattern of patterns
    .split("\n")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const absolute = isAbsolute(pattern) ? pattern : join(root, pattern);
    const rel = relative(root, absolute);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `artifact path ${JSON.stringify(pattern)} is outside the workspace`,
        "list artifacts by paths inside the workspace",
      );
    }
    const matches = await expand(root, rel.split(sep));
    const existing = (
      await Promise.all(matches.map(async (m) => ((await lstat(m).catch(() => undefined)) ? m : undefined)))
    ).filter((m): m is string => m !== undefined);
    if (existing.length === 0) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `artifact pattern ${JSON.stringify(pattern)} matches no file`,
        "check the build wrote its artifacts there, or fix the path",
      );
    }
    for (const file of existing.sort()) {
      const link = await lstat(file);
      const target = link.isSymbolicLink() ? await realpath(file).catch(() => undefined) : file;
      if (!target || relative(root, target).startsWith("..")) {
        throw new ReleaseRelayError(
          "E_INPUT",
          `artifact ${relative(root, file)} is a symlink that leaves the workspace`,
          "copy the file into the workspace instead of linking to it",
        );
      }
      const info = await stat(target);
      if (info.isDirectory()) {
        throw new ReleaseRelayError(
          "E_INPUT",
          `artifact ${relative(root, file)} is a directory`,
          "archive it (tar -czf) and list the archive",
        );
      }
      if (info.size === 0) {
        throw new ReleaseRelayError(
          "E_INPUT",
          `artifact ${relative(root, file)} is empty`,
          "check the build step that writes it",
        );
      }
      if (!found.includes(file)) found.push(file);
    }
  }
  const names = new Map<string, string>();
  for (const file of found) {
    const previous = names.get(basename(file));
    if (previous) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `two artifacts are named ${basename(file)}: ${relative(root, previous)} and ${relative(root, file)}`,
        "give every artifact a distinct file name (add {distro} or {arch} to build.artifact)",
      );
    }
    names.set(basename(file), file);
  }
  return found;
}
