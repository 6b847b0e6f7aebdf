import * as core from "@actions/core";
import type { z } from "zod";
import { ReleaseRelayError } from "../core/errors.js";
import { kebabObject } from "../core/inputs/kebab-object.js";
import { describeIssues } from "../core/inputs/validation-issues.js";

/**
 * An action's inputs, declared once: the names read from the step's `with:` are the shape's
 * (kebab-case) keys, and the settings are its camelCase parse, optionally settled into the
 * action's own settings type.
 */
export interface ActionInputs<T> {
  names: readonly string[];
  schema: z.ZodType<T>;
}

type Kebab<Shape extends z.ZodRawShape> = ReturnType<typeof kebabObject<Shape>>;

/**
 * Turns the parsed inputs into the action's settings; a rule across inputs (give one of two) is an
 * issue added to `ctx`, reported like any other invalid input.
 */
type Settle<Shape extends z.ZodRawShape, T> = (
  inputs: z.output<Kebab<Shape>>,
  ctx: z.core.$RefinementCtx,
) => T;

export function actionInputs<Shape extends z.ZodRawShape>(shape: Shape): ActionInputs<z.output<Kebab<Shape>>>;
export function actionInputs<Shape extends z.ZodRawShape, T>(
  shape: Shape,
  settle: Settle<Shape, T>,
): ActionInputs<T>;
export function actionInputs<Shape extends z.ZodRawShape, T>(
  shape: Shape,
  settle?: Settle<Shape, T>,
): ActionInputs<unknown> {
  const object = kebabObject(shape);
  return { names: Object.keys(shape), schema: settle ? object.transform(settle) : object };
}

/** Validates raw input values (empty = absent) with an action's declared inputs. */
export function parseInputs<T>(inputs: ActionInputs<T>, raw: Record<string, string | undefined>): T {
  const present: Record<string, string> = {};
  for (const name of inputs.names) {
    const value = raw[name];
    if (value !== undefined && value !== "") present[name] = value;
  }
  const result = inputs.schema.safeParse(present, { reportInput: true });
  if (!result.success) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `invalid action inputs:\n${describeIssues(result.error.issues)
        .map((l) => `  input ${l}`)
        .join("\n")}`,
      "fix the `with:` block of this step in the workflow",
    );
  }
  return result.data;
}

/** Reads an action's declared inputs from the step's `with:` block. */
export function readInputs<T>(inputs: ActionInputs<T>): T {
  return parseInputs(inputs, Object.fromEntries(inputs.names.map((name) => [name, core.getInput(name)])));
}
