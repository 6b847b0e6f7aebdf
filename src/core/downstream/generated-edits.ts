import { z } from "zod";
import { type Downstream, downstreamNameSchema } from "../config/schema.js";
import { ReleaseRelayError } from "../errors.js";
import { editApplies } from "./edits.js";
import { MAX_SCRIPT_OUTPUT_BYTES, OUTPUT_KEY } from "./script-outputs.js";

/**
 * What the job that runs downstream generators (and holds no token) hands to the job that holds
 * the App token. Everything in it was shaped by a downstream repo's script, so the token-holding job
 * reads it only through this schema: bounded, and nothing outside the repo.
 */
export const GENERATED_LIMITS = {
  /** Changed files per downstream. */
  files: 200,
  /** Bytes of changed files per downstream. */
  bytes: 5 * 1024 * 1024,
  /** Bytes of the whole generated-edits.json (every downstream, JSON-escaped). */
  fileBytes: 24 * 1024 * 1024,
  /** Characters of a failed generator's error. */
  errorChars: 4000,
} as const;

/** The file the generate job writes and the generated-edits artifact holds. */
export const GENERATED_EDITS_FILE = "generated-edits.json";

/**
 * A path inside the downstream repo, normalised (`a//b/./c` → `a/b/c`). Absolute paths, `..`,
 * anything under `.git`, backslashes and control characters are refused: each would name something
 * other than a file of the repo's tree.
 */
export const repoPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => ![...p].some((c) => c < " " || c === "\\"), {
    error: "a path holds a control character or a backslash",
  })
  .refine((p) => !p.startsWith("/"), { error: "an absolute path" })
  .refine((p) => !p.endsWith("/"), { error: "not a file path" })
  .transform((p) =>
    p
      .split("/")
      .filter((part) => part !== "" && part !== ".")
      .join("/"),
  )
  .refine((p) => p !== "", { error: "not a file path" })
  .refine((p) => !p.split("/").includes(".."), { error: "a path that leaves the repository" })
  .refine((p) => !p.split("/").some((part) => part.toLowerCase() === ".git"), {
    error: "a path under .git",
  });

const outputValue = z
  .string()
  .max(MAX_SCRIPT_OUTPUT_BYTES)
  .refine((v) => !/[\r\n]/.test(v), { error: "an output value holds a line break" });

/** Script outputs as parseScriptOutputs makes them, bounded as the outputs file is. */
export const scriptOutputsSchema = z
  .record(z.string().regex(OUTPUT_KEY), z.union([outputValue, z.array(outputValue).max(4096)]))
  .refine((o) => Buffer.byteLength(JSON.stringify(o)) <= 2 * MAX_SCRIPT_OUTPUT_BYTES, {
    error: `outputs larger than the ${MAX_SCRIPT_OUTPUT_BYTES} bytes a script may write`,
  });

const generatedFileSchema = z.strictObject({
  path: repoPathSchema,
  content: z.string().refine((c) => !c.includes("\0"), { error: "a binary file" }),
  executable: z.boolean(),
});

const downstreamFields = {
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  /** Which edits of release-relay.yml were applied (editsDigest): a mismatch means another config. */
  edits: z.string().regex(/^[0-9a-f]{64}$/),
};

/** One downstream's generated change: its base commit, the files as they should be, the outputs. */
export const generatedDownstreamSchema = z.discriminatedUnion("status", [
  z.strictObject({
    status: z.literal("generated"),
    ...downstreamFields,
    baseSha: z.string().regex(/^[0-9a-f]{40}$/),
    files: z
      .array(generatedFileSchema)
      .max(GENERATED_LIMITS.files, { error: `more than ${GENERATED_LIMITS.files} changed files` })
      .refine((fs) => new Set(fs.map((f) => f.path)).size === fs.length, { error: "a file listed twice" })
      .refine((fs) => fs.reduce((n, f) => n + Buffer.byteLength(f.content), 0) <= GENERATED_LIMITS.bytes, {
        error: `more than ${GENERATED_LIMITS.bytes} bytes of changed files`,
      }),
    outputs: scriptOutputsSchema,
  }),
  z.strictObject({
    status: z.literal("failed"),
    ...downstreamFields,
    error: z.string().min(1).max(GENERATED_LIMITS.errorChars),
  }),
]);
export type GeneratedDownstream = z.output<typeof generatedDownstreamSchema>;

export const generatedEditsSchema = z.strictObject({
  schemaVersion: z.literal(1),
  version: z.string().min(1).max(128),
  downstreams: z.record(downstreamNameSchema, generatedDownstreamSchema),
});
export type GeneratedEdits = z.output<typeof generatedEditsSchema>;

/** Whether a downstream's change comes from the generate job: it runs at least one script this release. */
export function runsGenerator(d: Downstream, prerelease: boolean): boolean {
  return (
    d.mode !== "off" && !d.dispatch && d.edits.some((e) => e.kind === "script" && editApplies(e, prerelease))
  );
}

/** Cuts a failed generator's error to what the artifact carries. */
export function boundedError(message: string): string {
  const max = GENERATED_LIMITS.errorChars;
  return message.length <= max ? message : `${message.slice(0, max - 20)} … (cut)`;
}

/**
 * The generated change of one downstream, refused unless it is this release's, for this repo and
 * these edits. `edits` is the digest of the downstream's edits as this job reads release-relay.yml.
 */
export function generatedFor(
  generated: GeneratedEdits | undefined,
  d: Downstream,
  version: string,
  edits: string,
): Extract<GeneratedDownstream, { status: "generated" }> {
  const hint =
    "the generate job runs this downstream's scripts and uploads the generated-edits artifact: rerun the open-downstream-prs stage";
  if (!generated)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${d.name} runs a script, and scripts run only in the generate job, which holds no token; its generated edits are missing`,
      `${hint} (the downstream job passes them as input generated-edits)`,
    );
  if (generated.version !== version)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `the generated edits are of ${generated.version}, not ${version}`,
      hint,
    );
  const entry = generated.downstreams[d.name];
  if (!entry)
    throw new ReleaseRelayError("E_DOWNSTREAM", `the generated edits hold nothing for ${d.name}`, hint);
  if (entry.repo.toLowerCase() !== d.repo.toLowerCase() || entry.edits !== edits)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `the generated edits of ${d.name} were made for ${entry.repo === d.repo ? "other edits" : entry.repo} than release-relay.yml gives it here`,
      hint,
    );
  if (entry.status === "failed")
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `its generator failed in the generate job: ${entry.error}`,
      "see the generate job's log; fix the script or its repo, then rerun the open-downstream-prs stage",
    );
  return entry;
}
