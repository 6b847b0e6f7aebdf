import type { ReleasePlan } from "../request/plan.js";

/** Where the publish job finds a built file: the artifact it came in (`build-<target>`), if any. */
export interface DownloadedFile {
  name: string;
  /** The artifact the file was downloaded from (its directory), or undefined in a flat layout. */
  artifact: string | undefined;
}

/** The artifact a target's build uploads: its name carries the commit it was built from. */
export const buildArtifactName = (target: string, commit: string): string => `build-${target}-${commit}`;

/**
 * Files that did not come from their own target's build of this release's commit. Each target's
 * build uploads `build-<target>-<commit>`; a file of target T found in another artifact (another
 * job's upload, two targets swapped, or a build of another commit that a forged ledger named for a
 * rerun) must not be published as T's.
 */
export function misplacedArtifacts(files: readonly DownloadedFile[], plan: ReleasePlan): string[] {
  const targetOf = new Map(plan.artifacts.filter((a) => a.target).map((a) => [a.name, a.target as string]));
  return files.flatMap((f) => {
    const target = targetOf.get(f.name);
    // Files laid out flat (not downloaded as build artifacts) are the caller's own; release.yml always
    // downloads them into one directory per artifact.
    if (target === undefined || f.artifact === undefined) return [];
    const expected = buildArtifactName(target, plan.commit);
    return f.artifact === expected ? [] : [`${f.name} came in artifact ${f.artifact}, not ${expected}`];
  });
}
