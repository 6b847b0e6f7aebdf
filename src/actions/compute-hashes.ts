import * as core from "@actions/core";
import { z } from "zod";
import { actionInputs, readInputs } from "../adapters/action-inputs.js";
import { renderHashesSummary } from "../core/artifacts/hash-manifest.js";
import { type HashSettings, hashRelease } from "../steps/hash.js";

const inputs = actionInputs({
  artifacts: z.string().min(1, { error: "list the artifact files (paths or globs, one per line)" }),
  algorithms: z
    .string()
    .default("sha256")
    .transform((s) => [
      ...new Set(
        s
          .split(",")
          .map((a) => a.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z.array(z.enum(["sha256", "sha512"])).refine((a) => a.includes("sha256"), {
        error: "sha256 is always computed: use sha256 or sha256,sha512",
      }),
    ),
  "output-dir": z.string().optional(),
  plan: z.string().optional(),
});

/** Entry point of actions/compute-hashes. */
export async function main(): Promise<void> {
  const settings: HashSettings = readInputs(inputs);
  const result = await hashRelease(settings, process.env.GITHUB_WORKSPACE ?? process.cwd());
  core.setOutput("hashes", JSON.stringify(result.hashes));
  core.setOutput("checksums-file", result.checksumsFile);
  core.setOutput("hashes-file", result.hashesFile);
  await core.summary.addRaw(renderHashesSummary(result.hashes)).write();
}
