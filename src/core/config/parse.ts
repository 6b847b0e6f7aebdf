import { parseDocument, type YAMLError } from "yaml";
import { z } from "zod";
import { ReleaseRelayError } from "../errors.js";
import { describeIssues } from "../inputs/validation-issues.js";
import { checkConfig } from "./checks.js";
import { withTodaysKeys } from "./earlier-keys.js";
import { type Config, configFieldsSchema } from "./schema.js";

/** release-relay.yml's schema: each field's shape, then the rules between fields. */
export const configSchema = configFieldsSchema.superRefine(checkConfig);

/** Parses and validates the text of a `release-relay.yml`; every problem is reported at once. */
export function parseConfig(text: string, fileName = "release-relay.yml"): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ReleaseRelayError(
      "E_CONFIG_YAML",
      `${fileName} is not valid YAML:\n${doc.errors.map((e) => `  ${yamlErrorLine(text, e)}`).join("\n")}`,
      "fix the YAML syntax at the line shown (a quote or bracket left open is found where the file goes on without it)",
    );
  }
  const raw: unknown = withTodaysKeys(doc.toJS({ maxAliasCount: 100 }));
  if (raw === null || raw === undefined)
    throw new ReleaseRelayError(
      "E_CONFIG",
      `${fileName} is empty: it holds no settings`,
      "write one with `release-relay init`, or start from examples/cachet/release-relay.yml in the package",
    );
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const lines = describeIssues(result.error.issues, (path) => knownKeysAt(raw, path), raw);
    throw new ReleaseRelayError(
      "E_CONFIG",
      `${fileName} is invalid:\n${lines.map((l) => `  ${l.replaceAll("\n", "\n  ")}`).join("\n")}`,
      "correct the keys listed above; the full schema is schema/release-relay.schema.json (`release-relay schema`)",
    );
  }
  return result.data;
}

/**
 * `line 7, column 1: Missing closing "quote`, and for a quote never closed the line it opens on: YAML
 * lets a quoted value run over lines, so the parser finds the problem only where the file ends.
 */
function yamlErrorLine(text: string, error: YAMLError): string {
  const what = error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? error.message;
  const at = error.linePos?.[0];
  const where = at ? `line ${at.line}, column ${at.col}: ` : "";
  const opened = /Missing closing "quote/.test(what)
    ? unclosedQuoteLine(text, at?.line ?? Infinity)
    : undefined;
  return `${where}${what}${opened ? ` (the quote opened on line ${opened.line}: ${opened.text.trim()})` : ""}`;
}

// The last line before `before` with an odd number of unescaped double quotes outside a comment.
function unclosedQuoteLine(text: string, before: number): { line: number; text: string } | undefined {
  const lines = text.split("\n");
  for (let i = Math.min(before, lines.length) - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (/^\s*#/.test(line)) continue;
    if ((line.replace(/\\"/g, "").match(/"/g)?.length ?? 0) % 2 === 1) return { line: i + 1, text: line };
  }
  return undefined;
}

/** The JSON Schema of `release-relay.yml`, for editors and for `release-relay schema`. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return { ...schema, title: "release-relay.yml", description: "Configuration of one project's release." };
}

// The keys the schema accepts at a path, for "did you mean" suggestions on typos.
function knownKeysAt(raw: unknown, path: readonly PropertyKey[]): string[] {
  const json = configJsonSchema();
  let node: Record<string, unknown> | undefined = json;
  let value: unknown = raw;
  for (const part of path) {
    value = (value as Record<PropertyKey, unknown> | undefined)?.[part];
    if (!node) return [];
    if (typeof part === "number") node = node.items as Record<string, unknown> | undefined;
    else node = (node.properties as Record<string, Record<string, unknown>> | undefined)?.[String(part)];
    node = resolveVariant(node, value);
  }
  return Object.keys((resolveVariant(node, value)?.properties as object | undefined) ?? {});
}

function resolveVariant(
  node: Record<string, unknown> | undefined,
  value: unknown,
): Record<string, unknown> | undefined {
  const variants = (node?.oneOf ?? node?.anyOf) as Record<string, unknown>[] | undefined;
  if (!variants) return node;
  const kind =
    (value as Record<string, unknown> | undefined)?.kind ??
    (value as Record<string, unknown> | undefined)?.method;
  return (
    variants.find((v) => {
      const props = v.properties as Record<string, { const?: unknown }> | undefined;
      return props && (props.kind?.const === kind || props.method?.const === kind);
    }) ?? variants[0]
  );
}
