// A staged whole-board write in its own process, for the PostgreSQL kill
// tests. Usage: _pg_writer_child.ts <postgres-url> stage|rounds
// - stage: stages board 1's items page after page, printing "staged" after
//   the first, until it is killed.
// - rounds: replaces board 1 whole again and again (round r: 1,500 items
//   named "r<r> …"), printing "staged" once the first round is staged and
//   "committed" after each commit.
import { openPostgresTarget } from "../../sync/mod.ts";
import { NORMALIZED } from "../../sync/_model.ts";

const [url, mode] = Deno.args;
const at = "2026-10-01T10:00:00Z";
const table = {
  name: "board_1",
  columns: [
    { name: "id", type: "text" as const },
    { name: "name", type: "text" as const },
    { name: "group_id", type: "text" as const },
    { name: "state", type: "text" as const },
    { name: "created_at", type: "timestamp" as const },
    { name: "updated_at", type: "timestamp" as const },
  ],
  primaryKey: ["id"],
};
const target = await openPostgresTarget(url!);
await target.prepare(NORMALIZED);

function page(from: number, label: string) {
  return Array.from({ length: 500 }, (_, i) => {
    const id = String(from + i);
    const name = `${label} ${id}`;
    return {
      id,
      item: [id, "1", "topics", null, name, "active", "7", at, at],
      values: [[id, "text", "1", "text", name, JSON.stringify(name)]],
      row: [id, name, "topics", "active", at, at],
    };
  });
}

if (mode === "stage") {
  const writer = await target.beginBoard!("1", table);
  for (let p = 0;; p++) {
    await writer.writeItems(page(1000 + 500 * p, "staged"));
    if (p === 1) console.log("staged");
  }
}

for (let round = 0;; round++) {
  const writer = await target.beginBoard!("1", table);
  for (let p = 0; p < 3; p++) {
    await writer.writeItems(page(1000 + 500 * p, `r${round}`));
  }
  if (round === 0) console.log("staged");
  await writer.commit({
    boardId: "1",
    mode: "full",
    board: [
      "1",
      `Board r${round}`,
      null,
      "active",
      "public",
      "board",
      null,
      1500,
      at,
      "board_1",
    ],
    groups: [["1", "topics", "Topics", null, "1"]],
    columns: [["1", "text", "Text", "text", null, "{}", 1, "text"]],
    table,
    items: [],
    updates: [],
    removedItemIds: [],
    state: {
      boardId: "1",
      logMark: null,
      fullAt: at,
      syncedAt: at,
      tableSignature: `r${round}`,
    },
  });
  console.log("committed");
}
