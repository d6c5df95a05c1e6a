import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import { gql } from "./_helpers.ts";

const TASKS = "5000000001";
const MARKETING = "5000000002";

// deno-lint-ignore no-explicit-any
async function data(emulator: Emulator, query: string): Promise<any> {
  const answer = await gql(emulator, query);
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body));
  return answer.body.data;
}

async function events(emulator: Emulator, board: string): Promise<string[]> {
  const d = await data(
    emulator,
    `{ boards(ids: [${board}]) { activity_logs(limit: 100) { event } } }`,
  );
  return d.boards[0].activity_logs.map((e: { event: string }) => e.event);
}

async function pageIds(emulator: Emulator, board: string): Promise<string[]> {
  const d = await data(
    emulator,
    `{ boards(ids: [${board}]) { items_page(limit: 500) { items { id } } } }`,
  );
  return d.boards[0].items_page.items.map((i: { id: string }) => i.id);
}

Deno.test("items: archive, delete and the UI's restore move state, updated_at and the log", async () => {
  await using emulator = await startEmulator({ items: 5 });
  const start = emulator.now();
  emulator.advance(5_000);
  const archived = await data(
    emulator,
    "mutation { archive_item(item_id: 1000000002) { id state updated_at } }",
  );
  assert.deepEqual(archived.archive_item, {
    id: "1000000002",
    state: "archived",
    updated_at: new Date(start + 5_000).toISOString().slice(0, 19) + "Z",
  });
  assert.ok(!(await pageIds(emulator, TASKS)).includes("1000000002"));
  const board = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { items_count } }`,
  );
  assert.equal(board.boards[0].items_count, 4);
  // An archived item can still be deleted; root items(ids) shows each state.
  await data(emulator, "mutation { delete_item(item_id: 1000000002) { id } }");
  await data(emulator, "mutation { delete_item(item_id: 1000000003) { id } }");
  emulator.advance(1_000);
  emulator.ui.restoreItem("1000000003");
  const states = await data(
    emulator,
    "{ items(ids: [1000000002, 1000000003, 1000000004]) { id state updated_at } }",
  );
  assert.deepEqual(
    states.items.map((i: { id: string; state: string }) => [i.id, i.state]),
    [["1000000002", "deleted"], ["1000000003", "active"], [
      "1000000004",
      "active",
    ]],
  );
  assert.equal(
    states.items[1].updated_at,
    new Date(start + 6_000).toISOString().slice(0, 19) + "Z",
  );
  assert.ok((await pageIds(emulator, TASKS)).includes("1000000003"));
  assert.deepEqual(await events(emulator, TASKS), [
    "restore_pulse",
    "delete_pulse",
    "delete_pulse",
    "archive_pulse",
  ]);
  assert.throws(() => emulator.ui.restoreItem("1000000004"), /restored/);
});

Deno.test("items: move_item_to_group logs from and into the group; move_item_to_board logs on both boards", async () => {
  await using emulator = await startEmulator({ items: 5 });
  const moved = await data(
    emulator,
    'mutation { move_item_to_group(item_id: 1000000001, group_id: "group_later") { id group { id } } }',
  );
  assert.equal(moved.move_item_to_group.group.id, "group_later");
  const logs = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { activity_logs { event data } } }`,
  );
  const [into, from] = logs.boards[0].activity_logs;
  assert.equal(into.event, "move_pulse_into_group");
  assert.equal(from.event, "move_pulse_from_group");
  assert.equal(JSON.parse(into.data).dest_group.id, "group_later");
  assert.equal(JSON.parse(into.data).source_group.id, "topics");

  const before = await data(
    emulator,
    `{ items(ids: [1000000002]) { column_values(ids: ["status", "text"]) { id value } } }`,
  );
  const toBoard = await data(
    emulator,
    `mutation { move_item_to_board(item_id: 1000000002, board_id: ${MARKETING}, group_id: "topics", columns_mapping: [{source: "status", target: "status"}, {source: "text"}]) { id board { id } group { id } column_values(ids: ["status", "text"]) { id value } } }`,
  );
  const item = toBoard.move_item_to_board;
  assert.equal(item.board.id, MARKETING);
  assert.equal(item.group.id, "topics");
  const status = (cvs: { id: string; value: string | null }[]) =>
    cvs.find((c) => c.id === "status")!.value;
  assert.equal(
    status(item.column_values),
    status(before.items[0].column_values),
  );
  // A mapping without a target drops the value.
  assert.equal(
    item.column_values.find((c: { id: string }) => c.id === "text").value,
    null,
  );
  assert.ok(!(await pageIds(emulator, TASKS)).includes("1000000002"));
  assert.ok((await pageIds(emulator, MARKETING)).includes("1000000002"));
  assert.equal((await events(emulator, TASKS))[0], "move_pulse_from_board");
  assert.equal((await events(emulator, MARKETING))[0], "move_pulse_into_board");
});

