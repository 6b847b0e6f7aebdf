/**
 * The branch a downstream's release change is pushed to: one per release and downstream, so a rerun
 * finds the PR it opened, and a report is matched to the release's own PR by it.
 */
export function releaseBranch(version: string, downstream: string): string {
  return `release-relay/${version}/${downstream}`;
}
