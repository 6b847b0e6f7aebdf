import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildSchema,
  execute,
  type GraphQLAbstractType,
  type GraphQLSchema,
  isObjectType,
  parse,
  validate,
  validateSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { commitOnBranch, readBranchFile } from "../../src/adapters/github/graphql/commits.js";
import {
  GRAPHQL_OPERATIONS,
  type GraphqlOperationName,
} from "../../src/adapters/github/graphql/operations.js";
import { readPullRequestBase } from "../../src/adapters/github/graphql/pull-request-base.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { ALL_PERMISSIONS } from "../../src/rehearsal/github/permissions.js";

// The committed excerpt of GitHub's public GraphQL schema (scripts/update-graphql-excerpt.mjs).
const schema: GraphQLSchema = buildSchema(
  readFileSync(join(import.meta.dirname, "github-graphql.graphql"), "utf8"),
);

/** Every call the product's adapter sent and what the local GitHub answered. */
const exchanges: {
  operation: GraphqlOperationName;
  variables: Record<string, unknown>;
  status: number;
  body: unknown;
}[] = [];
let emulator: GitHubEmulator;
let gh: GitHubClient;
const REPO = "acme/site";
const pullRequestBases: Awaited<ReturnType<typeof readPullRequestBase>>[] = [];

/** A raw POST /graphql, for what the adapter never sends (an unknown document, a body not JSON). */
const post = async (body: string, token = "t") => {
  const res = await fetch(`${emulator.url}/graphql`, {
    method: "POST",
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  emulator.addToken("t", { login: "relay[bot]", repos: { "*": ALL_PERMISSIONS } });
  emulator.addToken("ro", { login: "reader[bot]", repos: { [REPO]: ["contents:read"] } });
  const base = await emulator.createRepo(REPO, {
    files: { "ledger.json": "[]\n", "logo.png": "\u0000PNG", "docs/a.md": "a\n" },
  });
  gh = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });
  // What the adapter sends, as sent: the variables exactly as Octokit puts them on the wire.
  const sent: { query: string; variables: Record<string, unknown> }[] = [];
  gh.hook.before("request", (options) => {
    if (options.url === "/graphql") sent.push(options as unknown as (typeof sent)[number]);
  });
  emulator.observe((route, status, body) => {
    if (!route.startsWith("POST /graphql ")) return;
    const request = sent.shift();
    if (request)
      exchanges.push({
        operation: route.slice("POST /graphql ".length) as GraphqlOperationName,
        variables: request.variables,
        status,
        body,
      });
  });

  await readBranchFile(gh, REPO, "main", "ledger.json");
  await readBranchFile(gh, REPO, "main", "logo.png");
  await readBranchFile(gh, REPO, "main", "missing.json");
  await readBranchFile(gh, REPO, "no-such-branch", "ledger.json");
  await readBranchFile(gh, "acme/nope", "main", "ledger.json").catch(() => undefined);
  await gh.rest.git.createRef({ owner: "acme", repo: "site", ref: "refs/heads/release", sha: base });
  const paths = ["ledger.json", "logo.png", "missing.json", "docs"];
  pullRequestBases.push(
    await readPullRequestBase(gh, REPO, { base: "main", release: "release", paths }),
    await readPullRequestBase(gh, REPO, { base: undefined, release: "none", paths: ["ledger.json"] }),
    await readPullRequestBase(gh, REPO, { base: "no-such-branch", release: "none", paths: [] }),
  );
  const made = await commitOnBranch(gh, {
    repo: REPO,
    branch: "main",
    expectedHead: base,
    headline: "one",
    body: "body",
    files: [
      { path: "ledger.json", content: "[1]\n" },
      { path: "logo.png", content: "", deleted: true },
    ],
  });
  expect(made).toMatchObject({ oid: expect.stringMatching(/^[0-9a-f]{40}$/) });
  expect(
    await commitOnBranch(gh, { repo: REPO, branch: "main", expectedHead: base, headline: "two", files: [] }),
  ).toBe("stale");
  await commitOnBranch(gh, {
    repo: REPO,
    branch: "main",
    expectedHead: (made as { oid: string }).oid,
    headline: "gone",
    files: [{ path: "never-there.txt", content: "", deleted: true }],
  }).catch(() => undefined);
});

