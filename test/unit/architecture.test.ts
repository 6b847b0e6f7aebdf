// The layers of src/, read from the imports themselves: core decides, adapters touch the world,
// steps orchestrate, actions and the CLI are glue over steps, the rehearsal stands in for the world.
// Type-only imports count: a type in the wrong layer is a concept in the wrong layer.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  filesUnder,
  type ImportEdge,
  importCycles,
  importGraph,
  specifiersOf,
} from "../support/import-graph.js";

const ROOT = join(import.meta.dirname, "../..");
const edges = importGraph(ROOT, "src");

/**
 * What core may import besides core: libraries that compute and touch nothing. No node: module is
 * among them — fs, child_process, net, http, os and process are I/O, and core has needed none.
 */
const CORE_LIBRARIES = ["zod", "semver", "yaml"];

/** src/<layer>/… */
const layerOf = (file: string) => file.split("/")[1] ?? "";

interface Rule {
  rule: string;
  forbids: (edge: ImportEdge) => boolean;
}

const RULES: Rule[] = [
  {
    rule: `core imports only core and pure libraries (${CORE_LIBRARIES.join(", ")})`,
    forbids: (e) =>
      layerOf(e.from) === "core" && (e.internal ? layerOf(e.to) !== "core" : !CORE_LIBRARIES.includes(e.to)),
  },
  {
    rule: "adapters import no steps, actions, CLI or rehearsal: they touch the world and decide nothing",
    forbids: (e) =>
      layerOf(e.from) === "adapters" &&
      e.internal &&
      ["steps", "actions", "cli", "rehearsal"].includes(layerOf(e.to)),
  },
  {
    rule: "steps import no actions, CLI or rehearsal: entry points call steps, not the other way",
    forbids: (e) =>
      layerOf(e.from) === "steps" && e.internal && ["actions", "cli", "rehearsal"].includes(layerOf(e.to)),
  },
  {
    rule: "an action imports no other action, nor the CLI or the rehearsal: what two actions share is a step",
    forbids: (e) =>
      layerOf(e.from) === "actions" && e.internal && ["actions", "cli", "rehearsal"].includes(layerOf(e.to)),
  },
  {
    rule: "the CLI imports no action: a command calls the step the action calls",
    forbids: (e) => layerOf(e.from) === "cli" && e.internal && layerOf(e.to) === "actions",
  },
  {
    rule: "the rehearsal imports no CLI: the CLI starts the rehearsal, not the other way",
    forbids: (e) => layerOf(e.from) === "rehearsal" && e.internal && layerOf(e.to) === "cli",
  },
];

const describeEdge = (e: ImportEdge, rule: string) => `${e.from} imports ${e.to}: ${rule}`;

describe("the layers of src/", () => {
  it("reads every form of import: static, type-only, re-exports, side effects and dynamic", () => {
    const source = [
      'import { a } from "./a.js";',
      'import type { B } from "./b.js";',
      'export { c } from "./c.js";',
      'export type * from "./d.js";',
      'import "./e.js";',
      'const f = await import("./f.js");',
      'type G = import("./g.js").G;',
    ].join("\n");
    expect(specifiersOf(source)).toEqual([
      "./a.js",
      "./b.js",
      "./c.js",
      "./d.js",
      "./e.js",
      "./f.js",
      "./g.js",
    ]);
    // An import of main.ts, resolved to the file.
    expect(edges.filter((e) => e.from === "src/cli/main.ts").map((e) => e.to)).toContain(
      "src/cli/status-command.ts",
    );
    expect(edges.filter((e) => e.internal).every((e) => e.to.endsWith(".ts"))).toBe(true);
  });

  for (const { rule, forbids } of RULES)
    it(rule, () => {
      expect(edges.filter(forbids).map((e) => describeEdge(e, rule))).toEqual([]);
    });

  it("has no import cycle, type-only imports included", () => {
    expect(importCycles(edges).map((cycle) => `import cycle: ${cycle.join(" → ")}`)).toEqual([]);
  });

  it("status reads a real release's ledger through the product's adapters, not the rehearsal's code", () => {
    // A kept rehearsal is served again by the emulator (kept-world.ts); everything else status
    // reaches is the product's own: the GitHub client with its real retries, the ledger store.
    const rule = "status reads real ledgers through steps and adapters; only kept-world.ts may be rehearsal";
    const KEPT_WORLD = "src/rehearsal/kept-world.ts";
    const reached = new Set(["src/cli/status-command.ts"]);
    const violations: string[] = [];
    for (const file of reached)
      for (const e of edges.filter((x) => x.from === file && x.internal && x.to !== KEPT_WORLD)) {
        if (layerOf(e.to) === "rehearsal") violations.push(describeEdge(e, rule));
        else reached.add(e.to);
      }
    expect(violations).toEqual([]);
  });
});

describe("the size of src/", () => {
  const MAX_LINES = 400;
  const MAX_FILES_IN_FOLDER = 15;
  const files = filesUnder(ROOT, "src");

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ f, lines: readFileSync(join(ROOT, f), "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ f, lines }) => `${f}: ${lines} lines (at most ${MAX_LINES}; split it by concept)`);
    expect(long).toEqual([]);
  });

  it(`has no folder with more than ${MAX_FILES_IN_FOLDER} files directly in it`, () => {
    const folders = [...new Set(["src", ...files.map((f) => dirname(f))])];
    const crowded = folders
      .map((d) => ({
        d,
        count: readdirSync(join(ROOT, d), { withFileTypes: true }).filter((e) => e.isFile()).length,
      }))
      .filter(({ count }) => count > MAX_FILES_IN_FOLDER)
      .map(({ d, count }) => `${d}: ${count} files (at most ${MAX_FILES_IN_FOLDER}; group them in folders)`);
    expect(crowded).toEqual([]);
  });
});
