import { ReleaseRelayError } from "../errors.js";

/** What a downstream's script hands to later downstreams: single values and lists. */
export type ScriptOutputs = Record<string, string | string[]>;

/** Outputs are names and tags for later edits, not data: more than this is refused unread. */
export const MAX_SCRIPT_OUTPUT_BYTES = 64 * 1024;

/** An output's key, as `{<downstream>.<key>}` names it. */
export const OUTPUT_KEY = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** The refusal of an outputs file past MAX_SCRIPT_OUTPUT_BYTES, worded for the script's author. */
export function outputsTooLarge(where: string): ReleaseRelayError {
  return new ReleaseRelayError(
    "E_DOWNSTREAM",
    `${where} wrote more than ${MAX_SCRIPT_OUTPUT_BYTES} bytes of outputs to $RELEASE_RELAY_OUTPUT`,
    "write only the short key=value lines later downstreams read (e.g. image tags), not logs or data",
  );
}

/**
 * Reads the file a script writes its outputs to: `key=value` sets a value, `key[]=value` adds an
 * item to the list `key` (e.g. one `tags[]=…` line per image tag). Blank lines are ignored;
 * anything else is refused, so a typo is not silently dropped.
 */
export function parseScriptOutputs(text: string, where: string): ScriptOutputs {
  if (Buffer.byteLength(text) > MAX_SCRIPT_OUTPUT_BYTES) throw outputsTooLarge(where);
  const outputs: ScriptOutputs = {};
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const m = /^([A-Za-z][A-Za-z0-9_.-]*)(\[\])?=(.*)$/.exec(line);
    if (!m) {
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${where}: output line ${i + 1} is not key=value or key[]=value: ${JSON.stringify(line.slice(0, 80))}`,
        'write outputs as `echo "key=value" >> "$RELEASE_RELAY_OUTPUT"`',
      );
    }
    const [, key, list, value] = m as unknown as [string, string, string | undefined, string];
    // Keys are the script's: "constructor" must not find Object.prototype's.
    const existing = Object.hasOwn(outputs, key) ? outputs[key] : undefined;
    if (list) {
      if (typeof existing === "string")
        throw new ReleaseRelayError(
          "E_DOWNSTREAM",
          `${where}: output ${key} is written both as a value and as a list`,
          `write every line as ${key}[]=… or every line as ${key}=…`,
        );
      outputs[key] = [...(existing ?? []), value];
    } else {
      if (Array.isArray(existing))
        throw new ReleaseRelayError(
          "E_DOWNSTREAM",
          `${where}: output ${key} is written both as a value and as a list`,
          `write every line as ${key}[]=… or every line as ${key}=…`,
        );
      outputs[key] = value;
    }
  }
  return outputs;
}
