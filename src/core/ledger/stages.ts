// The one table of a release's stages. Each stage has three names, written here only: its id (the
// ledger records it, the `stages` input and the actions take it), the job of the automation repo's
// release.yml that runs it (GitHub lists the run's jobs by it), and its label on both dashboards.

/** The stages of a release, in the order they run. */
export const STAGE_TABLE = [
  { id: "build-matrix", job: "plan", label: "Plan" },
  { id: "build", job: "build", label: "Build" },
  { id: "qualify", job: "qualify", label: "Qualify" },
  { id: "compute-hashes", job: "publish", label: "Hashes" },
  { id: "sign-upload", job: "publish", label: "Sign & upload" },
  { id: "open-downstream-prs", job: "downstream", label: "Downstream PRs" },
] as const;

/** A stage's id, as the ledger records it. */
export type Stage = (typeof STAGE_TABLE)[number]["id"];

/** The stage ids, in the order the stages run. */
export const STAGES = STAGE_TABLE.map((s) => s.id) as readonly Stage[] as readonly [Stage, ...Stage[]];

const column = (key: "job" | "label"): Readonly<Record<Stage, string>> =>
  Object.fromEntries(STAGE_TABLE.map((s): [Stage, string] => [s.id, s[key]])) as Record<Stage, string>;

/** The job of release.yml that runs each stage (matrix legs are named "<job> (<values>)"). */
export const STAGE_JOBS = column("job");

/** How each stage is named on the dashboards (the tracking issue and the HTML page). */
export const STAGE_LABEL = column("label");
