import { ReleaseRelayError } from "../core/errors.js";
import { previewDownstreamEdit } from "../steps/downstream/edit-preview.js";
import { defineCommand } from "./command-line/command.js";
import { CONFIG_ARGUMENT, readCommandConfig, SHARED_OPTIONS } from "./command-line/shared-options.js";

const EXAMPLE =
  "release-relay edit --downstream hashes --version 8.0.2 --hashes hashes.json --dir ../hashes-repo";

/**
 * `release-relay edit [CONFIG] --downstream NAME --version V --hashes hashes.json --dir CHECKOUT`:
 * applies one downstream's edits (its scripts too) to a local checkout in place (no git, no API) and
 * prints the diff — exactly what its PR will contain — and the outputs its scripts hand on.
 */
export const editCommand = defineCommand({
  name: "edit",
  summary: "preview a downstream's edits in a local checkout (what its PR will contain)",
  positionals: [CONFIG_ARGUMENT],
  options: {
    config: SHARED_OPTIONS.config,
    downstream: {
      type: "string",
      value: "NAME",
      description: "the downstream whose edits to apply (required)",
    },
    version: { type: "string", value: "VERSION", description: "the release's version (required)" },
    hashes: {
      type: "string",
      value: "FILE",
      description: "the release's hashes.json, as compute-hashes writes it (required)",
    },
    dir: {
      type: "string",
      value: "CHECKOUT",
      default: ".",
      description: "a checkout of the downstream repo",
    },
    "released-versions": {
      type: "string",
      value: "FILE",
      description: "the versions released so far, one a line (for the floating tags)",
    },
    date: { type: "string", value: "YYYY-MM-DD", description: "the release's date (else today)" },
    set: {
      type: "string",
      value: "KEY=VALUE",
      multiple: true,
      description: "an output of a downstream this one comes after, e.g. container.tags[]=8.0.2",
    },
  },
  example: EXAMPLE,
  run: async ({ values }, out) => {
    if (!values.downstream || !values.version || !values.hashes) {
      throw new ReleaseRelayError(
        "E_INPUT",
        "edit needs --downstream, --version and --hashes",
        `e.g. ${EXAMPLE}`,
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
      await readCommandConfig(configPath),
    );
    for (const diff of preview.diffs) out(diff.trimEnd());
    // What a script handed on, in the form --set takes, for previewing the downstreams that come after.
    for (const [k, v] of preview.outputs)
      for (const item of Array.isArray(v) ? v : [v])
        out(`output: ${k}${Array.isArray(v) ? "[]" : ""}=${item}`);
    out(
      preview.diffs.length
        ? `${preview.diffs.length} file(s) changed in ${preview.dir}`
        : `nothing to change in ${preview.dir}: it already has release ${preview.version.version}`,
    );
    return 0;
  },
});
