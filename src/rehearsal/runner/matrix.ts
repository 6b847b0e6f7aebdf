import { ReleaseRelayError } from "../../core/errors.js";

type Leg = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Expands `strategy.matrix` as GitHub does: the product of its dimensions, minus `exclude`, plus `include`. */
export function expandMatrix(matrix: unknown, where: string): Leg[] {
  if (!matrix || typeof matrix !== "object" || Array.isArray(matrix))
    throw new ReleaseRelayError(
      "E_WORKFLOW",
      `${where}: strategy.matrix must be a mapping`,
      "fix the matrix",
    );
  const { include = [], exclude = [], ...dimensions } = matrix as Record<string, unknown>;
  if (!Array.isArray(include) || !Array.isArray(exclude))
    throw new ReleaseRelayError(
      "E_WORKFLOW",
      `${where}: include and exclude must be lists`,
      "fix the matrix",
    );
  let legs: Leg[] = [{}];
  for (const [key, values] of Object.entries(dimensions)) {
    if (!Array.isArray(values))
      throw new ReleaseRelayError("E_WORKFLOW", `${where}: matrix.${key} must be a list`, "fix the matrix");
    legs = legs.flatMap((leg) => values.map((v) => ({ ...leg, [key]: v })));
  }
  if (Object.keys(dimensions).length === 0) legs = [];
  legs = legs.filter(
    (leg) => !exclude.some((e: Leg) => Object.entries(e).every(([k, v]) => same(leg[k], v))),
  );
  // Include entries extend the product's legs (never each other) where they overwrite no original value.
  const original = legs.map((leg) => ({ ...leg }));
  const product = legs.length;
  for (const extra of include as Leg[]) {
    let added = false;
    for (let i = 0; i < product; i++) {
      const base = original[i] as Leg;
      if (Object.entries(extra).every(([k, v]) => !(k in base) || same(base[k], v))) {
        Object.assign(legs[i] as Leg, extra);
        added = true;
      }
    }
    if (!added) legs.push({ ...extra });
  }
  if (legs.length === 0)
    throw new ReleaseRelayError(
      "E_WORKFLOW",
      `${where}: the matrix has no legs`,
      "the plan's matrix came out empty",
    );
  if (legs.length > 256)
    throw new ReleaseRelayError(
      "E_WORKFLOW",
      `${where}: a matrix may have at most 256 legs`,
      "split the job",
    );
  return legs;
}

/** A leg's display name as GitHub shows it: the job id and the leg's scalar values. */
export function legName(job: string, leg: Leg): string {
  const values = Object.values(leg).filter((v) => typeof v !== "object");
  return values.length ? `${job} (${values.join(", ")})` : job;
}

/**
 * How the rehearsal's progress lines name a leg: by its target when the matrix entry has one (the
 * plan's build legs: `build (linux-x86_64)`), else as GitHub does. GitHub's name lists every value.
 */
export function legTitle(job: string, leg: Leg | undefined): string {
  if (!leg) return job;
  return typeof leg.target === "string" && leg.target !== "" ? `${job} (${leg.target})` : legName(job, leg);
}
