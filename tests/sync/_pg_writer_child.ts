// A staged whole-board write in its own process, for the PostgreSQL kill
// test: opens the target at the URL, stages board 1's items page after page
// and prints "staged" after the first, until it is killed.
// Usage: _pg_writer_child.ts <postgres-url>
import { openPostgresTarget } from "../../sync/mod.ts";
import { NORMALIZED } from "../../sync/_model.ts";

const at = "2026-10-01T10:00:00Z";
const target = await openPostgresTarget(Deno.args[0]!);
await target.prepare(NORMALIZED);
const writer = await target.beginBoard!("1", {
  name: "board_1",
  columns: [
    { name: "id", type: "text" },
    { name: "name", type: "text" },
    { name: "group_id", type: "text" },
    { name: "state", type: "text" },
    { name: "created_at", type: "timestamp" },
    { name: "updated_at", type: "timestamp" },
  ],
  primaryKey: ["id"],
});
for (let page = 0;; page++) {
  await writer.writeItems(
    Array.from({ length: 500 }, (_, i) => {
      const id = String(page * 500 + i + 1000);
      return {
        id,
        item: [id, "1", "topics", null, `staged ${id}`, "active", "7", at, at],
        values: [[id, "text", "1", "text", "staged", '"staged"']],
        row: [id, `staged ${id}`, "topics", "active", at, at],
      };
    }),
  );
  if (page === 0) console.log("staged");
}
