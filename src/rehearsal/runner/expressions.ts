import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";
import { isBasicExpression, isMapping, isSequence } from "@actions/workflow-parser";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { ReleaseRelayError } from "../../core/errors.js";

/** The contexts an expression may read (github, env, vars, secrets, inputs, steps, needs, matrix, …). */
export type Contexts = Record<string, unknown>;

/** What the status functions answer where the expression is evaluated. */
export interface StatusCheck {
  /** True when everything before (needed jobs, or earlier steps) succeeded. */
  succeeded: boolean;
  /**
   * Something before was cancelled: `cancelled()` is true and, unless something also failed,
   * `failure()` is false (Actions docs, "Status check functions": failure() is for a failed
   * ancestor, cancelled() for a cancelled workflow). Absent: nothing was cancelled.
   */
  cancelled?: boolean;
  /** Something before failed; absent: whatever did not succeed failed. */
  failed?: boolean;
}

const CONTEXT_NAMES = [
  "github",
  "env",
  "vars",
  "secrets",
  "inputs",
  "steps",
  "needs",
  "matrix",
  "strategy",
  "runner",
  "job",
  "jobs",
];

function statusFunctions(status: StatusCheck): FunctionDefinition[] {
  const fn = (name: string, value: () => boolean): FunctionDefinition => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value()),
  });
  return [
    fn("success", () => status.succeeded),
    fn("failure", () => status.failed ?? (!status.succeeded && !status.cancelled)),
    fn("always", () => true),
    fn("cancelled", () => status.cancelled === true),
  ];
}

function toPlain(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer) ?? "null");
}

/** Evaluates one expression (without `${{ }}`) against plain-JSON contexts; returns plain JSON. */
export function evaluateExpression(
  expression: string,
  contexts: Contexts,
  status: StatusCheck,
  where: string,
): unknown {
  const functions = statusFunctions(status);
  try {
    const lexed = new Lexer(expression).lex();
    const tree = new Parser(lexed.tokens, CONTEXT_NAMES, functions).parse();
    const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
    const result = new Evaluator(tree, context, new Map(functions.map((f) => [f.name, f]))).evaluate();
    return toPlain(result);
  } catch (error) {
    throw new ReleaseRelayError(
      "E_EXPRESSION",
      `${where}: cannot evaluate \${{ ${expression} }}: ${error instanceof Error ? error.message : String(error)}`,
      "check the expression's syntax and the contexts it reads",
    );
  }
}

/** Evaluates a template token (literal, expression, mapping or sequence) into plain JSON. */
export function evaluateToken(
  token: TemplateToken,
  contexts: Contexts,
  status: StatusCheck,
  file: string,
): unknown {
  const where = `${file}:${token.line ?? "?"}`;
  if (isBasicExpression(token)) return evaluateExpression(token.expression, contexts, status, where);
  if (isMapping(token)) {
    const out: Record<string, unknown> = {};
    for (const pair of token) {
      const key = evaluateToken(pair.key, contexts, status, file);
      out[String(key)] = evaluateToken(pair.value, contexts, status, file);
    }
    return out;
  }
  if (isSequence(token)) return [...token].map((item) => evaluateToken(item, contexts, status, file));
  const json = token.toJSON() as unknown;
  if (json && typeof json === "object" && "lit" in json) return (json as { lit: unknown }).lit;
  return json;
}

/** The text of a value as the runner puts it into inputs and env (`true`, `3`, '' for null). */
export function asText(value: unknown, where: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new ReleaseRelayError(
    "E_EXPRESSION",
    `${where}: an object or array cannot be used as text`,
    "wrap it in toJSON(...)",
  );
}

/** Evaluates a mapping of names to texts (env, with, outputs). */
export function evaluateTexts(
  token: TemplateToken | undefined,
  contexts: Contexts,
  status: StatusCheck,
  file: string,
): Record<string, string> {
  if (!token) return {};
  const value = evaluateToken(token, contexts, status, file);
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new ReleaseRelayError(
      "E_EXPRESSION",
      `${file}:${token.line ?? "?"}: expected a mapping`,
      "fix the workflow",
    );
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, asText(v, `${file}:${token.line ?? "?"} (${k})`)]),
  );
}
