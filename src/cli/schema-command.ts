import { configJsonSchema } from "../core/config/parse.js";
import type { Command } from "./cli-args.js";

/** `release-relay schema`: the JSON Schema of release-relay.yml, for editors and CI. */
export const schemaCommand: Command = async (_args, out) => {
  out(JSON.stringify(configJsonSchema(), null, 2));
  return 0;
};