afterAll(async () => {
  await emulator.stop();
});

/** Which of an abstract type's kinds a value is: the one whose fields hold all its keys. */
function typeOf(
  value: Record<string, unknown>,
  _context: unknown,
  info: { schema: GraphQLSchema },
  type: GraphQLAbstractType,
) {
  const candidates = info.schema.getPossibleTypes(type).filter(isObjectType);
  // An aliased field (`file0: file(...)`) is answered under its alias: its field is the name less the digits.
  const fields = Object.keys(value).map((k) => k.replace(/\d+$/, ""));
  // Nothing selected: a kind the document asks nothing of (a tree where a file's blob was asked for).
  if (fields.length === 0) return candidates.find((t) => t.name === "Tree")?.name ?? candidates[0]?.name;
  return candidates.find((t) => fields.every((k) => k in t.getFields()))?.name ?? candidates[0]?.name;
}

/** A field's value in the answer, which holds it under its alias when the document gives one. */
const byResponseKey = (
  source: Record<string, unknown>,
  _args: unknown,
  _context: unknown,
  info: { path: { key: string | number } },
) => source?.[info.path.key];

describe("the local GitHub's GraphQL endpoint against GitHub's public schema", () => {
  it("every document the product sends is valid against the schema excerpt, which is itself valid", () => {
    expect(validateSchema(schema)).toEqual([]);
    for (const [name, text] of Object.entries(GRAPHQL_OPERATIONS)) {
      const document = parse(text);
      expect(validate(schema, document).map((e) => `${name}: ${e.message}`)).toEqual([]);
      // The operation is named as the local GitHub logs it.
      expect(document.definitions[0]).toMatchObject({ name: { value: name } });
    }
  });

  it("served every document with success, and with the failures GitHub answers", () => {
    const ok = new Set(
      exchanges.filter((e) => !(e.body as { errors?: unknown }).errors).map((e) => e.operation),
    );
    expect([...ok].sort()).toEqual(Object.keys(GRAPHQL_OPERATIONS).sort());
    const types = exchanges.flatMap((e) =>
      ((e.body as { errors?: { type?: string }[] }).errors ?? []).map((x) => x.type),
    );
    expect(new Set(types)).toEqual(new Set(["NOT_FOUND", "STALE_DATA", "UNPROCESSABLE"]));
  });

  it("the variables the product sends are of the schema's types, and each answer is what the document selects", async () => {
    for (const e of exchanges) {
      const body = e.body as { data?: Record<string, unknown>; errors?: unknown[] };
      // Executing the document on the answer's data checks it field by field: a missing, extra,
      // mistyped or wrongly null field makes `data` differ or GraphQL report an error.
      const result = await execute({
        schema,
        document: parse(GRAPHQL_OPERATIONS[e.operation]),
        rootValue: body.data ?? {},
        variableValues: e.variables,
        typeResolver: typeOf as never,
        fieldResolver: byResponseKey as never,
      });
      expect(e.status).toBe(200);
      if (body.errors) {
        // GitHub's errors: a message, and null where the failing field was.
        for (const err of body.errors) expect(err).toMatchObject({ message: expect.any(String) });
        continue;
      }
      expect(result.errors ?? []).toEqual([]);
      expect(result.data).toEqual(body.data);
    }
  });

  it("reads a binary file's text as null, a missing file and branch as null", () => {
    const files = exchanges
      .filter((e) => e.operation === "branchFile" && !(e.body as { errors?: unknown }).errors)
      .map((e) => [String(e.variables.path), JSON.stringify(e.body)]);
    expect(files.find(([p]) => p === "logo.png")?.[1]).toContain('"text":null');
    expect(files.find(([p]) => p === "missing.json")?.[1]).toContain('"file":null');
    expect(files.some(([, b]) => b?.includes('"ref":null'))).toBe(true);
  });

  it("reads a PR's base in one call: files at its head, a binary or missing file, the release branch", () => {
    const [named, byDefault, missing] = pullRequestBases;
    if (named === "unsupported" || !named?.head) throw new Error("pullRequestBase was not served");
    expect(named.base).toBe("main");
    expect(named.head.tree).toMatch(/^[0-9a-f]{40}$/);
    expect([...named.files]).toEqual([
      ["ledger.json", "[]\n"],
      ["logo.png", "\u0000PNG"],
      ["missing.json", undefined],
      ["docs", undefined],
    ]);
    expect(named.release).toEqual({ sha: named.head.sha, tree: named.head.tree, parents: [] });
    expect(byDefault).toMatchObject({
      base: "main",
      release: null,
      files: new Map([["ledger.json", "[]\n"]]),
    });
    expect(missing).toEqual({ base: "no-such-branch", head: undefined });
    const binary = exchanges.find(
      (e) => e.operation === "pullRequestBase" && e.variables.path1 === "logo.png",
    );
    expect(JSON.stringify(binary?.body)).toContain('"text":null');
  });

  it("refuses what it does not know as GitHub refuses an invalid request, never serving it", async () => {
    const unknown = await post(JSON.stringify({ query: "query { viewer { login } }" }));
    expect(unknown.status).toBe(200);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ message: expect.any(String) })]);
    expect(unknown.body.data).toBeUndefined();
    expect(await post("{ not json")).toMatchObject({
      status: 400,
      body: { message: "Problems parsing JSON" },
    });
    expect(await post(JSON.stringify({ query: GRAPHQL_OPERATIONS.branchFile }), "nobody")).toMatchObject({
      status: 401,
      body: { message: "Bad credentials" },
    });
    const badInput = await post(
      JSON.stringify({
        query: GRAPHQL_OPERATIONS.createCommitOnBranch,
        variables: { input: { expectedHeadOid: null } },
      }),
    );
    expect((badInput.body.errors as { message: string }[])[0]?.message).toMatch(
      /^Variable \$input of type CreateCommitOnBranchInput! was provided invalid value/,
    );
  });

  it("keeps REST's permissions: a read-only token's commit is FORBIDDEN, a repository it cannot see NOT_FOUND", async () => {
    const reader = await post(
      JSON.stringify({
        query: GRAPHQL_OPERATIONS.createCommitOnBranch,
        variables: {
          input: {
            branch: { repositoryNameWithOwner: REPO, branchName: "main" },
            expectedHeadOid: "0".repeat(40),
            message: { headline: "x" },
          },
        },
      }),
      "ro",
    );
    expect(reader).toMatchObject({
      status: 200,
      body: {
        data: { createCommitOnBranch: null },
        errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }],
      },
    });
    const hidden = await post(
      JSON.stringify({
        query: GRAPHQL_OPERATIONS.branchFile,
        variables: { owner: "acme", name: "other", ref: "main", path: "x" },
      }),
      "ro",
    );
    expect(hidden.body).toMatchObject({ data: { repository: null }, errors: [{ type: "NOT_FOUND" }] });
    // pullRequestBase needs "Contents: read", as the REST reads it replaces.
    const base = (owner: string, name: string) =>
      post(
        JSON.stringify({
          query: GRAPHQL_OPERATIONS.pullRequestBase,
          variables: { owner, name, onDefault: true, release: "refs/heads/r" },
        }),
        "ro",
      );
    expect((await base("acme", "other")).body).toMatchObject({
      data: { repository: null },
      errors: [{ type: "NOT_FOUND" }],
    });
    expect((await base("acme", "site")).body).toMatchObject({
      data: { repository: { defaultBranchRef: { name: "main" }, release: null } },
    });
  });

  it("answers as an older GitHub Enterprise Server would when createCommitOnBranch is switched off", async () => {
    emulator.setGraphqlCommits(false);
    try {
      const old = await post(
        JSON.stringify({ query: GRAPHQL_OPERATIONS.createCommitOnBranch, variables: {} }),
      );
      expect(old.body.errors).toEqual([
        expect.objectContaining({
          message: "Field 'createCommitOnBranch' doesn't exist on type 'Mutation'",
          extensions: expect.objectContaining({ code: "undefinedField" }),
        }),
      ]);
    } finally {
      emulator.setGraphqlCommits(true);
    }
  });
});
