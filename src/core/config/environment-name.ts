import { z } from "zod";

/** The environment a tag push releases to: the config as written, with no overlay. */
export const PRODUCTION = "production";

/** An environment's name, as given to the trigger, the workflows and the CLI. */
export const environmentNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, { error: "expected an environment name (a-z, 0-9, -; e.g. dev)" });
