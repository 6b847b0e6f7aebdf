import type { TrackStatusSettings } from "../../src/steps/track/track-inputs.js";

/** track-status settings with every input left out but the config, version and token, then `overrides`. */
export function trackSettings(
  configPath: string,
  version: string,
  overrides: Partial<TrackStatusSettings> = {},
): TrackStatusSettings {
  return {
    configPath,
    environment: undefined,
    version,
    token: "t",
    event: undefined,
    stage: undefined,
    status: undefined,
    detail: undefined,
    report: undefined,
    plan: undefined,
    rerun: undefined,
    prs: undefined,
    hashesFile: undefined,
    jobResults: undefined,
    qualifyLogsDir: undefined,
    approvalsOfRun: undefined,
    runToken: undefined,
    appSlug: undefined,
    sweep: undefined,
    progressOfRun: undefined,
    awaitingApproval: undefined,
    awaitingStages: undefined,
    starting: undefined,
    tokens: ["t"],
    ...overrides,
  };
}
