// The rules of the hash and publish stages: which built files a plan takes, what hashes.json lists,
// where each file is published, and what is signed with which key.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHashesFile } from "../../../src/core/artifacts/checksums.js";
import {
  checkPlannedArtifacts,
  checkSourceArchiveCommit,
  hashEntry,
  parsePlanInput,
} from "../../../src/core/artifacts/hash-manifest.js";
import { isSignatureFile, publishedKey, publishedManifest } from "../../../src/core/artifacts/publication.js";
import {
  checkPublishedSignature,
  signatureKey,
  signedComment,
  signingMethod,
} from "../../../src/core/artifacts/signing-policy.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { planRelease } from "../../../src/core/request/plan.js";
import { parseTag } from "../../../src/core/request/version.js";
import { checkDoctorPassed } from "../../../src/core/setup/doctor.js";

const config = parseConfig(
  readFileSync(join(import.meta.dirname, "../../../examples/cachet/release-relay.yml"), "utf8"),
);
const SHA = "a".repeat(40);
const plan = planRelease({
  config,
  version: parseTag("1.2.1", config.tags.pattern),
  commit: SHA,
  requestedAt: "2026-11-30T10:00:00Z",
  serverUrl: "https://github.com",
});
const binaries = plan.artifacts.filter((a) => a.kind === "binary");
const built = binaries.map((a) => ({ name: a.name, artifact: `build-${a.target}-${SHA}` }));
const DIGEST = "1".repeat(64);

describe("the files the hash stage takes", () => {
  it("takes exactly the plan's binaries, each from its own target's build", () => {
    expect(() => checkPlannedArtifacts(built, plan)).not.toThrow();
    expect(() => checkPlannedArtifacts(built.slice(1), plan)).toThrow(
      `missing artifacts: ${binaries[0]?.name}`,
    );
    expect(() =>
      checkPlannedArtifacts([...built, { name: "extra.tar.gz", artifact: undefined }], plan),
    ).toThrow("artifacts not in the plan: extra.tar.gz");
    const swapped = built.map((f, i) => ({ ...f, artifact: built[(i + 1) % built.length]?.artifact }));
    expect(() => checkPlannedArtifacts(swapped, plan)).toThrow("artifacts from the wrong build");
  });

  it("refuses a source archive of another commit than the one built", () => {
    expect(() => checkSourceArchiveCommit(undefined, plan, "u")).not.toThrow();
    expect(() => checkSourceArchiveCommit(SHA, plan, "u")).not.toThrow();
    expect(() => checkSourceArchiveCommit("b".repeat(40), plan, "u")).toThrow(
      `is of commit ${"b".repeat(40)}, not ${SHA}`,
    );
  });

  it("reads the plan input like every JSON input", () => {
    expect(parsePlanInput(JSON.stringify(plan))).toEqual(plan);
    expect(() => parsePlanInput("{")).toThrow("input plan is not JSON");
    expect(() => parsePlanInput('{"schemaVersion": 2}')).toThrow("input plan is not valid");
  });

  it("lists each file at its planned key and URL, and a sha512 only when taken", () => {
    expect(hashEntry("f", "binary", { size: 3, sha256: DIGEST }, { key: "k", url: "u" })).toEqual({
      name: "f",
      kind: "binary",
      size: 3,
      sha256: DIGEST,
      key: "k",
      url: "u",
    });
    expect(hashEntry("f", "binary", { size: 3, sha256: DIGEST, sha512: "2".repeat(128) })).toEqual({
      name: "f",
      kind: "binary",
      size: 3,
      sha256: DIGEST,
      sha512: "2".repeat(128),
    });
  });
});

describe("a hashes.json", () => {
  it("names every problem, where it is, with the fix", () => {
    expect(() => parseHashesFile("[", "hashes-file h.json")).toThrow("hashes-file h.json is not JSON");
    const bad = JSON.stringify([{ name: "../x", kind: "binary", size: 1, sha256: "0".repeat(64) }]);
    expect(() => parseHashesFile(bad, "hashes-file h.json")).toThrow(
      /\[0\]\.name: .*\n.*\[0\]\.sha256: an all-zero/,
    );
    const good = [{ name: "x.tar.gz", kind: "binary" as const, size: 1, sha256: DIGEST }];
    expect(parseHashesFile(JSON.stringify(good), "hashes-file h.json")).toEqual(good);
  });
});

describe("where each file is published", () => {
  it("keeps the planned key, moved under a prefix input", () => {
    expect(publishedKey(config, "1.2.1", "releases/", { name: "x", key: "releases/x" })).toBe("releases/x");
    expect(publishedKey(config, "1.2.1", "test/", { name: "x", key: "releases/x" })).toBe("test/x");
    expect(publishedKey(config, "1.2.1", "test/", { name: "SHA256SUMS" })).toBe(
      "test/cachet-1.2.1-SHA256SUMS",
    );
    expect(publishedKey(config, "1.2.1", "test/", { name: "x", key: "elsewhere/x" })).toBe("elsewhere/x");
  });

  it("publishes the manifest with every file at its published key, then the signatures", () => {
    const a = { name: "a", kind: "binary" as const, size: 1, sha256: DIGEST, key: "releases/a" };
    const b = { name: "b", kind: "binary" as const, size: 1, sha256: DIGEST };
    const sig = {
      name: "a.minisig",
      kind: "signature" as const,
      size: 1,
      sha256: DIGEST,
      key: "test/a.minisig",
    };
    expect(publishedManifest([a, b], new Map([["a", "test/a"]]), [sig])).toEqual([
      { ...a, key: "test/a" },
      b,
      sig,
    ]);
    expect(["a.asc", "a.minisig", "a.tar.gz", "minisign.pub"].map(isSignatureFile)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("what is signed, and with what", () => {
  it("signs with the config's method, which needs its key; none signs nothing", () => {
    expect(signingMethod({ method: "none" }, "k")).toBeUndefined();
    expect(signingMethod(config.signing, "k")).toEqual({ method: "ed25519", key: "k" });
    expect(() => signingMethod(config.signing, undefined)).toThrow(
      "signing.method is ed25519 but no signing-key was given",
    );
  });

  it("signs the project, version, name and digest; the signature sits beside its file's key", () => {
    expect(signedComment("cachet", "1.2.1", "a.tar.gz", DIGEST)).toBe(
      `cachet 1.2.1 a.tar.gz sha256:${DIGEST}`,
    );
    expect(signatureKey("releases/a.tar.gz", "/w/dist/a.tar.gz", "/w/dist/a.tar.gz.minisig")).toBe(
      "releases/a.tar.gz.minisig",
    );
  });

  it("keeps a published signature only when it is valid", () => {
    expect(() => checkPublishedSignature("k.asc", "a", { ok: true })).not.toThrow();
    expect(() => checkPublishedSignature("k.asc", "a", { ok: false, reason: "bad" })).toThrow(
      "s3 object k.asc is not a valid signature of a by this key (bad)",
    );
  });
});

describe("the doctor's gate", () => {
  it("stops a release on a failed check, not on a warning", () => {
    expect(() =>
      checkDoctorPassed([
        { check: "a", ok: true },
        { check: "b", ok: true, warn: true, problem: "p", fix: "f" },
      ]),
    ).not.toThrow();
    expect(() =>
      checkDoctorPassed([
        { check: "a", ok: true },
        { check: "b", ok: false, problem: "p", fix: "f" },
      ]),
    ).toThrow("1 of 2 checks failed before the release started");
  });
});
