import assert from "node:assert/strict";
import { importGraph } from "../../tools/cycles.ts";
import { roomGraph, roomOf } from "../../tools/rooms.ts";

Deno.test("rooms: a file's room is its top-level folder, or itself at the root", () => {
  assert.equal(roomOf("graphql/_budget.ts"), "graphql/");
  assert.equal(roomOf("_cli/commands/query.ts"), "_cli/");
  assert.equal(roomOf("mod.ts"), "mod.ts");
});

Deno.test("rooms: file imports fold into room imports, without a room importing itself", () => {
  const graph = new Map<string, Set<string>>([
    ["mod.ts", new Set(["graphql/mod.ts", "auth/mod.ts"])],
    ["graphql/mod.ts", new Set(["graphql/client.ts"])],
    ["graphql/client.ts", new Set(["_http/mod.ts"])],
    ["auth/mod.ts", new Set(["_http/mod.ts", "storage/mod.ts"])],
  ]);
  assert.deepEqual(
    [...roomGraph(graph)],
    [
      ["auth/", ["_http/", "storage/"]],
      ["graphql/", ["_http/"]],
      ["mod.ts", ["auth/", "graphql/"]],
    ],
  );
});

Deno.test("rooms: docs/architecture.md shows the import map the code has (regenerate with deno task rooms)", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as {
    exports: Record<string, string>;
  };
  const graph = await importGraph(root, Object.values(config.exports));
  const expected = [...roomGraph(graph)].map(([room, targets]) =>
    `${room.padEnd(20)} -> ${targets.join(" ") || "(nothing)"}`
  ).join("\n");
  const doc = await Deno.readTextFile(`${root}docs/architecture.md`);
  assert.ok(
    doc.includes("```\n" + expected + "\n```"),
    `docs/architecture.md's map is stale; it should read:\n${expected}`,
  );
});
