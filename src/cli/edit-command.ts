import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { readConfigFile } from "../adapters/config-file.js";
import { applyEditsInDir } from "../adapters/downstream/checkout-edits.js";
import { unifiedDiff } from "../adapters/downstream/text-diff.js";
import { readHashesFile } from "../adapters/storage/hashes-file.js";
import { editValues } from "../core/downstream/release-values.js";
import { parseScriptOutputs } from "../core/downstream/script-outputs.js";
import { ReleaseRelayError } from "../core/errors.js";
import { floatingTags, parseReleasedVersions, parseVersion } from "../core/request/version.js";
import type { Command } from "./cli-args.js";
import { parseFlags } from "./cli-args.js";

/**
 * `release-relay edit --config FILE --downstream NAME --version V --hashes hashes.json --dir CHECKOUT`:
 * applies one downstream's edits (its scripts too) to a local checkout in place (no git, no API) and
 * prints the diff — exactly what its PR will contain — and the outputs its scripts hand on.
 */
export const editCommand: Command = async (args, out) => {
  const { values } = parseFlags(
    args,
    {
      config: { type: "string", default: "release-relay.yml" },
      downstream: { type: "string" },
      version: { type: "string" },
      hashes: { type: "string" },
      dir: { type: "string", default: "." },
      "released-versions": { type: "string" },
      date: { type: "string" },
      set: { type: "string", multiple: true },
    },
    "edit",
  );
  if (!values.downstream || !values.version || !values.hashes) {
    throw new ReleaseRelayError(
      "E_INPUT",
      "edit needs --downstream, --version and --hashes",
      "e.g. release-relay edit --downstream hashes --version 8.0.2 --hashes hashes.json --dir ../hashes-repo",
    );
  }
  const configPath = values.config as string;
  const config = await readConfigFile(configPath);
  const downstream = config.downstream.find((d) => d.name === values.downstream);
  if (!downstream) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `no downstream named ${JSON.stringify(values.downstream)}`,
      `use one of ${config.downstream.map((d) => d.name).join(", ")}`,
    );
  }
  const version = parseVersion(values.version);
  const hashes = await readHashesFile(values.hashes, `--hashes ${values.hashes}`);
  const released = values["released-versions"]
    ? parseReleasedVersions(await readFile(values["released-versions"], "utf8"))
    : [];
  const dir = resolve(values.dir as string);
  const editValuesOfRelease = editValues(config, {
    version,
    date: values.date ?? new Date().toISOString().slice(0, 10),
    hashes,
    floatingTags: floatingTags(version, released),
  });
  // Outputs of the downstreams this one comes after, e.g. --set 'container.tags[]=8.0.2'.
  for (const [k, v] of Object.entries(parseScriptOutputs((values.set ?? []).join("\n"), "--set")))
    editValuesOfRelease[k] = v;
  const { edited } = await applyEditsInDir(
    dir,
    downstream,
    editValuesOfRelease,
    version.isPrerelease,
    (p) => {
      const file = resolve(dirname(configPath), p);
      return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    },
  );
  for (const f of edited) out(unifiedDiff(f.path, f.before, f.after).trimEnd());
  // What a script handed on, in the form --set takes, for previewing the downstreams that come after.
  for (const [k, v] of Object.entries(editValuesOfRelease))
    if (k.startsWith(`${downstream.name}.`))
      for (const item of Array.isArray(v) ? v : [v])
        out(`output: ${k}${Array.isArray(v) ? "[]" : ""}=${item}`);
  out(
    edited.length
      ? `${edited.length} file(s) changed in ${dir}`
      : `nothing to change in ${dir}: it already has release ${version.version}`,
  );
  return 0;
};
