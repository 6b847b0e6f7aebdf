import { spawn } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import {
  formatMinisignPublicKey,
  formatMinisignSignature,
  parseMinisignPublicKey,
  parseMinisignSignature,
} from "../../core/artifacts/minisign.js";
import { ReleaseRelayError } from "../../core/errors.js";

/** A signer for one release: signs files, publishes its public key, forgets its secrets on close. */
export interface Signer {
  method: "gpg" | "ed25519";
  /** Writes the detached signature beside `file`; returns its path. */
  sign(file: string, trustedComment: string): Promise<string>;
  /** Signs bytes (a DSSE envelope's PAE): the raw signature and the id of the key that made it. */
  signBytes(data: Uint8Array): Promise<{ keyid: string; sig: Buffer }>;
  /** Writes the public key file(s) into `dir`; returns their paths. */
  writePublicKeys(dir: string): Promise<string[]>;
  close(): Promise<void>;
}

async function blake2b(file: string): Promise<Buffer> {
  const h = createHash("blake2b512");
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest();
}

/** Minisign key id: the first 8 bytes of BLAKE2b-512(public key), so one key always has one id. */
function keyIdOf(publicKey: Buffer): Buffer {
  return createHash("blake2b512").update(publicKey).digest().subarray(0, 8);
}

function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from((key.export({ format: "jwk" }) as { x: string }).x, "base64url");
}

/** A minisign key id as minisign prints it (and as minisign.pub's comment names it). */
const minisignKeyIdText = (keyId: Buffer): string =>
  Buffer.from(keyId).reverse().toString("hex").toUpperCase();

/** Ed25519 signer writing minisign-compatible `.minisig` files; the key stays in memory, never on disk. */
export function ed25519Signer(privateKeyPem: string): Signer {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new ReleaseRelayError(
      "E_INPUT",
      "the signing key is not a PEM private key",
      "store `openssl genpkey -algorithm ed25519` output in the signing secret",
    );
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new ReleaseRelayError(
      "E_INPUT",
      `the signing key is ${privateKey.asymmetricKeyType}, not ed25519`,
      "generate one with `openssl genpkey -algorithm ed25519`",
    );
  }
  const publicKey = createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  const keyId = keyIdOf(raw);
  return {
    method: "ed25519",
    async sign(file, trustedComment) {
      const signature = sign(null, await blake2b(file), privateKey);
      const globalSignature = sign(null, Buffer.concat([signature, Buffer.from(trustedComment)]), privateKey);
      const out = `${file}.minisig`;
      await writeFile(
        out,
        formatMinisignSignature(
          { keyId, signature, trustedComment, globalSignature },
          "signature from release-relay",
        ),
      );
      return out;
    },
    async signBytes(data) {
      return { keyid: minisignKeyIdText(keyId), sig: sign(null, data, privateKey) };
    },
    async writePublicKeys(dir) {
      const pub = join(dir, "minisign.pub");
      const pem = join(dir, "release-key.pem");
      await writeFile(pub, formatMinisignPublicKey(keyId, raw));
      await writeFile(pem, publicKey.export({ type: "spki", format: "pem" }) as string);
      return [pub, pem];
    },
    async close() {},
  };
}

/** Verifies a `.minisig` against a minisign public key: the file's signature and the trusted comment's. */
export async function verifyMinisign(
  file: string,
  signatureText: string,
  publicKeyText: string,
): Promise<{ ok: boolean; reason: string }> {
  const sig = parseMinisignSignature(signatureText);
  const pub = parseMinisignPublicKey(publicKeyText);
  if (!sig.keyId.equals(pub.keyId)) return { ok: false, reason: "signed with another key" };
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: pub.publicKey.toString("base64url") },
    format: "jwk",
  });
  if (!verify(null, await blake2b(file), key, sig.signature))
    return { ok: false, reason: "signature does not match the file" };
  if (
    !verify(null, Buffer.concat([sig.signature, Buffer.from(sig.trustedComment)]), key, sig.globalSignature)
  ) {
    return { ok: false, reason: "trusted comment was altered" };
  }
  return { ok: true, reason: `signed: ${sig.trustedComment}` };
}

