import { z } from "zod";

// Its own module, so what checks a login (the source gate of compute-hashes' plan) does not load
// the whole config schema and every downstream updater with it.
/** A GitHub login, as the runner names an actor (apps end in `[bot]`). */
export const githubLoginSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/)
  .max(64);
