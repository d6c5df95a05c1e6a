import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import {
  CursorExpiredError,
  MondayClient,
  NotFoundError,
  paginateItems,
} from "../../graphql/mod.ts";
import { EmulatorClock } from "./_emulator_clock.ts";
import { timedTest } from "../_time_limit.ts";

const ITEMS = 10_250;
const HOUR_AND_A_MINUTE = 61 * 60_000;

async function bigBoard(items: number) {
  const emulator = await startEmulator({ items });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    clock: new EmulatorClock(emulator),
    onWarning: () => {},
  });
  const { boards } = await client.request<{ boards: { id: string }[] }>(
    "query { boards(limit: 1) { id } }",
  );
  return { emulator, client, boardId: boards[0]!.id };
}

timedTest(
  "paginateItems: walks 10,000+ items with items_page then next_items_page",
  async () => {
    const { emulator, client, boardId } = await bigBoard(ITEMS);
    await using _ = emulator;
    emulator.resetStats();
    const ids = new Set<string>();
    let named = 0;
    for await (
      const item of client.paginateItems<{ id: string; name: string }>(boardId)
    ) {
      ids.add(item.id);
      if (typeof item.name === "string" && item.name !== "") named++;
    }
    assert.equal(ids.size, ITEMS);
    assert.equal(named, ITEMS);
    // 500 per page: one items_page and 20 next_items_page requests.
    assert.equal(emulator.stats().requests.graphql, Math.ceil(ITEMS / 500));
  },
);

timedTest(
  "paginateItems: an expired cursor restarts from the filters and yields each item once",
  async () => {
    const { emulator, client, boardId } = await bigBoard(ITEMS);
    await using _ = emulator;
    const full: string[] = [];
    for await (const item of client.paginateItems(boardId)) full.push(item.id);
    emulator.resetStats();

    const seen: string[] = [];
    for await (const item of client.paginateItems(boardId, { pageSize: 500 })) {
      seen.push(item.id);
      // Mid-way, let the cursor outlive its 60 minutes.
      if (seen.length === 3_000) emulator.advance(HOUR_AND_A_MINUTE);
    }
    assert.equal(seen.length, ITEMS);
    assert.equal(new Set(seen).size, ITEMS);
    assert.deepEqual(seen, full);
    // 21 pages + the expired call + 6 pages re-read up to the 3,000th item.
    assert.equal(emulator.stats().requests.graphql, 21 + 1 + 6);
  },
);

timedTest(
  "paginateItems: filters (query_params) and fields ride along, also after a restart",
  async () => {
    const { emulator, client, boardId } = await bigBoard(3_000);
    await using _ = emulator;
    const queryParams = {
      rules: [{
        column_id: "status",
        compare_value: ["Done"],
        operator: "any_of",
      }],
    };
    const fields = 'name column_values(ids: ["status"]) { id text }';
    type Row = { id: string; column_values: { id: string; text: string }[] };
    const expected: string[] = [];
    for await (
      const item of client.paginateItems<Row>(boardId, {
        queryParams,
        fields,
        pageSize: 100,
      })
    ) {
      assert.equal(item.column_values[0]?.text, "Done");
      expected.push(item.id);
    }
    assert.ok(expected.length > 100 && expected.length < 3_000);
    const again: string[] = [];
    for await (
      const item of client.paginateItems<Row>(boardId, {
        queryParams,
        fields,
        pageSize: 100,
      })
    ) {
      assert.equal(item.column_values[0]?.text, "Done");
      again.push(item.id);
      if (again.length === 150) emulator.advance(HOUR_AND_A_MINUTE);
    }
    assert.deepEqual(again, expected);
  },
);

timedTest(
  "paginateItems: gives up when cursors keep expiring without progress",
  async () => {
    const { emulator, boardId } = await bigBoard(1_000);
    await using _ = emulator;
    let restarts = 0;
    const client = new MondayClient({
      token: emulator.credentials.apiToken,
      apiUrl: emulator.apiUrl,
      onRequest: (info) => {
        // Every cursor is stale by the time it is used.
        if (info.operationName === "mondaykitNextItemsPage") {
          emulator.advance(HOUR_AND_A_MINUTE);
        }
        if (info.operationName === "mondaykitItemsPage") restarts++;
      },
    });
    let count = 0;
    const error = await (async () => {
      for await (
        const _item of client.paginateItems(boardId, {
          pageSize: 100,
          maxRestarts: 2,
        })
      ) count++;
    })().catch((e) => e);
    assert.ok(error instanceof CursorExpiredError, String(error));
    assert.equal(count, 100);
    assert.equal(restarts, 1 + 2);
  },
);

timedTest(
  "paginateItems: a missing board, bad arguments, and aborting",
  async () => {
    const { emulator, client, boardId } = await bigBoard(600);
    await using _ = emulator;
    await assert.rejects(async () => {
      for await (const _item of client.paginateItems("999999")) { /* none */ }
    }, NotFoundError);
    assert.throws(() => client.paginateItems("abc"), /Invalid 'boardId'/);
    assert.throws(
      () => client.paginateItems(boardId, { pageSize: 501 }),
      RangeError,
    );
    assert.throws(
      () => client.paginateItems(boardId, { fields: "id } }" }),
      /unbalanced/,
    );
    const controller = new AbortController();
    let n = 0;
    await assert.rejects(async () => {
      for await (
        const _item of paginateItems(client, boardId, {
          pageSize: 100,
          signal: controller.signal,
        })
      ) {
        if (++n === 150) controller.abort(new Error("enough"));
      }
    }, /enough/);
    assert.equal(n, 150);
  },
);
