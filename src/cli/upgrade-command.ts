import { join, relative } from "node:path";
import { unifiedDiff } from "../adapters/downstream/text-diff.js";
import { packageVersion } from "../adapters/package-files.js";
import { ReleaseRelayError } from "../core/errors.js";
import { type CheckoutChange, upgradeCheckouts } from "../steps/upgrade.js";
import { defineCommand } from "./command-line/command.js";

// A vendored bundle is megabytes of generated code: its diff says nothing a reader can check.
const isBundle = (path: string) => path.endsWith(".js");

function describeChange(c: CheckoutChange): string {
  // As git shows it in that checkout: the path inside the repo.
  const path = relative(c.checkout, c.path);
  if (c.action === "remove")
    return `removed     ${path} (a vendored copy: the workflows pin release-relay's actions now)`;
  if (isBundle(c.path))
    return `${c.action === "create" ? "created" : "replaced"}${" ".repeat(c.action === "create" ? 5 : 4)}${path} (vendored bundle, ${Math.round(Buffer.byteLength(c.after ?? "") / 1024)} KiB)`;
  return unifiedDiff(path, c.before, c.after as string).trimEnd();
}

/**
 * `release-relay upgrade`: brings what release-relay installed in a project's checkouts to this
 * version — the pins of its actions, its own workflows (the project's tag filter and CI workflow
 * names kept), vendored copies — showing the diff of each file; release-relay.yml is only read.
 */
export const upgradeCommand = defineCommand({
  name: "upgrade",
  summary:
    "bring the pins and workflows release-relay owns in your checkouts to this version (shows the diff)",
  options: {
    config: {
      type: "string",
      value: "FILE",
      description:
        "the project's release-relay.yml, read only (default: release-relay.yml in --automation-dir)",
    },
    "automation-dir": { type: "string", value: "DIR", description: "a checkout of the automation repo" },
    "main-dir": { type: "string", value: "DIR", description: "a checkout of the main repo" },
    "downstream-dir": {
      type: "string",
      value: "NAME=DIR",
      multiple: true,
      default: [],
      description: "a checkout of a downstream repo (NAME as in release-relay.yml)",
    },
    "dry-run": { type: "boolean", default: false, description: "show the diff and write nothing" },
    vendor: {
      type: "boolean",
      default: false,
      description:
        "copy release-relay's actions into the repos (GitHub Enterprise Server without github.com actions)",
    },
    pin: {
      type: "boolean",
      default: false,
      description: "switch vendored checkouts to pinned actions (removes the vendored copies)",
    },
    force: {
      type: "boolean",
      default: false,
      description: "replace or remove files of your own that sit where release-relay installs its own",
    },
    "actions-ref": {
      type: "string",
      value: "OWNER/REPO@SHA",
      description:
        "the actions repo and full commit SHA to pin (default: the commit this package was made from)",
    },
  },
  example:
    "release-relay upgrade --automation-dir ../acme-release --main-dir . --downstream-dir hashes=../acme-hashes --dry-run",
  run: async ({ values }, out) => {
    if (values.vendor && values.pin)
      throw new ReleaseRelayError(
        "E_USAGE",
        "--vendor and --pin ask for opposite layouts",
        "pass one of them",
      );
    const downstream: Record<string, string> = {};
    for (const d of values["downstream-dir"] as string[]) {
      const [name, dir] = d.split("=", 2);
      if (!name || !dir)
        throw new ReleaseRelayError(
          "E_USAGE",
          `--downstream-dir ${d} is not NAME=DIR`,
          "e.g. --downstream-dir hashes=../acme-hashes",
        );
      downstream[name] = dir;
    }
    const dirs = { automation: values["automation-dir"], main: values["main-dir"], downstream };
    if (!dirs.automation && !dirs.main && Object.keys(downstream).length === 0)
      throw new ReleaseRelayError(
        "E_USAGE",
        "upgrade has no checkout to upgrade",
        "pass --automation-dir, --main-dir and/or --downstream-dir NAME=DIR (checkouts of the project's repos)",
      );
    const configPath =
      values.config ?? (dirs.automation ? join(dirs.automation, "release-relay.yml") : undefined);
    if (!configPath)
      throw new ReleaseRelayError(
        "E_USAGE",
        "upgrade needs the project's release-relay.yml (its tag pattern and downstreams)",
        "pass --config path/to/release-relay.yml, or --automation-dir with it",
      );
    const dryRun = values["dry-run"] as boolean;
    const outcome = await upgradeCheckouts({
      configPath,
      dirs,
      layout: values.vendor ? "vendored" : values.pin ? "pinned" : undefined,
      actionsRef: values["actions-ref"],
      dryRun,
      force: values.force as boolean,
    });
    out(`release-relay ${await packageVersion()}: ${configPath} is read, never written`);
    for (const l of outcome.layouts) out(`  ${l}`);
    if (outcome.pin) {
      const { pin, source, caveat } = outcome.pin;
      out(`  pins ${pin.repo}@${pin.sha} (v${pin.version}), from the ${source}`);
      if (caveat) out(`  warning: ${caveat}`);
    }
    out("");
    let checkout: string | undefined;
    for (const c of outcome.changes) {
      if (c.checkout !== checkout) {
        checkout = c.checkout;
        out(`── ${checkout}`);
      }
      out(describeChange(c));
    }
    if (outcome.changes.length > 0) out("");
    out(
      outcome.changes.length === 0
        ? "nothing to change: the checkouts hold this version's files"
        : `${outcome.changes.length} file${outcome.changes.length === 1 ? "" : "s"} ${dryRun ? "would change (--dry-run: nothing written)" : "changed: review and commit them in each repo"}`,
    );
    if (outcome.migrations.length > 0) {
      out("\nMigrations (upgrade never edits release-relay.yml):");
      for (const m of outcome.migrations) out(`  - ${m}`);
    }
    return 0;
  },
});
