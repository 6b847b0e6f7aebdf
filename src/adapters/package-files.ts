import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseJsonInput } from "../core/inputs/json-input.js";
import type { InstalledFile } from "../core/setup/installed-files.js";
import { blobSha } from "./downstream/pull-request.js";

/**
 * The package's root: templates, action metadata and bundles. Every module that uses it (src/*\/x.ts,
 * dist/<name>/index.js) sits two levels below it.
 */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

// Set by the build in the doctor's bundle, which may run vendored: without the package beside it.
declare const __RELEASE_RELAY_PACKAGE__: string | undefined;
declare const __RELEASE_RELAY_WORKFLOW_TEMPLATES__: string | undefined;

const packageJsonSchema = z.object({ version: z.string(), repository: z.unknown() }).loose();

/** This package's package.json (beside the sources, the bundle or the installed package). */
export async function packageJson(): Promise<z.infer<typeof packageJsonSchema>> {
  if (typeof __RELEASE_RELAY_PACKAGE__ !== "undefined")
    return packageJsonSchema.parse(JSON.parse(__RELEASE_RELAY_PACKAGE__));
  const path = join(packageRoot, "package.json");
  return parseJsonInput(
    await readFile(path, "utf8"),
    packageJsonSchema,
    path,
    "reinstall release-relay: its package.json is damaged",
  );
}

/** This package's version. */
export async function packageVersion(): Promise<string> {
  return (await packageJson()).version;
}

// Set by the build in the doctor's bundle: a vendored action has no templates or other bundles beside
// it, so the blob sha of each file this version installs is built in (its own bundle excepted).
// (A JSON string: an object would be initialised in every module of the bundle.)
declare const __RELEASE_RELAY_FILE_SHAS__: string | undefined;
const builtIn: Record<string, string> =
  typeof __RELEASE_RELAY_FILE_SHAS__ === "undefined" ? {} : JSON.parse(__RELEASE_RELAY_FILE_SHAS__);

/** The text init installs for a file: the package's copy, or what init writes itself. */
export async function installedContent(file: InstalledFile): Promise<string> {
  if (file.content !== undefined) return file.content;
  const builtInTemplate =
    typeof __RELEASE_RELAY_WORKFLOW_TEMPLATES__ === "undefined"
      ? undefined
      : (JSON.parse(__RELEASE_RELAY_WORKFLOW_TEMPLATES__) as Record<string, string>)[file.from as string];
  return builtInTemplate ?? readFile(join(packageRoot, file.from as string), "utf8");
}

/** The git blob sha of every file this version installs, keyed by its package path (`from`). */
export async function installedFileShas(
  files: readonly InstalledFile[],
): Promise<Map<InstalledFile, string>> {
  const shas = new Map<InstalledFile, string>();
  for (const file of files) {
    const known = file.from ? builtIn[file.from] : undefined;
    shas.set(file, known ?? blobSha(await installedContent(file)));
  }
  return shas;
}
