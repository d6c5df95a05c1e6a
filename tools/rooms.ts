/**
 * Prints the map of the house: which room (top-level folder, or root file)
 * imports which, from the real import graph (`deno info`, type-only imports
 * included). `docs/architecture.md` holds its output; regenerate it with
 * `deno task rooms`.
 *
 * @module
 */

import { importGraph } from "./cycles.ts";

/**
 * The room a file belongs to: its top-level folder, or the file itself at the
 * root.
 *
 * @param file A path relative to the package root.
 * @returns The room's name (`graphql/`, `mod.ts`).
 */
export function roomOf(file: string): string {
  const slash = file.indexOf("/");
  return slash < 0 ? file : file.slice(0, slash + 1);
}

/**
 * Room-to-room imports, from a file-level import graph.
 *
 * @param graph Each file's imports.
 * @returns Each room's imported rooms, sorted, without itself.
 */
export function roomGraph(
  graph: Map<string, Set<string>>,
): Map<string, string[]> {
  const rooms = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const room = roomOf(from);
    const out = rooms.get(room) ?? new Set<string>();
    rooms.set(room, out);
    for (const target of targets) {
      const to = roomOf(target);
      if (to !== room) out.add(to);
    }
  }
  return new Map(
    [...rooms].sort(([a], [b]) => a.localeCompare(b)).map((
      [room, targets],
    ) => [room, [...targets].sort()]),
  );
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as {
    exports: Record<string, string>;
  };
  const graph = await importGraph(root, Object.values(config.exports));
  for (const [room, targets] of roomGraph(graph)) {
    console.log(`${room.padEnd(20)} -> ${targets.join(" ") || "(nothing)"}`);
  }
}
