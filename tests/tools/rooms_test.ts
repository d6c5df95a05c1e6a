import assert from "node:assert/strict";
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
