import { configJsonSchema } from "../core/config/parse.js";
import { defineCommand } from "./command-line/command.js";

/** `release-relay schema`: the JSON Schema of release-relay.yml, for editors and CI. */
export const schemaCommand = defineCommand({
  name: "schema",
  summary: "print the JSON Schema of release-relay.yml",
  options: {},
  example: "release-relay schema > release-relay.schema.json",
  run: async (_input, out) => {
    out(JSON.stringify(configJsonSchema(), null, 2));
    return 0;
  },
});
