// Parses workflow files with GitHub's own workflow parser (@actions/workflow-parser) and prints,
// as JSON, the errors each file has. Run bundled (the package only loads from a bundle).
import { readFileSync } from "node:fs";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";

const results: Record<string, { errors: string[]; jobs: string[] }> = {};
for (const name of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name, content: readFileSync(name, "utf8") }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  let jobs: string[] = [];
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
    jobs = (template.jobs ?? []).map((j) => j.id.value);
  }
  results[name] = { errors, jobs };
}
process.stdout.write(JSON.stringify(results));
