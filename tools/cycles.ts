/**
 * Finds import cycles among the package's own modules, type-only imports
 * included: runs `deno info --json` on every entry point (the `exports` of
 * deno.json), builds the graph of local files and prints every strongly
 * connected component of more than one file (or a file importing itself).
 * Exits with 1 when there is a cycle.
 *
 * Run it with `deno task cycles`. Needs `--allow-run` (for `deno info`) and
 * `--allow-read`.
 *
 * @module
 */

/** One cycle: the files (relative to the root) that import each other. */
export type Cycle = string[];

interface InfoDependency {
  code?: { specifier?: string };
  type?: { specifier?: string };
}

interface InfoModule {
  specifier: string;
  local?: string;
  dependencies?: InfoDependency[];
}

/**
 * Lists the import cycles reachable from the given entry points.
 *
 * @param root The package root (holding deno.json).
 * @param entries The entry points, relative to `root`.
 * @returns Each cycle's files, sorted, relative to `root`.
 * @throws {Error} When `deno info` fails.
 *
 * @example List the cycles of the package
 * ```ts ignore
 * import { findCycles } from "./cycles.ts";
 * console.log(await findCycles(Deno.cwd(), ["mod.ts"]));
 * ```
 */
export async function findCycles(
  root: string,
  entries: readonly string[],
): Promise<Cycle[]> {
  return stronglyConnected(await importGraph(root, entries));
}

/**
 * The package's own import graph: for each local file reachable from the
 * entry points (relative to `root`), the local files it imports, type-only
 * imports included.
 *
 * @param root The package root (holding deno.json).
 * @param entries The entry points, relative to `root`.
 * @returns Each file's imports.
 * @throws {Error} When `deno info` fails.
 *
 * @example Count the package's files
 * ```ts ignore
 * import { importGraph } from "./cycles.ts";
 * console.log((await importGraph(Deno.cwd(), ["mod.ts"])).size);
 * ```
 */
export async function importGraph(
  root: string,
  entries: readonly string[],
): Promise<Map<string, Set<string>>> {
  const rootUrl = new URL(`file://${root.replace(/\/*$/, "/")}`).href;
  const edges = new Map<string, Set<string>>();
  for (const entry of entries) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      throw new Error(
        `Cannot list the imports of '${entry}': ${
          new TextDecoder().decode(output.stderr).trim()
        }`,
      );
    }
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules: InfoModule[];
    };
    for (const module of info.modules) {
      if (!module.specifier.startsWith(rootUrl)) continue;
      const from = module.specifier.slice(rootUrl.length);
      const targets = edges.get(from) ?? new Set<string>();
      edges.set(from, targets);
      for (const dependency of module.dependencies ?? []) {
        for (
          const to of [dependency.code?.specifier, dependency.type?.specifier]
        ) {
          if (to?.startsWith(rootUrl)) targets.add(to.slice(rootUrl.length));
        }
      }
    }
  }
  return edges;
}

/** Tarjan's algorithm, iterative; returns components that form a cycle. */
function stronglyConnected(edges: Map<string, Set<string>>): Cycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: Cycle[] = [];
  let next = 0;
  for (const start of [...edges.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; targets: string[]; at: number }[] = [];
    const open = (node: string) => {
      index.set(node, next);
      low.set(node, next);
      next++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, targets: [...(edges.get(node) ?? [])].sort(), at: 0 });
    };
    open(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.at < frame.targets.length) {
        const target = frame.targets[frame.at++]!;
        if (!index.has(target)) open(target);
        else if (onStack.has(target)) {
          low.set(
            frame.node,
            Math.min(low.get(frame.node)!, index.get(target)!),
          );
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) {
        low.set(
          parent.node,
          Math.min(low.get(parent.node)!, low.get(frame.node)!),
        );
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || edges.get(frame.node)?.has(frame.node)) {
        cycles.push(component.sort());
      }
    }
  }
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as {
    exports: Record<string, string>;
  };
  const cycles = await findCycles(root, Object.values(config.exports));
  for (const cycle of cycles) console.log(`cycle: ${cycle.join(" <-> ")}`);
  if (cycles.length > 0) {
    console.error(`${cycles.length} import cycle(s) found`);
    Deno.exit(1);
  }
  console.log("no import cycles");
}
