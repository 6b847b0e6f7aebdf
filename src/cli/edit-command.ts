import { readConfigFile } from "../adapters/config-file.js";
import { ReleaseRelayError } from "../core/errors.js";
import { previewDownstreamEdit } from "../steps/downstream/edit-preview.js";
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
  const preview = await previewDownstreamEdit(
    {
      configPath,
      downstream: values.downstream,
      version: values.version,
      hashesFile: values.hashes,
      releasedVersionsFile: values["released-versions"],
      date: values.date,
      set: values.set ?? [],
      dir: values.dir as string,
    },
    await readConfigFile(configPath),
  );
  for (const diff of preview.diffs) out(diff.trimEnd());
  // What a script handed on, in the form --set takes, for previewing the downstreams that come after.
  for (const [k, v] of preview.outputs)
    for (const item of Array.isArray(v) ? v : [v]) out(`output: ${k}${Array.isArray(v) ? "[]" : ""}=${item}`);
  out(
    preview.diffs.length
      ? `${preview.diffs.length} file(s) changed in ${preview.dir}`
      : `nothing to change in ${preview.dir}: it already has release ${preview.version.version}`,
  );
  return 0;
};
