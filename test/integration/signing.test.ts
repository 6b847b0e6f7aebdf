import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ed25519Signer, gpgSigner, verifyGpg, verifyMinisign } from "../../src/adapters/storage/signing.js";
import { parseMinisignSignature } from "../../src/core/artifacts/minisign.js";
import { hasTool, makeEd25519Key, makeGpgKey } from "../support/tools.js";

let dir: string;
const withMinisign = hasTool("minisign", "minisign");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "signing-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function artifact(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("gpg signing", () => {
  it("signs with a passphrase-protected key in a throwaway home; gpg --verify accepts it and rejects a one-byte tamper", async () => {
    const key = makeGpgKey("correct horse");
    const file = artifact("valkey-1.0.0-jammy-x86_64.tar.gz", "artifact bytes\n");
    const signer = await gpgSigner(key.secret, "correct horse");
    const sig = await signer.sign(file, "valkey 1.0.0");
    const [pub] = await signer.writePublicKeys(dir);
    await signer.close();
    expect(readFileSync(sig, "utf8")).toContain("-----BEGIN PGP SIGNATURE-----");
    const home = mkdtempSync(join(tmpdir(), "verify-"));
    execFileSync("gpg", ["--homedir", home, "--batch", "--import", pub as string], { stdio: "ignore" });
    expect(spawnSync("gpg", ["--homedir", home, "--batch", "--verify", sig, file]).status).toBe(0);
    expect(await verifyGpg(file, sig, readFileSync(pub as string, "utf8"))).toEqual({
      ok: true,
      reason: "good signature",
    });
    appendFileSync(file, "x");
    expect(spawnSync("gpg", ["--homedir", home, "--batch", "--verify", sig, file]).status).not.toBe(0);
    expect((await verifyGpg(file, sig, readFileSync(pub as string, "utf8"))).ok).toBe(false);
    spawnSync("gpgconf", ["--homedir", home, "--kill", "all"]);
    rmSync(home, { recursive: true, force: true });
  });

  it("refuses a wrong passphrase and a key that is not a secret key, naming the problem", async () => {
    const key = makeGpgKey("right");
    const signer = await gpgSigner(key.secret, "wrong");
    await expect(signer.sign(artifact("a.txt", "a"), "c")).rejects.toThrow(
      "cannot sign a.txt: wrong or missing passphrase",
    );
    await signer.close();
    await expect(gpgSigner(key.publicKey)).rejects.toThrow(
      "the signing key is not an armored GnuPG secret key",
    );
  });

  it("leaves no private key material on disk after close", async () => {
    const key = makeGpgKey("p");
    const before = new Set(readdirSync(tmpdir()));
    const signer = await gpgSigner(key.secret, "p");
    await signer.sign(artifact("b.txt", "b"), "c");
    await signer.close();
    const left = readdirSync(tmpdir()).filter((n) => !before.has(n) && n.startsWith("release-relay-gpg-"));
    expect(left).toEqual([]);
  });
});

describe("ed25519 (minisign-compatible) signing", () => {
  it("writes .minisig files that our verifier and openssl accept, and a tamper that both refuse", async () => {
    const signer = ed25519Signer(makeEd25519Key());
    const file = artifact("valkey-1.0.0-noble-arm64.tar.gz", "arm64 bytes\n".repeat(1000));
    const sig = await signer.sign(file, "valkey 1.0.0 timestamp:1736244000");
    const [pub, pem] = await signer.writePublicKeys(dir);
    const sigText = readFileSync(sig, "utf8");
    expect(await verifyMinisign(file, sigText, readFileSync(pub as string, "utf8"))).toEqual({
      ok: true,
      reason: "signed: valkey 1.0.0 timestamp:1736244000",
    });
    // openssl: the raw Ed25519 signature over BLAKE2b-512 of the file, with the PEM public key.
    const digest = join(dir, "digest.bin");
    const rawSig = join(dir, "sig.bin");
    writeFileSync(digest, execFileSync("openssl", ["dgst", "-blake2b512", "-binary", file]));
    writeFileSync(rawSig, parseMinisignSignature(sigText).signature);
    const opensslVerify = () =>
      spawnSync("openssl", [
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        pem as string,
        "-rawin",
        "-in",
        digest,
        "-sigfile",
        rawSig,
      ]);
    expect(opensslVerify().status).toBe(0);
    appendFileSync(file, "!");
    expect((await verifyMinisign(file, sigText, readFileSync(pub as string, "utf8"))).ok).toBe(false);
    writeFileSync(digest, execFileSync("openssl", ["dgst", "-blake2b512", "-binary", file]));
    expect(opensslVerify().status).not.toBe(0);
  });

  it("detects an altered trusted comment and a signature from another key", async () => {
    const signer = ed25519Signer(makeEd25519Key());
    const other = ed25519Signer(makeEd25519Key());
    const file = artifact("c.txt", "c");
    const sigText = readFileSync(await signer.sign(file, "valkey 1.0.0"), "utf8");
    const otherDir = mkdtempSync(join(tmpdir(), "other-"));
    const [otherPub] = await other.writePublicKeys(otherDir);
    const [pub] = await signer.writePublicKeys(dir);
    expect(
      await verifyMinisign(
        file,
        sigText.replace("valkey 1.0.0", "valkey 6.6.6"),
        readFileSync(pub as string, "utf8"),
      ),
    ).toEqual({ ok: false, reason: "trusted comment was altered" });
    expect((await verifyMinisign(file, sigText, readFileSync(otherPub as string, "utf8"))).reason).toBe(
      "signed with another key",
    );
    rmSync(otherDir, { recursive: true, force: true });
  });

  it("refuses a key that is not Ed25519", () => {
    const rsa = execFileSync("openssl", [
      "genpkey",
      "-algorithm",
      "rsa",
      "-pkeyopt",
      "rsa_keygen_bits:1024",
    ]).toString();
    expect(() => ed25519Signer(rsa)).toThrow("the signing key is rsa, not ed25519");
    expect(() => ed25519Signer("not a key")).toThrow("not a PEM private key");
  });

  it.skipIf(!withMinisign)("is verified by the minisign tool itself, which refuses a tamper", async () => {
    const signer = ed25519Signer(makeEd25519Key());
    const file = artifact("valkey-1.0.0.tar.gz", "source\n");
    await signer.sign(file, "valkey 1.0.0");
    const [pub] = await signer.writePublicKeys(dir);
    const ok = spawnSync("minisign", ["-V", "-p", pub as string, "-m", file]);
    expect(ok.stdout.toString()).toContain("Signature and comment signature verified");
    expect(ok.status).toBe(0);
    appendFileSync(file, "x");
    expect(spawnSync("minisign", ["-V", "-p", pub as string, "-m", file]).status).not.toBe(0);
  });
});
