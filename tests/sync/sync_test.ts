// The sync against the emulator, on SQLite and on PostgreSQL: a full sync
// mirrors the account; an incremental sync reads only what changed and
// leaves the mirror equal to a fresh full sync and to what the API shows.
import assert from "node:assert/strict";
import { MondayClient } from "../../graphql/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import {
  openSqliteTarget,
  syncAccount,
  type SyncTarget,
} from "../../sync/mod.ts";
import {
  apiItems,
  dumpMirror,
  mirrorItems,
  openTestPostgres,
  postgresSkip,
} from "./_mirror.ts";

type Opener = () => Promise<SyncTarget>;

const TARGETS: { name: string; open: Opener; ignore: boolean }[] = [
  { name: "SQLite", open: () => openSqliteTarget(":memory:"), ignore: false },
  { name: "PostgreSQL", open: openTestPostgres, ignore: !!postgresSkip },
];

for (const { name, open, ignore } of TARGETS) {
  Deno.test({
    name: `${name}: a full sync mirrors the account, typed per board`,
    ignore,
    async fn() {
      await using emulator = await startEmulator({ items: 40, boards: 3 });
      const client = new MondayClient({
        token: emulator.credentials.apiToken,
        apiUrl: emulator.apiUrl,
      });
      await using target = await open();
      const summary = await syncAccount(client, target, {
        now: () => emulator.now(),
      });
      assert.equal(summary.incrementalBoards, 0);
      assert.equal(summary.fullBoards, summary.boards - summary.inactiveBoards);
      assert.deepEqual(await mirrorItems(target), await apiItems(client));

      const boards = await target.query(
        "SELECT id, table_name FROM boards WHERE state = 'active' ORDER BY id",
      );
      assert.ok(boards.rows.length >= 3);
      const [first] = boards.rows;
      const table = String(first![1]);
      const count = await target.query(`SELECT count(*) AS n FROM "${table}"`);
      assert.equal(Number(count.rows[0]![0]), 40);
      // The mapping from board columns to SQL columns is recorded.
      const mapping = await target.query(
        "SELECT id, sql_name FROM columns WHERE board_id = $1 AND type = 'numbers'"
          .replace("$1", target.kind === "sqlite" ? "?" : "$1"),
        { params: [String(first![0])] },
      );
      assert.equal(mapping.rows.length, 1);
      // Numbers are numbers, checkboxes booleans, dates dates.
      const typed = await target.query(
        `SELECT "${
          mapping.rows[0]![1]
        }" AS n, checkbox, date FROM "${table}" WHERE "${
          mapping.rows[0]![1]
        }" IS NOT NULL ORDER BY id LIMIT 1`,
      );
      assert.equal(typeof typed.rows[0]![0], "number");
      assert.ok(
        typed.rows[0]![1] === true || typed.rows[0]![1] === false ||
          typed.rows[0]![1] === 0 || typed.rows[0]![1] === 1,
      );
      for (
        const table of ["users", "workspaces", "teams", "team_users", "tags"]
      ) {
        const rows = await target.query(`SELECT count(*) FROM ${table}`);
        assert.ok(Number(rows.rows[0]![0]) > 0, `${table} is empty`);
      }
      // Every board's workspace is in workspaces.
      const orphans = await target.query(
        "SELECT count(*) FROM boards b LEFT JOIN workspaces w ON w.id = b.workspace_id WHERE b.workspace_id IS NOT NULL AND w.id IS NULL",
      );
      assert.equal(Number(orphans.rows[0]![0]), 0);
    },
  });

  Deno.test({
    name: `${name}: an incremental sync reads what changed, not the board`,
    ignore,
    async fn() {
      await using emulator = await startEmulator({ items: 300, boards: 2 });
      const client = new MondayClient({
        token: emulator.credentials.apiToken,
        apiUrl: emulator.apiUrl,
      });
      const now = () => emulator.now();
      await using target = await open();
      await syncAccount(client, target, { now });
      emulator.advance(60_000);

      // Nothing changed: nothing is read.
      const quiet = await syncAccount(client, target, { now });
      assert.equal(quiet.fullBoards, 0);
      assert.equal(quiet.itemsRead, 0);

      const { boards } = await client.request<
        { boards: { id: string; items_page: { items: { id: string }[] } }[] }
      >("query { boards(limit: 1) { id items_page(limit: 3) { items { id } } } }");
      const board = boards[0]!;
      const [a, b, c] = board.items_page.items;
      await client.request(
        `mutation { change_multiple_column_values(board_id: ${board.id}, item_id: ${
          a!.id
        }, column_values: "{\\"text\\": \\"changed\\", \\"numbers\\": \\"42\\"}") { id } }`,
      );
      await client.request(
        `mutation { delete_item(item_id: ${b!.id}) { id } }`,
      );
      await client.request(
        `mutation { create_item(board_id: ${board.id}, item_name: "Fresh") { id } }`,
      );
      emulator.advance(60_000);
      const step = await syncAccount(client, target, { now });
      assert.equal(step.fullBoards, 0, JSON.stringify(step.fullReasons));
      assert.ok(step.itemsRead <= 3, `read ${step.itemsRead} items`);
      assert.ok(step.requests <= 6, `${step.requests} requests`);
      assert.equal(step.itemsRemoved, 1);

      const row = await target.query(
        `SELECT text, numbers FROM "board_${board.id}" WHERE id = '${a!.id}'`,
      );
      assert.deepEqual(row.rows, [["changed", 42]]);
      const gone = await target.query(
        `SELECT count(*) FROM items WHERE id = '${b!.id}'`,
      );
      assert.equal(Number(gone.rows[0]![0]), 0);
      assert.ok(c);

      await using fresh = await open();
      await syncAccount(client, fresh, { now });
      assert.deepEqual(await dumpMirror(target), await dumpMirror(fresh));
      assert.deepEqual(await mirrorItems(target), await apiItems(client));
    },
  });
}
