// A rerun takes what earlier runs made from their artifacts: the build's files (build-<target>-<commit>)
// and the published hashes (hashes). Artifacts expire after their retention (upload-artifact's
// retention-days; Actions docs, "Storing workflow data as artifacts"), and download-artifact cannot get
// an expired one: a rerun that would need one remakes the stage that made it, and says so.
import { buildArtifactName } from "../artifacts/placement.js";
import type { Stage } from "./events.js";
import type { ReleaseState } from "./release-state.js";

/** An artifact of a run, as GitHub lists it. */
export interface RunArtifact {
  name: string;
  expired: boolean;
  expiresAt: string | null;
}

const USES_BUILD: readonly Stage[] = ["qualify", "compute-hashes", "sign-upload"];

/**
 * The earlier runs whose artifacts a rerun of `wanted` may download: the build's, when a stage that
 * uses its files runs without it (or the hashes may have to be made again); the hashes', when the PRs
 * are opened without publishing again.
 */
export function artifactRunsNeeded(
  state: ReleaseState,
  wanted: readonly Stage[],
): Partial<Record<"build" | "hashes", string>> {
  const needs: Partial<Record<"build" | "hashes", string>> = {};
  const published = state.stages["sign-upload"].runId;
  if (published && wanted.includes("open-downstream-prs") && !wanted.includes("sign-upload"))
    needs.hashes = published;
  const built = state.stages.build.runId;
  if (built && !wanted.includes("build") && (needs.hashes || wanted.some((s) => USES_BUILD.includes(s))))
    needs.build = built;
  return needs;
}

/** The stages to run again because the artifacts they would download are gone, and why. */
export function stagesToRemake(
  state: ReleaseState,
  wanted: readonly Stage[],
  listed: Readonly<Record<string, readonly RunArtifact[]>>,
  /** The build's targets and commit: each target's build-<target>-<commit> must still be there. */
  build: { targets: readonly string[]; commit: string | undefined },
): { stages: Stage[]; reasons: string[] } {
  const needs = artifactRunsNeeded(state, wanted);
  const stages: Stage[] = [];
  const reasons: string[] = [];
  // Each wanted artifact must be listed and not expired; a run not looked up is not judged (only what
  // GitHub listed can say an artifact is gone).
  const gone = (runId: string, wanted: readonly { label: string; is: (name: string) => boolean }[]) => {
    if (!(runId in listed)) return undefined;
    const artifacts = listed[runId] ?? [];
    const missing = wanted.filter((w) => !artifacts.some((a) => w.is(a.name)));
    const expired = artifacts.filter((a) => a.expired && wanted.some((w) => w.is(a.name)));
    if (missing.length > 0)
      return missing.length === wanted.length
        ? "are gone"
        : `are gone in part (${missing.map((m) => m.label).join(", ")})`;
    return expired.length > 0
      ? `expired${expired[0]?.expiresAt ? ` on ${expired[0].expiresAt.slice(0, 10)}` : ""}`
      : undefined;
  };
  const hashes = needs.hashes
    ? gone(needs.hashes, [{ label: "hashes", is: (n) => n === "hashes" }])
    : undefined;
  if (hashes) {
    stages.push("compute-hashes", "sign-upload");
    reasons.push(`the hashes of run ${needs.hashes} ${hashes}: hashed and uploaded again (the same files)`);
  }
  const buildUsed = hashes !== undefined || wanted.some((s) => USES_BUILD.includes(s));
  // By the ledger's commit when it has one; without it, any build of the target stands for it.
  const targetFiles = build.targets.map((t) => ({
    label: t,
    is: (n: string) =>
      build.commit ? n === buildArtifactName(t, build.commit) : n.startsWith(`build-${t}-`),
  }));
  const rebuild = needs.build && buildUsed ? gone(needs.build, targetFiles) : undefined;
  if (rebuild) {
    stages.push("build");
    // New files are qualified again before anything is published from them.
    if (state.stages.qualify.status !== "skipped") stages.push("qualify");
    reasons.push(
      `the build artifacts of run ${needs.build} ${rebuild}: built again from the same commit and build time`,
    );
  }
  return { stages, reasons };
}
