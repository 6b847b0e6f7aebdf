import { ReleaseRelayError } from "../errors.js";

/** Placeholders every template may use: the project and the parts of the version. */
export const VERSION_PLACEHOLDERS: readonly string[] = [
  "project",
  "version",
  "major",
  "minor",
  "patch",
  "prerelease",
  "line",
];

/** Placeholders an artifact file name may use. */
export const ARTIFACT_PLACEHOLDERS: readonly string[] = [...VERSION_PLACEHOLDERS, "os", "arch", "distro"];

/** A value a template can print. */
export type TemplateScalar = string | number;
/** One item of a list whose fields a repeated block prints, e.g. `{distro}` and `{#arches}` of a target. */
export interface TemplateRecord {
  readonly [field: string]: TemplateValue;
}
/** A placeholder's value: printed as is, or a list a `{#name}…{/name}` block repeats over. */
export type TemplateValue = TemplateScalar | readonly (TemplateScalar | TemplateRecord)[];

/** The values edits are rendered with; later downstreams add `{<downstream>.<key>}` outputs. */
export type EditValues = Record<string, TemplateValue>;
/** The values a template is rendered with, by placeholder name. */
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

const NAME = "[A-Za-z][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+)*";
// `{name}`, `{#list}`, `{^list}`, `{/list}` and `{.}`; any other brace (e.g. Hugo `{{ .x }}`) is left alone.
const TAG = new RegExp(`\\{(?:([#^/])(${NAME})|(${NAME}|\\.))\\}`, "g");
// A block tag alone on its line takes the line with it, so a repeated block adds no blank lines.
const STANDALONE = new RegExp(`^[ \\t]*(\\{[#^/]${NAME}\\})[ \\t]*(?:\\r?\\n|$)`, "gm");

type Node =
  | { kind: "text"; text: string }
  | { kind: "value"; name: string }
  | { kind: "block"; name: string; inverted: boolean; body: Node[] };

/** The placeholder and list names a template uses, in order of first use. */
export function findPlaceholders(template: string): string[] {
  return [
    ...new Set(
      [...template.matchAll(TAG)].map((m) => (m[2] ?? m[3]) as string).filter((name) => name !== "."),
    ),
  ];
}

function parse(template: string, where: string): Node[] {
  const root: Node[] = [];
  const open: { name: string; body: Node[] }[] = [];
  const current = () => open.at(-1)?.body ?? root;
  const source = template.replace(STANDALONE, "$1");
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    if (m.index > last) current().push({ kind: "text", text: source.slice(last, m.index) });
    last = m.index + m[0].length;
    const [, sigil, blockName, name] = m;
    if (name !== undefined) {
      current().push({ kind: "value", name });
    } else if (sigil === "/") {
      const block = open.pop();
      if (block?.name !== blockName)
        throw new ReleaseRelayError(
          "E_TEMPLATE",
          `${where}: {/${blockName}} closes ${block ? `{#${block.name}}` : "nothing"}`,
          "close every {#list} block with {/list}, innermost first",
        );
    } else {
      const body: Node[] = [];
      current().push({ kind: "block", name: blockName as string, inverted: sigil === "^", body });
      open.push({ name: blockName as string, body });
    }
  }
  if (last < source.length) current().push({ kind: "text", text: source.slice(last) });
  const unclosed = open.at(-1);
  if (unclosed)
    throw new ReleaseRelayError(
      "E_TEMPLATE",
      `${where}: {#${unclosed.name}} is never closed`,
      `end the repeated block with {/${unclosed.name}}`,
    );
  return root;
}

function invertedNames(nodes: readonly Node[], into = new Set<string>()): Set<string> {
  for (const n of nodes) {
    if (n.kind !== "block") continue;
    if (n.inverted) into.add(n.name);
    invertedNames(n.body, into);
  }
  return into;
}

/**
 * Renders `{name}` placeholders and repeated blocks: `{#list}…{/list}` repeats its body for each
 * item (`{.}` is the item, `{field}` a field of an item), `{^list}…{/list}` renders only when the
 * list is empty. An unknown name is an error naming the known ones; a repeated block over an empty
 * list is an error unless the template says what to print instead with `{^list}` — a published
 * page never silently lists nothing.
 */
export function renderTemplate(template: string, values: TemplateValues, where: string): string {
  const nodes = parse(template, where);
  const mayBeEmpty = invertedNames(nodes);
  const lookup = (name: string, scopes: readonly (TemplateScalar | TemplateRecord)[]) => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const scope = scopes[i];
      if (name === "." && typeof scope !== "object") return scope;
      if (typeof scope === "object" && scope !== null && Object.hasOwn(scope, name)) return scope[name];
    }
    if (name === ".")
      throw new ReleaseRelayError(
        "E_TEMPLATE",
        `${where}: {.} outside a repeated block of plain values`,
        "use {.} inside {#list}…{/list} over a list of plain values",
      );
    const value = values[name];
    if (value === undefined) {
      throw new ReleaseRelayError(
        "E_TEMPLATE",
        `${where}: unknown placeholder {${name}}`,
        `use one of ${Object.keys(values)
          .map((k) => `{${k}}`)
          .join(", ")}`,
      );
    }
    return value;
  };
  const render = (body: readonly Node[], scopes: readonly (TemplateScalar | TemplateRecord)[]): string =>
    body
      .map((node) => {
        if (node.kind === "text") return node.text;
        const value = lookup(node.name, scopes);
        if (node.kind === "value") {
          if (typeof value === "object")
            throw new ReleaseRelayError(
              "E_TEMPLATE",
              `${where}: {${node.name}} is a list`,
              `repeat a block for each item: {#${node.name}}{.}{/${node.name}}`,
            );
          return String(value);
        }
        if (typeof value !== "object")
          throw new ReleaseRelayError(
            "E_TEMPLATE",
            `${where}: {#${node.name}} repeats over a list, but {${node.name}} is a single value`,
            `print it with {${node.name}}`,
          );
        if (node.inverted) return value.length === 0 ? render(node.body, scopes) : "";
        if (value.length === 0 && !mayBeEmpty.has(node.name))
          throw new ReleaseRelayError(
            "E_TEMPLATE",
            `${where}: {#${node.name}} would render nothing: the list is empty`,
            `find out why ${node.name} is empty; if it may be, add {^${node.name}}what to print then{/${node.name}}`,
          );
        return value.map((item) => render(node.body, [...scopes, item])).join("");
      })
      .join("");
  return render(nodes, []);
}
