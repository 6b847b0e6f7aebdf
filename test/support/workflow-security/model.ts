// A workflow file as the security rules read it: the parsed values, with where each one is written so
// that every problem points at its line, and the expression contexts an attacker can fill.
import { isAlias, isMap, isScalar, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";

/** One problem found in a workflow file. */
export interface WorkflowProblem {
  file: string;
  line: number;
  rule:
    | "permissions"
    | "pin"
    | "pin-comment"
    | "unpinned-image"
    | "injection"
    | "github-env"
    | "untrusted-checkout"
    | "untrusted-artifact"
    | "secrets-foreign-code";
  message: string;
}

export type Values = Record<string, unknown>;

/** A mapping of the file (a job, a step) that knows where its values are written. */
export interface Located {
  /** The line a value (`"with", "ref"`) is written on; the mapping's own line when it has none. */
  lineOf(...path: string[]): number;
  /** The source text of a value, with its offset, to find an expression's own line. */
  sourceOf(...path: string[]): { text: string; offset: number } | undefined;
  /** The comment after a key's value on the same line, without its `#`: the version of a `uses:`. */
  commentAfter(key: string): string;
}

export interface Step extends Located {
  /** Counted from 1, as the run's log counts them. */
  index: number;
  line: number;
  /** How messages name the step: `step 2 (Build)`. */
  label: string;
  data: Values;
}

export interface Job extends Located {
  name: string;
  line: number;
  data: Values;
  steps: Step[];
}

export interface Workflow {
  file: string;
  triggers: Set<string>;
  data: Values;
  jobs: Job[];
  /** Inputs declared boolean or number: they cannot carry shell or script code. */
  safeInputs: Set<string>;
  lineAt(offset: number): number;
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const obj = (v: unknown): Values =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Values) : {};

/** Every string in a value, at any depth. */
export function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (v && typeof v === "object") return Object.values(v).flatMap(strings);
  return [];
}

const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;

/** The bodies of the `${{ }}` expressions in a text. */
export const expressions = (text: string): string[] => [...text.matchAll(EXPRESSION)].map((m) => m[1] ?? "");

// Context references that can carry text chosen by whoever opens the PR, files the issue, sends the
// dispatch or fills the form. Step and job outputs count too: the scanner cannot see what they were
// made from, and they are often made from event data.
const REFERENCE =
  /\b(?:github\.event(?![\w-])(?:\.[\w-]+|\.\*|\[[^\]]*\])*|github\.head_ref|inputs\.[\w-]+|(?:steps|needs)\.[\w-]+\.outputs\.[\w-]+)/g;
// Event fields GitHub fills with numbers, ids, SHAs, booleans or times: nobody can write code in them.
const SAFE_FIELD =
  /^(?:number|id|\w+_id|sha|\w+_sha|before|after|merged|draft|run_number|run_attempt|\w+_at)$/;

/** The attacker-controllable references in one expression body. */
export function tainted(expression: string, wf: Workflow): string[] {
  return [...expression.matchAll(REFERENCE)]
    .map((m) => m[0])
    .filter((ref) => {
      const input = /^(?:github\.event\.)?inputs\.([\w-]+)$/.exec(ref);
      if (input) return !wf.safeInputs.has(input[1] as string);
      if (!ref.startsWith("github.event") || ref.includes("client_payload")) return true;
      const last =
        ref
          .split(/[.[\]'"]+/)
          .filter(Boolean)
          .pop() ?? "";
      return !SAFE_FIELD.test(last);
    });
}

/** `step 2 (Build)`, or the job alone. */
export const where = (wf: Workflow, job: Job, step?: Step) =>
  `${wf.file}: job ${job.name}${step ? `, step ${step.index} (${step.label})` : ""}`;

export function readWorkflow(file: string, text: string): Workflow {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) throw doc.errors[0];
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const resolve = (n: unknown): Node | undefined =>
    (isAlias(n) ? n.resolve(doc) : (n as Node | null)) ?? undefined;
  const pair = (map: unknown, key: string) =>
    isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  const located = (map: YAMLMap | undefined, fallback: number): Located => {
    const at = (path: string[]) =>
      path.reduce<Node | undefined>((n, key) => resolve(pair(n, key)?.value), map)?.range;
    return {
      lineOf: (...path: string[]) => {
        const range = at(path);
        return range ? lineAt(range[0]) : fallback;
      },
      sourceOf: (...path: string[]) => {
        const range = at(path);
        return range ? { text: text.slice(range[0], range[1]), offset: range[0] } : undefined;
      },
      commentAfter: (key: string) => {
        const range = at([key]);
        if (!range) return "";
        const end = text.indexOf("\n", range[1]);
        return /(?:^|\s)#(.*)$/.exec(text.slice(range[1], end === -1 ? undefined : end))?.[1]?.trim() ?? "";
      },
    };
  };

  const data = obj(doc.toJS());
  const on = data.on;
  const triggers = new Set(
    typeof on === "string" ? [on] : Array.isArray(on) ? on.map(String) : Object.keys(obj(on)),
  );
  const declared = Object.values(obj(on)).flatMap((t) => Object.entries(obj(obj(t).inputs)));
  const safeInputs = new Set(
    declared
      .filter(([name]) =>
        declared.every(([n, d]) => n !== name || ["boolean", "number"].includes(`${obj(d).type}`)),
      )
      .map(([name]) => name),
  );

  const jobsNode = resolve(pair(doc.contents, "jobs")?.value);
  const jobs: Job[] = (isMap(jobsNode) ? jobsNode.items : []).map((p) => {
    const name = `${isScalar(p.key) ? p.key.value : p.key}`;
    const node = resolve(p.value);
    const map = isMap(node) ? node : undefined;
    const line = lineAt((isScalar(p.key) && p.key.range?.[0]) || 0);
    const jobData = obj(map?.toJS(doc));
    const stepsNode = resolve(pair(map, "steps")?.value);
    const stepNodes =
      stepsNode && "items" in stepsNode && Array.isArray(stepsNode.items) ? stepsNode.items : [];
    const steps = stepNodes.map((s: unknown, i: number): Step => {
      const stepNode = resolve(s);
      const stepMap = isMap(stepNode) ? stepNode : undefined;
      const stepLine = stepNode?.range ? lineAt(stepNode.range[0]) : line;
      const stepData = obj(stepMap?.toJS(doc));
      const run = str(stepData.run)?.trim().split("\n")[0];
      const label = str(stepData.name) ?? str(stepData.uses) ?? (run && `run: ${run.slice(0, 40)}`) ?? "";
      return { index: i + 1, line: stepLine, label, data: stepData, ...located(stepMap, stepLine) };
    });
    return { name, line, data: jobData, steps, ...located(map, line) };
  });
  return { file, triggers, data, jobs, safeInputs, lineAt };
}
