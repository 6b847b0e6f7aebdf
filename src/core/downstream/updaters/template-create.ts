import { ReleaseRelayError } from "../../errors.js";

/** Creates a file from its rendered template; the same file is a no-op, a different one is never overwritten. */
export function templateCreate(existing: string | undefined, rendered: string, file: string): string {
  if (existing === undefined || existing === rendered) return rendered;
  throw new ReleaseRelayError(
    "E_DOWNSTREAM",
    `${file} already exists with different content`,
    "release-relay never overwrites a published page: remove or fix it by hand if it is wrong",
  );
}
