// Where the activity logs cannot be trusted to cover the gap, a board is read
// whole: slower, never wrong. And a change made during a sync is picked up
// by this run or the next, never lost.
import assert from "node:assert/strict";
import { MondayClient } from "../../graphql/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import { openSqliteTarget, syncAccount } from "../../sync/mod.ts";
import { diffDumps, dumpMirror } from "./_mirror.ts";

const HOUR = 3_600_000;

async function setup(items: number) {
  const emulator = await startEmulator({ items, boards: 1 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
  });
  return { emulator, client, now: () => emulator.now() };
}

async function assertEqualsFresh(
  client: MondayClient,
  target: Awaited<ReturnType<typeof openSqliteTarget>>,
) {
  await using fresh = await openSqliteTarget(":memory:");
  await syncAccount(client, fresh);
  const diff = diffDumps(await dumpMirror(target), await dumpMirror(fresh));
  assert.equal(diff, "", diff);
}

Deno.test("over 10,000 logs since the last run: the board is read whole", async () => {
  const { emulator, client, now } = await setup(20);
  await using _ = emulator;
  await using target = await openSqliteTarget(":memory:");
  await syncAccount(client, target, { now });
  emulator.advance(1000);
  for (let i = 0; i < 10_001; i++) {
    emulator.ui.setValues("1000000001", { text: `edit ${i}` });
  }
  emulator.advance(1000);
  const summary = await syncAccount(client, target, { now });
  assert.equal(summary.fullBoards, 1);
  assert.match(summary.fullReasons["5000000001"]!, /10,000 activity logs/);
  await assertEqualsFresh(client, target);
});

Deno.test("logs past their retention: --full-every reads the board whole", async () => {
  const { emulator, client, now } = await setup(20);
  await using _ = emulator;
  emulator.setActivityLogRetention(HOUR);
  await using target = await openSqliteTarget(":memory:");
  await syncAccount(client, target, { now });
  emulator.ui.setValues("1000000002", { text: "changed long ago" });
  emulator.advance(2 * HOUR); // its log is gone
  const summary = await syncAccount(client, target, { now, fullEvery: HOUR });
  assert.equal(summary.fullBoards, 1);
  assert.equal(summary.fullReasons["5000000001"], "full-every");
  const { rows } = await target.query(
    "SELECT text FROM board_5000000001 WHERE id = '1000000002'",
  );
  assert.deepEqual(rows, [["changed long ago"]]);
  await assertEqualsFresh(client, target);
});

Deno.test("a change made during a whole read is picked up by the next run", async () => {
  const { emulator, client: plain } = await setup(1500);
  await using _ = emulator;
  let changed = false;
  let groupReads = 0;
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    fetch: async (input, init) => {
      const body = typeof init?.body === "string" ? init.body : "";
      // While the board's items are being read, someone edits one that
      // may already have been read.
      if (body.includes("SyncGroupItems") && ++groupReads === 2) {
        changed = true;
        emulator.advance(1000);
        emulator.ui.setValues("1000000001", { text: "edited mid-sync" });
      }
      return await fetch(input, init);
    },
  });
  const now = () => emulator.now();
  await using target = await openSqliteTarget(":memory:");
  await syncAccount(client, target, { now });
  assert.ok(changed);
  emulator.advance(1000);
  const next = await syncAccount(client, target, { now });
  assert.equal(next.fullBoards, 0);
  const { rows } = await target.query(
    "SELECT text FROM board_5000000001 WHERE id = '1000000001'",
  );
  assert.deepEqual(rows, [["edited mid-sync"]]);
  await assertEqualsFresh(plain, target);
});

Deno.test("a refused read fails the run cleanly; boards applied stay, the next run completes", async () => {
  const emulator = await startEmulator({ items: 600, boards: 3 });
  await using _ = emulator;
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    retry: false,
  });
  const now = () => emulator.now();
  await using target = await openSqliteTarget(":memory:");
  let reads = 0;
  const failing = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    retry: false,
    fetch: (input, init) => {
      const body = typeof init?.body === "string" ? init.body : "";
      // The fourth group read is refused by the server.
      if (body.includes("SyncGroupItems") && ++reads === 4) {
        emulator.inject("graphql", { status: 500, body: "boom" });
      }
      return fetch(input, init);
    },
  });
  await assert.rejects(syncAccount(failing, target, { now, concurrency: 1 }));
  // Whatever was applied is whole: every board's table matches its items.
  const { rows } = await target.query(
    "SELECT b.id, (SELECT count(*) FROM items i WHERE i.board_id = b.id) FROM boards b WHERE b.table_name IS NOT NULL",
  );
  for (const [id, count] of rows) {
    const table = await target.query(`SELECT count(*) FROM "board_${id}"`);
    assert.equal(table.rows[0]![0], count);
  }
  await syncAccount(client, target, { now });
  await assertEqualsFresh(client, target);
});
