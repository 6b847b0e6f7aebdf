import { describeError } from "../core/errors.js";
import type { Command } from "./cli-args.js";
import { editCommand } from "./edit-command.js";
import { emulatorCommand } from "./emulator-command.js";
import { initCommand } from "./init-command.js";
import { localS3Command } from "./local-s3-command.js";
import { planCommand } from "./plan-command.js";
import { schemaCommand } from "./schema-command.js";
import { validateCommand } from "./validate-command.js";
import { verifyCommand } from "./verify-command.js";

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  init: {
    run: initCommand,
    summary: "write release-relay.yml, the workflows and the vendored actions into your repos",
  },
  doctor: {
    run: async (args, out) => (await import("./doctor-command.js")).doctorCommand(args, out),
    summary:
      "check, before a release, every repo, token permission, installed file, the bucket and the signing key",
  },
  validate: { run: validateCommand, summary: "check a release-relay.yml and print what it releases" },
  plan: { run: planCommand, summary: "print the release plan (matrix, artifacts, downstreams) for a tag" },
  edit: {
    run: editCommand,
    summary: "preview a downstream's edits in a local checkout (what its PR will contain)",
  },
  rehearse: {
    // Loaded when used: the workflow parser it needs only loads from the bundle.
    run: async (args, out) => (await import("./rehearse-command.js")).rehearseCommand(args, out),
    summary: "run a whole release of the example project on this machine (no account, no network)",
  },
  status: {
    run: async (args, out) => (await import("./status-command.js")).statusCommand(args, out),
    summary: "print a release's dashboard from its ledger (a real repo, or a kept rehearsal); --html too",
  },
  yank: {
    run: async (args, out) => (await import("./yank-command.js")).yankCommand(args, out),
    summary:
      "yank a release: close or revert its downstream PRs, move its files under yanked/ (--dry-run shows it first)",
  },
  verify: { run: verifyCommand, summary: "check a release's artifacts against SHA256SUMS and signatures" },
  schema: { run: schemaCommand, summary: "print the JSON Schema of release-relay.yml" },
  "github-emulator": { run: emulatorCommand, summary: "serve the local GitHub REST emulator on 127.0.0.1" },
  "local-s3": {
    run: localS3Command,
    summary: "serve a local S3 (with checksums and conditional writes) on 127.0.0.1",
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "Usage: release-relay <command> [options]",
    "",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `release-relay <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI; errors are caught here, once, and become exit code 1 with the message and the fix. */
export async function runCli(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    out(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`release-relay: unknown command ${JSON.stringify(name)}\n\n${usage()}\n`);
    return 1;
  }
  try {
    return await command.run(rest, out);
  } catch (error) {
    process.stderr.write(`release-relay ${name}: ${describeError(error)}\n`);
    return 1;
  }
}
