// The imports of every source file, as written: static imports and re-exports (type-only ones
// included, since a type in the wrong layer is a concept in the wrong layer) and dynamic import().
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** One import: `to` is a repository path (src/…) for a relative specifier, else the specifier itself. */
export interface ImportEdge {
  from: string;
  to: string;
  internal: boolean;
}

/** Every file under `dir`, as paths relative to `root`, in a stable order. */
export function filesUnder(root: string, dir: string): string[] {
  return (
    readdirSync(join(root, dir), { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[]
  )
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/** The specifiers a file imports, found by TypeScript's own pre-processor (not by pattern). */
export function specifiersOf(source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map((f) => f.fileName);
}

/** Where a relative specifier leads: `./x.js` is the file `./x.ts` (NodeNext resolution). */
function resolveSpecifier(root: string, from: string, specifier: string): string {
  const target = resolve(root, dirname(from), specifier);
  const candidates = [target.replace(/\.js$/, ".ts"), target, `${target}.ts`, join(target, "index.ts")];
  return relative(root, candidates.find((c) => existsSync(c)) ?? target);
}

/** The import edges of every .ts file under `dir`. */
export function importGraph(root: string, dir: string): ImportEdge[] {
  return filesUnder(root, dir)
    .filter((f) => f.endsWith(".ts"))
    .flatMap((from) =>
      specifiersOf(readFileSync(join(root, from), "utf8")).map((specifier) =>
        specifier.startsWith(".")
          ? { from, to: resolveSpecifier(root, from, specifier), internal: true }
          : { from, to: specifier, internal: false },
      ),
    );
}

/** The import cycles: every strongly connected component of more than one file (or a file importing itself), each as one cycle through it. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges.filter((x) => x.internal)) {
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    if (!next.has(e.to)) next.set(e.to, []);
  }
  // Tarjan's algorithm, iterative so that a deep import chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    index.set(start, index.size);
    low.set(start, index.get(start) as number);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1] as { node: string; i: number };
      const targets = next.get(top.node) ?? [];
      if (top.i < targets.length) {
        const to = targets[top.i++] as string;
        if (!index.has(to)) {
          index.set(to, index.size);
          low.set(to, index.get(to) as number);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) {
          low.set(top.node, Math.min(low.get(top.node) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
      if (low.get(top.node) !== index.get(top.node)) continue;
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== top.node);
      const selfImport = (next.get(top.node) ?? []).includes(top.node);
      if (component.length > 1 || selfImport) components.push(component);
    }
  }
  return components.map((c) => cycleThrough(c, next));
}

/** One cycle through a component, from its first file (by name) back to it: a → b → … → a. */
function cycleThrough(component: string[], next: Map<string, string[]>): string[] {
  const members = new Set(component);
  const first = [...component].sort()[0] as string;
  // Breadth-first from `first` within the component, until an edge leads back to it.
  const cameFrom = new Map<string, string>();
  const queue = [first];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const to of next.get(node) ?? []) {
      if (to === first) {
        const path = [node];
        while (path[0] !== first) path.unshift(cameFrom.get(path[0] as string) as string);
        return [...path, first];
      }
      if (members.has(to) && !cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [...component, first];
}
