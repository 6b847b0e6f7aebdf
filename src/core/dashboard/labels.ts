/** What release-relay puts a label on: the tracking issue, or a downstream's release PR. */
export type LabelUse = "tracking" | "downstream-pr";

/** A label as it is created when the repo lacks it (REST "Create a label": color without "#"). */
export interface LabelLook {
  color: string;
  description: string;
}

/**
 * The colour and description of a label release-relay creates. Only a label the repo lacks is
 * created; one that exists is used as it is (its owner may have chosen another colour).
 */
export function labelLook(use: LabelUse): LabelLook {
  return use === "tracking"
    ? { color: "0e8a16", description: "A release tracked by release-relay" }
    : { color: "1d76db", description: "A release change proposed by release-relay" };
}