/** Runs gpg with a private home; the passphrase, if any, goes through stdin, never argv. */
function gpg(
  home: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("gpg", ["--homedir", home, "--batch", "--no-tty", ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      // Only what gpg needs: the step's environment holds the key and tokens as INPUT_* variables.
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GNUPGHOME: home, LANG: "C" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", (e) =>
      reject(new ReleaseRelayError("E_INPUT", `cannot run gpg: ${e.message}`, "install gnupg")),
    );
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

/**
 * A throwaway 0700 GNUPGHOME, removed by the returned cleanup. Made in the job's RUNNER_TEMP, which
 * "is emptied at the beginning and end of each job" (GitHub docs, variables reference), so a job
 * killed before its cleanup leaves no key behind on a self-hosted runner either (unless that path
 * is too long for gpg-agent's socket, 107 bytes).
 */
async function privateHome(): Promise<{ home: string; remove: () => Promise<void> }> {
  const runnerTemp = process.env.RUNNER_TEMP;
  const base = runnerTemp && runnerTemp.length <= 60 ? runnerTemp : tmpdir();
  const home = await mkdtemp(join(base, "release-relay-gpg-"));
  await chmod(home, 0o700);
  // gpg-agent re-protects an imported secret key with a passphrase hash it first calibrates to take
  // 100 ms, and pays that again to sign: about 1.5 s of CPU per release. Here that protection guards
  // a copy that lives only while the job signs, in this 0700 directory, beside a process whose
  // environment holds the passphrase itself: GnuPG's smallest count (gpg-agent 2.2.2 and later).
  await writeFile(join(home, "gpg-agent.conf"), "s2k-count 65536\n", { mode: 0o600 });
  return {
    home,
    remove: async () => {
      // The agent is stopped first: it holds the key in memory and its sockets in the home.
      await new Promise<void>((resolve) =>
        spawn("gpgconf", ["--homedir", home, "--kill", "all"], { stdio: "ignore" })
          .on("error", () => resolve())
          .on("close", () => resolve()),
      );
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** GnuPG signer: imports the armored secret key into a throwaway home; `.asc` detached signatures. */
export async function gpgSigner(armoredKey: string, passphrase?: string): Promise<Signer> {
  const { home, remove } = await privateHome();
  const imported = await gpg(
    home,
    ["--import", "--import-options", "import-show", "--with-colons"],
    armoredKey,
  );
  const fingerprint = /^fpr:+([0-9A-F]{40,64}):/m.exec(imported.stdout)?.[1];
  if (imported.code !== 0 || !fingerprint || !/^sec:/m.test(imported.stdout)) {
    await remove();
    throw new ReleaseRelayError(
      "E_INPUT",
      "the signing key is not an armored GnuPG secret key",
      "store `gpg --armor --export-secret-keys KEYID` in the signing secret",
    );
  }
  const passArgs =
    passphrase !== undefined
      ? ["--pinentry-mode", "loopback", "--passphrase-fd", "0"]
      : ["--pinentry-mode", "loopback", "--passphrase", ""];
  const signFile = async (file: string): Promise<string> => {
    const out = `${file}.asc`;
    const result = await gpg(
      home,
      [...passArgs, "--yes", "--armor", "--detach-sign", "--local-user", fingerprint, "--output", out, file],
      passphrase,
    );
    if (result.code !== 0) {
      const reason = /bad passphrase|No passphrase|Bad passphrase/i.test(result.stderr)
        ? "wrong or missing passphrase"
        : "gpg failed";
      throw new ReleaseRelayError(
        "E_INPUT",
        `cannot sign ${basename(file)}: ${reason}`,
        "check the signing key and passphrase secrets",
      );
    }
    return out;
  };
  return {
    method: "gpg",
    sign: signFile,
    async signBytes(data) {
      // gpg signs files: the bytes go through a file of this signer's private home.
      const input = join(home, "dsse-pae");
      await writeFile(input, data);
      const out = await signFile(input);
      const armored = await readFile(out, "utf8");
      await rm(out, { force: true });
      return { keyid: fingerprint, sig: dearmor(armored) };
    },
    async writePublicKeys(dir) {
      const out = join(dir, "release-key.asc");
      const exported = await gpg(home, ["--armor", "--export", fingerprint]);
      await writeFile(out, exported.stdout);
      return [out];
    },
    close: remove,
  };
}

/** The binary OpenPGP packets of an armored block (its base64 lines, without headers and checksum). */
function dearmor(armored: string): Buffer {
  const body = armored.split(/\r?\n\r?\n/)[1] ?? "";
  return Buffer.from(
    body
      .split(/\r?\n/)
      .filter((l) => l !== "" && !l.startsWith("=") && !l.startsWith("-----"))
      .join(""),
    "base64",
  );
}

/**
 * Verifies a raw signature over bytes (a DSSE envelope's PAE) with the release's public key: an
 * OpenPGP detached signature for a gpg key, an Ed25519 signature for a minisign key.
 */
export async function verifyBytes(
  data: Uint8Array,
  signature: Uint8Array,
  publicKeyText: string,
): Promise<{ ok: boolean; reason: string }> {
  if (publicKeyText.includes("PGP PUBLIC KEY")) {
    const dir = await mkdtemp(join(tmpdir(), "release-relay-dsse-"));
    try {
      await writeFile(join(dir, "data"), data);
      await writeFile(join(dir, "data.sig"), signature);
      return await verifyGpg(join(dir, "data"), join(dir, "data.sig"), publicKeyText);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const pub = parseMinisignPublicKey(publicKeyText);
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: pub.publicKey.toString("base64url") },
    format: "jwk",
  });
  return verify(null, data, key, signature)
    ? { ok: true, reason: `signed by ${minisignKeyIdText(pub.keyId)}` }
    : { ok: false, reason: "signature does not match the statement" };
}

/** Verifies a detached `.asc` with the given armored public key, in a throwaway keyring. */
export async function verifyGpg(
  file: string,
  signature: string,
  armoredPublicKey: string,
): Promise<{ ok: boolean; reason: string }> {
  const { home, remove } = await privateHome();
  try {
    await gpg(home, ["--import"], armoredPublicKey);
    const result = await gpg(home, ["--status-fd", "1", "--verify", signature, file]);
    const good = /^\[GNUPG:\] VALIDSIG /m.test(result.stdout);
    return {
      ok: result.code === 0 && good,
      reason: good ? "good signature" : /BADSIG/.test(result.stdout) ? "bad signature" : "no valid signature",
    };
  } finally {
    await remove();
  }
}

/** Reads a public key file for verification. */
export async function readPublicKey(path: string): Promise<string> {
  return readFile(path, "utf8");
}
