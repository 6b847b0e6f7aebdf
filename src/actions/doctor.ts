import * as core from "@actions/core";
import { z } from "zod";
import { actionInputs, readInputs } from "../adapters/action-inputs.js";
import { extraTokenInputs, installationTokens } from "../adapters/github/installation-clients.js";
import { readRunContext } from "../adapters/run-context.js";
import { environmentNameSchema } from "../core/config/environment-name.js";
import { checkDoctorPassed, renderDoctorReport } from "../core/setup/doctor.js";
import { type DoctorSettings, doctorReleaseGate } from "../steps/doctor.js";

const inputs = actionInputs(
  {
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    token: z.string().min(1),
    ...extraTokenInputs,
    "release-token": z.string().min(1).optional(),
    "signing-key": z.string().optional(),
    "signing-passphrase": z.string().optional(),
    bucket: z.enum(["probe", "skip"]).default("probe"),
  },
  ({ bucket, ...i }): DoctorSettings => ({
    ...i,
    tokens: installationTokens(i),
    probeBucket: bucket === "probe",
  }),
);

/** The doctor action: the release workflow's first job; it fails listing every problem with its fix. */
export async function main(): Promise<void> {
  const settings = readInputs(inputs);
  for (const secret of [
    ...settings.tokens,
    settings.releaseToken,
    settings.signingKey,
    settings.signingPassphrase,
  ])
    if (secret) core.setSecret(secret);
  const run = readRunContext();
  const findings = await doctorReleaseGate(settings, run.apiUrl, run.actionPin);
  const report = renderDoctorReport(findings);
  core.info(report);
  await core.summary.addHeading("release-relay doctor", 3).addCodeBlock(report).write();
  for (const f of findings)
    if (!f.ok) core.error(`${f.check}: ${f.problem}. Fix: ${f.fix}`);
    else if (f.warn) core.warning(`${f.check}: ${f.problem}. Fix: ${f.fix}`);
  checkDoctorPassed(findings);
}
