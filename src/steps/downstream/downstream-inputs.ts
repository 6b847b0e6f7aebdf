// The inputs of the two downstream stages, declared once: the generate job's and open-downstream-prs'.
import { z } from "zod";
import { actionInputs } from "../../adapters/action-inputs.js";
import { extraTokenInputs, installationTokens } from "../../adapters/github/installation-clients.js";
import { downstreamNameSchema } from "../../core/config/schema.js";
import { GENERATED_EDITS_FILE } from "../../core/downstream/generated-edits.js";
import { parseJsonInput } from "../../core/inputs/json-input.js";
import { parseReleasedVersions } from "../../core/request/version.js";
import { downstreamReleaseInputs } from "./downstream-release.js";

export const generateEditsInputs = actionInputs(
  {
    ...downstreamReleaseInputs,
    output: z.string().default(`generated-edits/${GENERATED_EDITS_FILE}`),
  },
  (i) => ({ ...i, releasedVersions: parseReleasedVersions(i.releasedVersions) }),
);

export type GenerateSettings = z.output<typeof generateEditsInputs.schema>;

export const openPrsInputs = actionInputs(
  {
    ...downstreamReleaseInputs,
    token: z.string().min(1),
    ...extraTokenInputs,
    "tracking-issue-url": z.url().optional(),
    // Unset: every downstream's release branch is looked up before anything is written.
    "recorded-prs": z
      .string()
      .optional()
      .transform((text) =>
        text
          ? parseJsonInput(
              text,
              z.array(downstreamNameSchema),
              "input recorded-prs",
              "pass the recorded-prs output of track-status unchanged",
            )
          : undefined,
      ),
    "generated-edits": z.string().optional(),
  },
  ({ token2, token3, ...i }) => ({
    ...i,
    releasedVersions: parseReleasedVersions(i.releasedVersions),
    tokens: installationTokens({ token: i.token, token2, token3 }),
  }),
);

/** The stage's settings; `generatedEdits` is needed only by a config whose downstreams run scripts. */
export type OpenPrsSettings = Omit<z.output<typeof openPrsInputs.schema>, "generatedEdits" | "tokens"> & {
  generatedEdits?: string | undefined;
  /** Every installation's token, in installationsOf order (default: token alone). */
  tokens?: (string | undefined)[];
};
