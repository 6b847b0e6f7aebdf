import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  actionsRepoOf,
  parseActionsRef,
  pinnedUses,
  pinWorkflow,
  repinWorkflow,
  usesVendoredActions,
} from "../../../src/core/install/action-pins.js";
import { pinFinding } from "../../../src/core/install/installed-pins.js";

const template = (path: string) =>
  readFileSync(join(import.meta.dirname, "../../../workflows-templates", path), "utf8");
const PIN = { repo: "relay-org/release-relay", sha: "a".repeat(40), version: "1.4.0" };
const OTHER = { ...PIN, sha: "b".repeat(40), version: "1.3.0" };

describe("pinning release-relay's actions in the installed workflows", () => {
  it("names every one of our actions by the pinned commit, with the version beside it", () => {
    const release = pinWorkflow(template("automation/release.yml"), PIN);
    expect(usesVendoredActions(release)).toBe(false);
    expect(release).toContain(
      `uses: relay-org/release-relay/actions/build-matrix@${"a".repeat(40)} # v1.4.0\n`,
    );
    const uses = pinnedUses(release, PIN.repo);
    expect(new Set(uses.map((u) => u.action))).toEqual(
      new Set([
        "app-installations",
        "doctor",
        "build-matrix",
        "track-status",
        "compute-hashes",
        "sign-upload",
        "generate-downstream-edits",
        "open-downstream-prs",
      ]),
    );
    expect(uses.every((u) => u.sha === PIN.sha && u.version === "1.4.0")).toBe(true);
    // Third-party actions keep their own pins.
    expect(release).toContain("uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2");
  });

  it("uses the trigger from the actions repo's root and drops the checkout only the vendored trigger needed", () => {
    const vendored = template("main-repo/release.yml");
    expect(vendored).toContain("sparse-checkout: .github/release-relay");
    const pinned = pinWorkflow(vendored, PIN);
    expect(pinned).toContain(`uses: relay-org/release-relay@${"a".repeat(40)} # v1.4.0\n`);
    expect(pinned).not.toContain("actions/checkout");
    expect(pinned).not.toContain("sparse-checkout");
    expect(pinnedUses(pinned, PIN.repo)).toEqual([{ sha: PIN.sha, version: "1.4.0" }]);
    // The step after the dropped checkout is intact.
    expect(pinned).toMatch(/steps:\n {6}- name: Name the automation repo\n/);
  });

  it("repins only the actions repo's references, and is the inverse of another pin", () => {
    const at = pinWorkflow(template("automation/yank.yml"), OTHER);
    const repinned = repinWorkflow(at, PIN.repo, PIN);
    expect(repinned).toBe(pinWorkflow(template("automation/yank.yml"), PIN));
    expect(repinWorkflow(at, "someone/else", PIN)).toBe(at);
  });

  it("reads the actions repo from package.json's repository in its usual spellings", () => {
    expect(actionsRepoOf("relay-org/release-relay")).toBe("relay-org/release-relay");
    expect(actionsRepoOf("github:relay-org/release-relay")).toBe("relay-org/release-relay");
    expect(actionsRepoOf({ type: "git", url: "git+https://github.com/relay-org/release-relay.git" })).toBe(
      "relay-org/release-relay",
    );
    expect(actionsRepoOf({ url: "https://gitlab.com/relay-org/release-relay.git" })).toBeUndefined();
    expect(actionsRepoOf(undefined)).toBeUndefined();
  });

  it("takes --actions-ref only as OWNER/REPO@ a full commit SHA", () => {
    expect(parseActionsRef(`relay-org/release-relay@${"c".repeat(40)}`, "1.0.0")).toEqual({
      repo: "relay-org/release-relay",
      sha: "c".repeat(40),
      version: "1.0.0",
    });
    for (const bad of [
      "relay-org/release-relay@v1.4.0",
      "relay-org/release-relay@abc123",
      `release-relay@${"c".repeat(40)}`,
    ])
      expect(() => parseActionsRef(bad, "1.0.0"), bad).toThrow();
  });
});

describe("the doctor's check of the pins", () => {
  const pins = (...uses: { sha: string; version?: string }[]) =>
    new Map(uses.map((u, i) => [`.github/workflows/w${i}.yml`, [u]]));

  it("passes one commit of this version everywhere", () => {
    expect(pinFinding("acme/release", pins(PIN, PIN), "1.4.0", true)).toMatchObject({ ok: true });
    expect(pinFinding("acme/hashes", new Map(), "1.4.0", true)).toBeUndefined();
  });

  it("fails workflows that pin different commits, naming each, with upgrade as the fix", () => {
    const f = pinFinding("acme/release", pins(PIN, OTHER), "1.4.0", false);
    expect(f).toMatchObject({ ok: false });
    expect(f?.problem).toContain("2 different commits");
    expect(f?.problem).toContain("w1.yml → bbbbbbbbbbbb (v1.3.0)");
    expect(f?.fix).toContain("npx release-relay@1.4.0 upgrade");
  });

  it("fails another version where the release runs it, and warns elsewhere", () => {
    expect(pinFinding("acme/release", pins(OTHER), "1.4.0", true)).toMatchObject({ ok: false });
    expect(pinFinding("acme/acme", pins(OTHER), "1.4.0", false)).toMatchObject({ ok: true, warn: true });
  });
});
