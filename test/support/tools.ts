import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Whether a Debian tool some tests need is installed. In CI it must be (`.ci/run` installs it):
 * a missing tool fails there; elsewhere the tests that need it are skipped with the reason.
 */
export function hasTool(command: string, debianPackage: string): boolean {
  const found = spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
  if (!found) {
    const message = `${command} is not installed: tests that need it are skipped (install it: apt-get install -y ${debianPackage})`;
    if (process.env.CI) throw new Error(`${message} — CI must run them`);
    process.stderr.write(`SKIPPED: ${message}\n`);
  }
  return found;
}

/** A fresh GnuPG secret key (armored, protected by `passphrase`) for signing tests. */
export function makeGpgKey(passphrase: string): { secret: string; publicKey: string; fingerprint: string } {
  const home = mkdtempSync(join(tmpdir(), "test-gpg-"));
  // A test key needs no costly passphrase hashing (gpg-agent calibrates it to 100 ms a use).
  writeFileSync(join(home, "gpg-agent.conf"), "s2k-count 65536\n");
  try {
    const gpg = (args: string[], input?: string) =>
      execFileSync("gpg", ["--homedir", home, "--batch", "--pinentry-mode", "loopback", ...args], {
        input,
        stdio: ["pipe", "pipe", "ignore"],
      }).toString();
    gpg([
      "--passphrase",
      passphrase,
      "--quick-gen-key",
      "Release Signing <release@example.org>",
      "ed25519",
      "sign",
      "never",
    ]);
    const fingerprint = /^fpr:+([0-9A-F]+):/m.exec(
      gpg(["--with-colons", "--list-secret-keys"]),
    )?.[1] as string;
    return {
      secret: gpg(["--passphrase", passphrase, "--armor", "--export-secret-keys", fingerprint]),
      publicKey: gpg(["--armor", "--export", fingerprint]),
      fingerprint,
    };
  } finally {
    spawnSync("gpgconf", ["--homedir", home, "--kill", "all"]);
    rmSync(home, { recursive: true, force: true });
  }
}

/** A fresh Ed25519 private key in PEM, made by openssl. */
export function makeEd25519Key(): string {
  return execFileSync("openssl", ["genpkey", "-algorithm", "ed25519"]).toString();
}

/** Whether the tools a rehearsal runs are installed (curl, jq, make, a C compiler); says what is missing. */
export function rehearsalTools(): boolean {
  const wanted: [string, string][] = [
    ["curl", "curl"],
    ["jq", "jq"],
    ["make", "make"],
    ["cc", "gcc"],
  ];
  return wanted.map(([command, pkg]) => hasTool(command, pkg)).every(Boolean);
}
