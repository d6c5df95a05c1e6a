// Big boards finish: a whole read goes group by group, so no single walk
// outlives its cursor's 60 minutes even when the board's read takes longer;
// an expired cursor restarts only its group.
import assert from "node:assert/strict";
import { MondayClient } from "../../graphql/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import { openSqliteTarget, syncAccount } from "../../sync/mod.ts";

Deno.test("a board whose read outlives a cursor finishes, split by group", async () => {
  await using emulator = await startEmulator({ items: 3000, boards: 1 });
  const start = emulator.now();
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    // Every request takes 20 minutes of the emulator's clock.
    fetch: (input, init) => {
      emulator.advance(20 * 60_000);
      return fetch(input, init);
    },
  });
  await using target = await openSqliteTarget(":memory:");
  const summary = await syncAccount(client, target, { concurrency: 1 });
  assert.ok(
    emulator.now() - start > 3 * 60 * 60_000,
    "the whole read took longer than a cursor lives",
  );
  assert.equal(summary.cursorRestarts, 0);
  const { rows } = await target.query(
    "SELECT count(*) FROM items WHERE board_id = '5000000001'",
  );
  assert.equal(rows[0]![0], 3000);
  const groups = await target.query(
    "SELECT count(DISTINCT group_id) FROM board_5000000001",
  );
  assert.ok(Number(groups.rows[0]![0]) >= 2);
});

Deno.test("an expired cursor restarts its group only, never the board", async () => {
  await using emulator = await startEmulator({ items: 3000, boards: 1 });
  let nextPages = 0;
  let expired = false;
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    fetch: async (input, init) => {
      const body = typeof init?.body === "string" ? init.body : "";
      if (body.includes("next_items_page")) {
        nextPages++;
        // The second group's walk stalls past its cursor's life, once.
        if (nextPages === 2 && !expired) {
          expired = true;
          emulator.advance(61 * 60_000);
        }
      }
      return await fetch(input, init);
    },
  });
  await using target = await openSqliteTarget(":memory:");
  const full = await syncAccount(client, target, { concurrency: 1 });
  assert.ok(expired);
  assert.equal(full.cursorRestarts, 1);
  const { rows } = await target.query("SELECT count(*) FROM items");
  assert.equal(rows[0]![0], 3000);
  // Only one group was read again: the board's 3,000 items plus one group.
  assert.ok(full.itemsRead < 3000 + 1500, `read ${full.itemsRead} items`);
});

Deno.test("a cursor failing with a code never seen, naming the cursor, restarts its group like an expiry", async () => {
  await using emulator = await startEmulator({ items: 3000, boards: 1 });
  let nextPages = 0;
  let failed = false;
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    fetch: async (input, init) => {
      const body = typeof init?.body === "string" ? init.body : "";
      if (body.includes("next_items_page") && ++nextPages === 2 && !failed) {
        failed = true;
        return Response.json({
          data: null,
          errors: [{
            message: "The cursor is no longer valid",
            extensions: { code: "NEVER_SEEN_BEFORE" },
          }],
        });
      }
      return await fetch(input, init);
    },
  });
  await using target = await openSqliteTarget(":memory:");
  const full = await syncAccount(client, target, { concurrency: 1 });
  assert.ok(failed);
  assert.equal(full.cursorRestarts, 1);
  const { rows } = await target.query("SELECT count(*) FROM items");
  assert.equal(rows[0]![0], 3000);
});