Deno.test("items: create_subitem makes the subitems board, linked by the subtasks column", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const created = await data(
    emulator,
    'mutation { create_subitem(parent_item_id: 1000000001, item_name: "Step one", column_values: "{\\"status\\": \\"Done\\"}") { id name board { id type name } parent_item { id } } }',
  );
  const sub = created.create_subitem;
  assert.equal(sub.parent_item.id, "1000000001");
  assert.equal(sub.board.type, "sub_items_board");
  assert.equal(sub.board.name, "Subitems of Emulated Tasks");
  const parent = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { columns(types: [subtasks]) { id settings } }
       items(ids: [1000000001]) { subitems { id name }
         column_values(ids: ["subitems"]) { text value ... on SubtasksValue { display_value subitems_ids } } } }`,
  );
  const column = parent.boards[0].columns[0];
  assert.equal(column.id, "subitems");
  assert.deepEqual(JSON.parse(column.settings).boardIds, [
    Number(sub.board.id),
  ]);
  assert.deepEqual(parent.items[0].subitems, [{
    id: sub.id,
    name: "Step one",
  }]);
  assert.deepEqual(parent.items[0].column_values[0], {
    text: null,
    value: null,
    display_value: "Step one",
    subitems_ids: [sub.id],
  });
  const all = await data(emulator, "{ boards(limit: 100) { id type } }");
  assert.ok(
    all.boards.some((b: { id: string; type: string }) =>
      b.id === sub.board.id && b.type === "sub_items_board"
    ),
  );
  // The subitem's events are on the subitems board's own log.
  assert.deepEqual(await events(emulator, sub.board.id), ["create_pulse"]);
  const page = await data(
    emulator,
    `{ boards(ids: [${sub.board.id}]) { items_page { items { id parent_item { id } } } } }`,
  );
  assert.deepEqual(page.boards[0].items_page.items, [{
    id: sub.id,
    parent_item: { id: "1000000001" },
  }]);
  // Archiving the parent archives its subitems.
  await data(emulator, "mutation { archive_item(item_id: 1000000001) { id } }");
  const after = await data(emulator, `{ items(ids: [${sub.id}]) { state } }`);
  assert.equal(after.items[0].state, "archived");
});

Deno.test("items: create_update is served per item and at the root, newest first, and logged", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const created = await data(
    emulator,
    'mutation { create_update(item_id: 1000000003, body: "<p>Hello <b>team</b></p>") { id body text_body creator_id item_id created_at } }',
  );
  const update = created.create_update;
  assert.equal(update.text_body, "Hello team");
  assert.equal(update.creator_id, emulator.credentials.apiTokens[0]!.userId);
  assert.equal(update.item_id, "1000000003");
  const read = await data(
    emulator,
    "{ updates(limit: 1) { id } items(ids: [1000000003]) { updated_at updates { id body } } }",
  );
  assert.equal(read.updates[0].id, update.id);
  assert.equal(read.items[0].updates[0].id, update.id);
  assert.equal(read.items[0].updated_at, update.created_at);
  assert.deepEqual(await events(emulator, TASKS), ["create_update"]);
  await data(emulator, `mutation { delete_update(id: ${update.id}) { id } }`);
  const gone = await data(emulator, "{ updates(limit: 100) { id } }");
  assert.ok(!gone.updates.some((u: { id: string }) => u.id === update.id));
});

Deno.test("items: the UI API changes data like the mutations do", async () => {
  await using emulator = await startEmulator({ items: 2 });
  const other = emulator.credentials.apiTokens[1]!.userId;
  const id = emulator.ui.createItem(TASKS, "From the UI", {
    groupId: "group_next",
    columnValues: { numbers: 4 },
    userId: other,
  });
  emulator.advance(2_000);
  emulator.ui.setValues(id, { numbers: 5, name: "Renamed in the UI" }, {
    userId: other,
  });
  const d = await data(
    emulator,
    `{ items(ids: [${id}]) { name creator_id group { id } column_values(ids: ["numbers"]) { text } }
       boards(ids: [${TASKS}]) { activity_logs { event user_id } } }`,
  );
  assert.equal(d.items[0].name, "Renamed in the UI");
  assert.equal(d.items[0].creator_id, other);
  assert.equal(d.items[0].group.id, "group_next");
  assert.equal(d.items[0].column_values[0].text, "5");
  assert.deepEqual(
    d.boards[0].activity_logs.map((e: { event: string }) => e.event),
    ["update_name", "update_column_value", "create_pulse"],
  );
  assert.ok(
    d.boards[0].activity_logs.every((e: { user_id: string }) =>
      e.user_id === other
    ),
  );
  assert.throws(
    () => emulator.ui.setValues(id, { numbers: "many" }),
    (e: Error & { code?: string }) => e.code === "ColumnValueException",
  );
  assert.throws(
    () => emulator.ui.createItem(TASKS, "x", { userId: "1" }),
    TypeError,
  );
});

Deno.test("items: duplicate_item copies values and keeps the original's updated_at, as monday can", async () => {
  await using emulator = await startEmulator({ items: 3 });
  await data(
    emulator,
    'mutation { create_update(item_id: 1000000002, body: "note") { id } }',
  );
  const original = await data(
    emulator,
    `{ items(ids: [1000000002]) { name updated_at column_values { id value } updates { body } } }`,
  );
  emulator.advance(3 * 86_400_000);
  const copied = await data(
    emulator,
    `mutation { duplicate_item(board_id: ${TASKS}, item_id: 1000000002, with_updates: true) { id name created_at updated_at column_values { id value } updates { body } } }`,
  );
  const copy = copied.duplicate_item;
  assert.equal(copy.name, `${original.items[0].name} (copy)`);
  assert.equal(copy.updated_at, original.items[0].updated_at);
  assert.notEqual(copy.created_at, original.items[0].created_at);
  assert.deepEqual(
    copy.column_values.filter((c: { id: string }) => c.id !== "files"),
    original.items[0].column_values.filter((c: { id: string }) =>
      c.id !== "files"
    ),
  );
  assert.deepEqual(copy.updates, original.items[0].updates);
  assert.equal(copy.updates[0].body, "note");
  // The copy is not "updated today": an updated_at watermark misses it.
  const today = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { items_page(query_params: {rules: [{column_id: "__last_updated__", compare_value: ["TODAY"], compare_attribute: "UPDATED_AT"}]}) { items { id } } } }`,
  );
  assert.deepEqual(today.boards[0].items_page.items, []);
  const log = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { activity_logs(limit: 1) { event data } } }`,
  );
  const entry = log.boards[0].activity_logs[0];
  assert.equal(entry.event, "batch_duplicate_pulses");
  assert.deepEqual(JSON.parse(entry.data).duplicated_pulse_ids, [
    Number(copy.id),
  ]);
  const boards = await data(
    emulator,
    "{ classic: boards(hierarchy_types: [classic, multi_level]) { id hierarchy_type } multi: boards(hierarchy_types: [multi_level]) { id } }",
  );
  assert.equal(boards.classic.length, 3);
  assert.equal(boards.classic[0].hierarchy_type, "classic");
  assert.deepEqual(boards.multi, []);
});

Deno.test("items: changed values carry changed_at at the change's time, as monday's raw values do", async () => {
  await using emulator = await startEmulator({ items: 2 });
  emulator.advance(1_234);
  await data(
    emulator,
    `mutation { change_multiple_column_values(board_id: ${TASKS}, item_id: 1000000001, column_values: "{\\"status\\": {\\"index\\": 2}, \\"text\\": \\"plain\\", \\"date4\\": \\"2026-12-24\\"}") { id } }`,
  );
  const d = await data(
    emulator,
    `{ items(ids: [1000000001]) { column_values(ids: ["status", "text", "date4"]) { id value } } }`,
  );
  const value = (id: string) =>
    d.items[0].column_values.find((c: { id: string }) => c.id === id).value;
  const stamp = new Date(emulator.now()).toISOString();
  assert.deepEqual(JSON.parse(value("status")), {
    index: 2,
    post_id: null,
    changed_at: stamp,
  });
  assert.deepEqual(JSON.parse(value("date4")), {
    date: "2026-12-24",
    icon: null,
    changed_at: stamp,
  });
  assert.equal(value("text"), '"plain"');
});
