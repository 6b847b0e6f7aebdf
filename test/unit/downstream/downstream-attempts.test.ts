import { describe, expect, it } from "vitest";
import {
  dispatchSent,
  knownWithoutPullRequest,
  notAttemptedAfter,
} from "../../../src/core/downstream/downstream-attempts.js";
import { releaseBranch } from "../../../src/core/downstream/release-branch.js";

describe("which downstreams a stage attempts", () => {
  it("does not attempt a downstream that comes after a failed one, naming those in the order they failed", () => {
    const refused = notAttemptedAfter(
      ["website", "container"],
      ["hashes", "container", "website"],
      "which failed",
    );
    expect(refused?.code).toBe("E_DOWNSTREAM");
    expect(refused?.message).toBe("not attempted: it comes after container, website, which failed");
    expect(refused?.hint).toBe("fix that downstream first; a rerun then does both");
    expect(notAttemptedAfter(["container"], new Set(["hashes"]), "whose generator failed")).toBeUndefined();
    expect(notAttemptedAfter([], ["hashes"], "which failed")).toBeUndefined();
  });

  it("never sends a dispatch the ledger records as sent; an unknown list sends it", () => {
    expect(dispatchSent(["container"], "container")).toBe(true);
    expect(dispatchSent(["hashes"], "container")).toBe(false);
    expect(dispatchSent(undefined, "container")).toBe(false);
  });

  it("knows a release branch holds no PR only when the ledger's list is known and leaves it out", () => {
    expect(knownWithoutPullRequest(["hashes"], "website")).toBe(true);
    expect(knownWithoutPullRequest(["hashes"], "hashes")).toBe(false);
    expect(knownWithoutPullRequest(undefined, "website")).toBe(false);
  });
});

describe("the release branch", () => {
  it("is one per release and downstream", () => {
    expect(releaseBranch("8.0.2", "hashes")).toBe("release-relay/8.0.2/hashes");
    expect(releaseBranch("8.1.0-rc1", "website")).toBe("release-relay/8.1.0-rc1/website");
  });
});
