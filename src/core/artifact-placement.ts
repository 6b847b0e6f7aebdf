import type { ReleasePlan } from "./plan.js";

/** Where the publish job finds a built file: the artifact it came in (`build-<target>`), if any. */
export interface DownloadedFile {
  name: string;
  /** The artifact the file was downloaded from (its directory), or undefined in a flat layout. */
  artifact: string | undefined;
}

/**
 * Files that did not come from their own target's build artifact. Each target's build uploads
 * `build-<target>`; a file of target T found in another artifact (another job's upload, or two
 * targets swapped) must not be published as T's.
 */
export function misplacedArtifacts(files: readonly DownloadedFile[], plan: ReleasePlan): string[] {
  const targetOf = new Map(plan.artifacts.filter((a) => a.target).map((a) => [a.name, a.target as string]));
  return files.flatMap((f) => {
    const target = targetOf.get(f.name);
    if (f.artifact === undefined || target === undefined || f.artifact === `build-${target}`) return [];
    return [`${f.name} came in artifact ${f.artifact}, not build-${target}`];
  });
}
