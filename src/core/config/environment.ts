// Release environments (profiles): a team runs the real pipeline end to end — build, qualify, sign,
// upload, tracking — as "dev" before a real release, into its own bucket or prefix, with its own
// ledger and tracking issue, and with every downstream forced to dry-run so nothing reaches users.
import { ReleaseRelayError } from "../errors.js";
import { PRODUCTION } from "./environment-name.js";
import type { Config } from "./schema.js";

/** The config a release in `name` runs with: production's as written, another environment's overlaid. */
export function applyEnvironment<C extends Config>(config: C, name: string | undefined): C {
  if (name === undefined || name === "" || name === PRODUCTION) return config;
  const overlay = config.environments?.[name];
  if (!overlay)
    throw new ReleaseRelayError(
      "E_CONFIG",
      `release-relay.yml has no environment "${name}"`,
      `use one of ${[PRODUCTION, ...Object.keys(config.environments ?? {})].join(", ")}, or add it under environments:`,
    );
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...config,
    environment: name,
    upload: { ...config.upload, ...defined(overlay.upload) },
    tracking: {
      ...config.tracking,
      title: overlay.tracking.title ?? `[${name}] ${config.tracking.title}`,
      labels: overlay.tracking.labels ?? [...config.tracking.labels, name],
      notify: overlay.tracking.notify ?? config.tracking.notify,
      // Nothing is proposed outside production: no PR waits for a review.
      reviewPing: undefined,
    },
    downstream: config.downstream.map((d) => (d.mode === "off" ? d : { ...d, mode: "dry-run" as const })),
  };
}

/** The key of a release's ledger (and its branch name after `release-relay-ledger/`): per environment. */
export function ledgerKey(config: Pick<Config, "environment">, version: string): string {
  return config.environment ? `${config.environment}/${version}` : version;
}
