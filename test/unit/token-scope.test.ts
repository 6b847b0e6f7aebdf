import { describe, expect, it } from "vitest";
import { scopedGrant, type TokenGrant } from "../../src/rehearsal/github/permissions.js";

// One App installed on an owner's repos, as init tells a project to grant it.
const installation: TokenGrant = {
  login: "release-relay[bot]",
  repos: {
    "acme/release": ["contents:write", "issues:write"],
    "acme/hashes": ["contents:write", "pull_requests:write", "actions:read"],
    "other/site": ["contents:write"],
  },
};

describe("an installation token minted as create-github-app-token asks GitHub for it", () => {
  it("covers only the repositories asked for: one repo, or every repo of an owner", () => {
    expect(Object.keys((scopedGrant(installation, { repos: ["acme/release"] }) as TokenGrant).repos)).toEqual(
      ["acme/release"],
    );
    expect(Object.keys((scopedGrant(installation, { owner: "acme" }) as TokenGrant).repos)).toEqual([
      "acme/release",
      "acme/hashes",
    ]);
  });

  it("narrows to the permissions asked for, never widens, and refuses one the installation lacks", () => {
    const narrowed = scopedGrant(installation, {
      owner: "acme",
      permissions: { contents: "read", pull_requests: "write" },
    }) as TokenGrant;
    expect(narrowed.repos).toEqual({
      "acme/release": ["contents:read"],
      "acme/hashes": ["contents:read", "pull_requests:write"],
    });
    expect(scopedGrant(installation, { owner: "acme", permissions: { actions: "write" } })).toBe(
      "The permissions requested are not granted to this installation: actions: write",
    );
  });
});
