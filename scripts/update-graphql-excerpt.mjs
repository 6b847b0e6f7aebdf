// Regenerates test/contract/github-graphql.graphql: the part of GitHub's public GraphQL schema that
// release-relay's documents reach (src/adapters/github/graphql/operations.ts): the fields they
// select, on every type they reach, with each field's arguments and every input type, enum and scalar
// those take. The schema comes from @octokit/graphql-schema, fetched with `npm pack` into a temporary
// directory and never installed as a dependency; graphql-js (a devDependency) reads and prints it.
// Usage: node scripts/update-graphql-excerpt.mjs [graphql-schema-version]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";

const root = new URL("..", import.meta.url).pathname;
const version = process.argv[2] ?? "latest";

/** The documents as the product sends them: each exported template literal of graphql/operations.ts. */
export function operationDocuments(source) {
  return [...source.matchAll(/export const \w+ = `([^`]*)`;/g)].map((m) => m[1]);
}

const tmp = mkdtempSync(join(tmpdir(), "graphql-schema-"));
try {
  execFileSync("npm", ["pack", `@octokit/graphql-schema@${version}`, "--silent"], {
    cwd: tmp,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const tarball = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
  execFileSync("tar", ["xzf", tarball, "package/schema.graphql", "package/package.json"], { cwd: tmp });
  const packed = JSON.parse(readFileSync(join(tmp, "package/package.json"), "utf8")).version;
  const sdl = readFileSync(join(tmp, "package/schema.graphql"), "utf8");
  // The published SDL repeats a few fields of types release-relay never reaches: read it as given.
  const schema = buildSchema(sdl, { assumeValidSDL: true });
  const documents = operationDocuments(
    readFileSync(join(root, "src/adapters/github/graphql/operations.ts"), "utf8"),
  );
  if (documents.length === 0) throw new Error("no GraphQL documents found in graphql/operations.ts");

  /** Type name → the fields kept (undefined: a type kept whole: input objects, enums, scalars). */
  const kept = new Map();
  const keepType = (type) => {
    const named = getNamedType(type);
    if (kept.has(named.name)) return;
    kept.set(named.name, isObjectType(named) || isInterfaceType(named) ? new Set() : undefined);
    if (isInputObjectType(named)) for (const f of Object.values(named.getFields())) keepType(f.type);
  };
  for (const text of documents) {
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(text),
      visitWithTypeInfo(typeInfo, {
        OperationDefinition(node) {
          keepType(node.operation === "mutation" ? schema.getMutationType() : schema.getQueryType());
        },
        VariableDefinition() {
          keepType(typeInfo.getInputType());
        },
        InlineFragment() {
          keepType(typeInfo.getType());
        },
        Field(node) {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) throw new Error(`${node.name.value} is not in the schema ${packed}`);
          keepType(parent);
          kept.get(parent.name).add(field.name);
          keepType(field.type);
          for (const arg of field.args) keepType(arg.type);
        },
      }),
    );
  }
  // A field selected on an interface is kept on each kept type implementing it, as the schema requires.
  for (const [name, fields] of kept) {
    const type = schema.getType(name);
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const iface of type.getInterfaces())
      if (kept.has(iface.name)) for (const f of kept.get(iface.name)) fields.add(f);
  }
  const stripDescriptions = (node) =>
    visit(node, {
      enter(n) {
        if ("description" in n && n.description) return { ...n, description: undefined };
        return undefined;
      },
    });
  const definitions = parse(sdl)
    .definitions.filter((d) => "name" in d && d.name && kept.has(d.name.value))
    .map((d) => {
      const fields = kept.get(d.name.value);
      if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) return d;
      return {
        ...d,
        interfaces: d.interfaces?.filter((i) => kept.has(i.name.value)),
        fields: d.fields.filter((f) => fields.has(f.name.value)),
      };
    })
    .map(stripDescriptions)
    .sort((a, b) => a.name.value.localeCompare(b.name.value));
  const excerpt = `# GitHub's GraphQL schema (excerpt): what release-relay's documents reach.\n# @octokit/graphql-schema ${packed}; regenerate with node scripts/update-graphql-excerpt.mjs\n\n${print({ kind: Kind.DOCUMENT, definitions })}\n`;
  // The excerpt must stand on its own: build it once before writing it.
  buildSchema(excerpt);
  writeFileSync(join(root, "test/contract/github-graphql.graphql"), excerpt);
  console.log(
    `wrote test/contract/github-graphql.graphql: ${documents.length} documents, ${definitions.length} types, @octokit/graphql-schema ${packed}`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
