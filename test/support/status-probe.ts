// Prints what the runner's status functions answer after given needed-job results, and the run
// conclusion those results make. Run bundled (expressions load the workflow parser).
import { needsStatus, runConclusion } from "../../src/rehearsal/runner/conclusions.js";
import { evaluateExpression } from "../../src/rehearsal/runner/expressions.js";
import type { Result } from "../../src/rehearsal/runner/runner-host.js";

const cases = JSON.parse(process.argv[2] ?? "[]") as Result[][];
const answers = cases.map((results) => {
  const status = needsStatus(results.map((result) => ({ result })));
  const ask = (f: string) => evaluateExpression(f, {}, status, "probe.yml:1");
  return {
    results,
    success: ask("success()"),
    failure: ask("failure()"),
    cancelled: ask("cancelled()"),
    always: ask("always()"),
    conclusion: runConclusion(results.map((result) => ({ result }))),
  };
});
process.stdout.write(JSON.stringify(answers));
