// The payload a dispatch downstream receives: the release's published files with their hashes, so
// the receiver (e.g. an image build) uses the binaries already built and checks what it downloads.
import { z } from "zod";
import type { ArtifactHash } from "../artifacts/checksums.js";
import type { Config } from "../config/schema.js";
import { assertDispatchPayloadFits } from "../request/dispatch-payload.js";
import type { Version } from "../request/version.js";

/** `client_payload` of the dispatch, schema version 1 (GitHub allows at most 10 top-level properties). */
export const releasePublishedSchema = z.strictObject({
  schemaVersion: z.literal(1),
  releaseId: z.string(),
  version: z.string(),
  tag: z.string(),
  prerelease: z.boolean(),
  /** The downstream's own name in release-relay.yml, for its report back. */
  downstream: z.string(),
  artifacts: z.array(
    z.strictObject({
      name: z.string(),
      kind: z.enum(["source-archive", "binary", "checksums", "signature"]),
      url: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      size: z.number().int().nonnegative(),
    }),
  ),
  trackingIssueUrl: z.string().optional(),
});

export type ReleasePublished = z.infer<typeof releasePublishedSchema>;

/** What a dispatch downstream is sent; only files with a public URL are listed. */
export function buildReleasePublished(
  config: Config,
  version: Version,
  downstream: string,
  hashes: readonly ArtifactHash[],
  trackingIssueUrl: string | undefined,
): ReleasePublished {
  const payload = releasePublishedSchema.parse({
    schemaVersion: 1,
    releaseId: `${config.project}@${version.version}`,
    version: version.version,
    tag: version.tag,
    prerelease: version.isPrerelease,
    downstream,
    artifacts: hashes.flatMap((h) =>
      h.url ? [{ name: h.name, kind: h.kind, url: h.url, sha256: h.sha256, size: h.size }] : [],
    ),
    ...(trackingIssueUrl ? { trackingIssueUrl } : {}),
  });
  return assertDispatchPayloadFits(`dispatch to ${downstream}`, payload);
}
