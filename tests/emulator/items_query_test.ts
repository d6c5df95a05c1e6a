import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import { gql } from "./_helpers.ts";

const TASKS = "5000000001";

async function page(
  emulator: Emulator,
  params: string,
  where = `boards(ids: [${TASKS}])`,
): Promise<string[]> {
  const answer = await gql(
    emulator,
    `{ ${where} { items_page(limit: 500, query_params: ${params}) { items { id } } } }`,
  );
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body));
  return answer.body.data.boards[0].items_page.items.map((i: { id: string }) =>
    i.id
  );
}

function lastUpdated(values: string, operator = "any_of"): string {
  return `{rules: [{column_id: "__last_updated__", compare_value: ${values}, compare_attribute: "UPDATED_AT", operator: ${operator}}]}`;
}

async function touch(emulator: Emulator, id: string): Promise<void> {
  const answer = await gql(
    emulator,
    `mutation { change_simple_column_value(board_id: ${TASKS}, item_id: ${id}, column_id: "text", value: "t${emulator.now()}") { id } }`,
  );
  assert.equal(answer.body.errors, undefined);
}

Deno.test("items_page: __last_updated__ day buckets in UTC on the emulator clock", async () => {
  // 2026-11-04 is a Wednesday; the week starts on Monday 2026-11-02.
  await using emulator = await startEmulator({
    items: 6,
    startTime: Date.UTC(2026, 9, 20, 12),
  });
  await touch(emulator, "1000000001"); // 2026-10-20: last month
  emulator.advance(Date.UTC(2026, 10, 2, 8) - emulator.now());
  await touch(emulator, "1000000002"); // Monday: this week
  emulator.advance(Date.UTC(2026, 10, 3, 23, 59) - emulator.now());
  await touch(emulator, "1000000003"); // yesterday
  emulator.advance(Date.UTC(2026, 10, 4, 0, 1) - emulator.now());
  await touch(emulator, "1000000004"); // today
  assert.deepEqual(await page(emulator, lastUpdated('["TODAY"]')), [
    "1000000004",
  ]);
  assert.deepEqual(await page(emulator, lastUpdated('["YESTERDAY"]')), [
    "1000000003",
  ]);
  assert.deepEqual(
    await page(emulator, lastUpdated('["TODAY", "YESTERDAY"]')),
    ["1000000003", "1000000004"],
  );
  assert.deepEqual(await page(emulator, lastUpdated('["THIS_WEEK"]')), [
    "1000000002",
    "1000000003",
    "1000000004",
  ]);
  assert.deepEqual(await page(emulator, lastUpdated('["LAST_MONTH"]')), [
    "1000000001",
  ]);
  // Seeded items were last updated 400 days ago.
  assert.deepEqual(
    await page(
      emulator,
      lastUpdated('["THIS_MONTH", "LAST_MONTH"]', "not_any_of"),
    ),
    ["1000000005", "1000000006"],
  );
  assert.deepEqual(
    await page(
      emulator,
      lastUpdated('["EXACT", "2026-11-03"]', "greater_than_or_equals"),
    ),
    ["1000000003", "1000000004"],
  );
  const missing = await gql(
    emulator,
    `{ boards(ids: [${TASKS}]) { items_page(query_params: {rules: [{column_id: "__last_updated__", compare_value: ["TODAY"]}]}) { items { id } } } }`,
  );
  assert.equal(
    missing.body.errors[0].extensions.code,
    "InvalidArgumentException",
  );
  assert.match(missing.body.errors[0].message, /UPDATED_AT/);
});

Deno.test("items_page: order_by __last_updated__ and __creation_log__, ids, nested rule groups, group rules", async () => {
  await using emulator = await startEmulator({ items: 6 });
  for (const id of ["1000000004", "1000000002", "1000000006"]) {
    emulator.advance(1_000);
    await touch(emulator, id);
  }
  const ordered = await page(
    emulator,
    '{order_by: [{column_id: "__last_updated__", direction: desc}]}',
  );
  assert.deepEqual(ordered.slice(0, 3), [
    "1000000006",
    "1000000002",
    "1000000004",
  ]);
  assert.deepEqual(
    await page(
      emulator,
      '{order_by: [{column_id: "__creation_log__", direction: desc}]}',
    ),
    [
      "1000000006",
      "1000000005",
      "1000000004",
      "1000000003",
      "1000000002",
      "1000000001",
    ],
  );
  assert.deepEqual(
    await page(emulator, "{ids: [1000000003, 1000000001, 99]}"),
    ["1000000001", "1000000003"],
  );
  // Items go round the groups topics, group_next, group_later.
  assert.deepEqual(
    await page(
      emulator,
      '{rules: [{column_id: "group", compare_value: ["group_next"]}]}',
    ),
    ["1000000002", "1000000005"],
  );
  assert.deepEqual(
    await page(
      emulator,
      `{operator: or, groups: [
        {rules: [{column_id: "group", compare_value: ["topics"]}, {column_id: "__last_updated__", compare_value: ["TODAY"], compare_attribute: "UPDATED_AT"}]},
        {rules: [{column_id: "name", compare_value: ["#3"], operator: contains_text}]}
      ]}`,
    ),
    ["1000000003", "1000000004"],
  );
  const group = await gql(
    emulator,
    `{ boards(ids: [${TASKS}]) { groups(ids: ["group_later"]) { items_page(limit: 10) { items { id } } } } }`,
  );
  assert.deepEqual(
    group.body.data.boards[0].groups[0].items_page.items.map((
      i: { id: string },
    ) => i.id),
    ["1000000003", "1000000006"],
  );
});

Deno.test("items_page: cursors expire 60 minutes after the pagination's first request, not its last", async () => {
  await using emulator = await startEmulator({ items: 30 });
  const first = await gql(
    emulator,
    `{ boards(ids: [${TASKS}]) { items_page(limit: 10) { cursor } } }`,
  );
  let cursor = first.body.data.boards[0].items_page.cursor;
  emulator.advance(50 * 60_000);
  const second = await gql(
    emulator,
    `{ next_items_page(cursor: "${cursor}", limit: 10) { cursor items { id } } }`,
  );
  cursor = second.body.data.next_items_page.cursor;
  assert.equal(second.body.data.next_items_page.items.length, 10);
  emulator.advance(10 * 60_000);
  const expired = await gql(
    emulator,
    `{ next_items_page(cursor: "${cursor}", limit: 10) { cursor items { id } } }`,
  );
  assert.equal(expired.body.errors[0].extensions.code, "CursorException");
  assert.match(expired.body.errors[0].message, /^CursorExpiredError:/);
});

Deno.test("items_page: items archived, deleted or moved away during a pagination are skipped", async () => {
  await using emulator = await startEmulator({ items: 8 });
  const first = await gql(
    emulator,
    `{ boards(ids: [${TASKS}]) { items_page(limit: 2) { cursor items { id } } } }`,
  );
  const cursor = first.body.data.boards[0].items_page.cursor;
  emulator.ui.archiveItem("1000000003");
  emulator.ui.deleteItem("1000000004");
  emulator.ui.moveItemToBoard("1000000005", "5000000002", "topics");
  const rest = await gql(
    emulator,
    `{ next_items_page(cursor: "${cursor}", limit: 100) { cursor items { id } } }`,
  );
  assert.deepEqual(
    rest.body.data.next_items_page.items.map((i: { id: string }) => i.id),
    ["1000000006", "1000000007", "1000000008"],
  );
  assert.equal(rest.body.data.next_items_page.cursor, null);
});
