import * as core from "@actions/core";
import { describeError } from "../core/errors.js";

/** The one place an action's errors are caught: the step fails with the code, the problem and the fix. */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    core.setFailed(describeError(error));
  }
}
