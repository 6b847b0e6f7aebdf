import type { Downstream } from "../../core/config/schema.js";
import { applyEdits, type EditedFile, editedPaths } from "../../core/downstream/edits.js";
import { type GeneratedEdits, generatedFor } from "../../core/downstream/generated-edits.js";
import type { EditValues } from "../../core/downstream/template.js";
import { ReleaseRelayError } from "../../core/errors.js";
import { editsDigest } from "./generated-edits-file.js";
import type { DownstreamPullRequests } from "./pull-request.js";

/** What one downstream's PR holds: its base as read now, and the files as the release wants them. */
export interface DownstreamChange {
  current: Awaited<ReturnType<DownstreamPullRequests["readBase"]>>;
  edited: EditedFile[];
  executable: Set<string>;
}

/** A downstream whose edits are release-relay's own: applied here to the files read from its base. */
export async function appliedChange(
  prs: DownstreamPullRequests,
  d: Downstream,
  values: EditValues,
  prerelease: boolean,
  templates: (path: string) => string | undefined,
): Promise<DownstreamChange> {
  const current = await prs.readBase(editedPaths(d.edits, values, prerelease));
  const edited = applyEdits(d.edits, (p) => current.files.get(p), values, prerelease, templates);
  return { current, edited, executable: new Set<string>() };
}

/**
 * A downstream whose edits run its repo's own script: the generate job ran them all, without a
 * token, on the base commit it names; here its files are only published and its outputs passed on
 * (into `values`). A base that moved since is refused rather than given files made from another.
 */
export async function generatedChange(
  prs: DownstreamPullRequests,
  d: Downstream,
  handedOver: GeneratedEdits | ReleaseRelayError | undefined,
  version: string,
  values: EditValues,
): Promise<DownstreamChange> {
  if (handedOver instanceof ReleaseRelayError) throw handedOver;
  const generated = generatedFor(handedOver, d, version, editsDigest(d));
  // The files' old contents are only shown, in a dry-run's diff.
  const current = await prs.readBase(d.mode === "dry-run" ? generated.files.map((f) => f.path) : []);
  if (current.sha !== generated.baseSha)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${d.repo}'s ${current.base} moved from ${generated.baseSha.slice(0, 12)} to ${current.sha.slice(0, 12)} after its script ran`,
      "rerun the open-downstream-prs stage: the script then runs on the new base",
    );
  for (const [k, v] of Object.entries(generated.outputs)) values[`${d.name}.${k}`] = v;
  return {
    current,
    edited: generated.files.map((f) => ({
      path: f.path,
      before: current.files.get(f.path),
      after: f.content,
    })),
    executable: new Set(generated.files.filter((f) => f.executable).map((f) => f.path)),
  };
}
