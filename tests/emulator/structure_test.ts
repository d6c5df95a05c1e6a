import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import { gql } from "./_helpers.ts";

const TASKS = "5000000001";

// deno-lint-ignore no-explicit-any
async function data(emulator: Emulator, query: string): Promise<any> {
  const answer = await gql(emulator, query);
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body));
  return answer.body.data;
}

async function code(emulator: Emulator, query: string): Promise<string> {
  const answer = await gql(emulator, query);
  return answer.body.errors?.[0]?.extensions?.code ?? "no error";
}

async function boardLog(
  emulator: Emulator,
): Promise<{ event: string; entity: string; data: Record<string, unknown> }[]> {
  const d = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { activity_logs(limit: 100) { event entity data } } }`,
  );
  return d.boards[0].activity_logs.map((
    e: { event: string; entity: string; data: string },
  ) => ({ ...e, data: JSON.parse(e.data) }));
}

Deno.test("structure: groups are created, renamed, archived and deleted with board events", async () => {
  await using emulator = await startEmulator({ items: 9 });
  const created = await data(
    emulator,
    `mutation { create_group(board_id: ${TASKS}, group_name: "Backlog", group_color: "#ff0000") { id title color } }`,
  );
  const group = created.create_group;
  assert.equal(group.title, "Backlog");
  assert.equal(group.color, "#ff0000");
  await data(
    emulator,
    `mutation { update_group(board_id: ${TASKS}, group_id: "${group.id}", group_attribute: title, new_value: "Icebox") { id } }`,
  );
  // Deleting a group deletes its items (items 3, 6 and 9 are in group_later).
  await data(
    emulator,
    `mutation { delete_group(board_id: ${TASKS}, group_id: "group_later") { id deleted } }`,
  );
  await data(
    emulator,
    `mutation { archive_group(board_id: ${TASKS}, group_id: "group_next") { id } }`,
  );
  const d = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { groups { id title } items_count }
       items(ids: [1000000002, 1000000003]) { id state } }`,
  );
  assert.deepEqual(d.boards[0].groups, [
    { id: "topics", title: "This week" },
    { id: group.id, title: "Icebox" },
  ]);
  assert.equal(d.boards[0].items_count, 3);
  assert.deepEqual(d.items, [
    { id: "1000000002", state: "archived" },
    { id: "1000000003", state: "deleted" },
  ]);
  const log = await boardLog(emulator);
  const boardEvents = log.filter((e) => e.entity === "board");
  assert.deepEqual(boardEvents.map((e) => e.event), [
    "archive_group",
    "delete_group",
    "update_group_name",
    "create_group",
  ]);
  assert.equal(boardEvents[2]!.data.group_title, "Icebox");
  assert.equal(
    log.filter((e) => e.event === "delete_group_pulse").length,
    3,
  );
  assert.equal(
    await code(
      emulator,
      `mutation { delete_group(board_id: ${TASKS}, group_id: "${group.id}") { id } }`,
    ),
    "no error",
  );
  assert.equal(
    await code(
      emulator,
      `mutation { delete_group(board_id: ${TASKS}, group_id: "topics") { id } }`,
    ),
    "DeleteLastGroupException",
  );
});

Deno.test("structure: columns are created, renamed, updated by revision and deleted with board events", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const created = await data(
    emulator,
    `mutation { create_column(board_id: ${TASKS}, id: "priority", title: "Priority", column_type: dropdown, after_column_id: "status", defaults: "{\\"labels\\": [{\\"id\\": 1, \\"name\\": \\"High\\"}, {\\"id\\": 2, \\"name\\": \\"Low\\"}]}") { id title type revision settings } }`,
  );
  const column = created.create_column;
  assert.equal(column.type, "dropdown");
  assert.deepEqual(JSON.parse(column.settings).labels[0], {
    id: 1,
    name: "High",
  });
  await data(
    emulator,
    `mutation { change_column_value(board_id: ${TASKS}, item_id: 1000000001, column_id: "priority", value: "{\\"labels\\": [\\"Low\\"]}") { id } }`,
  );
  const renamed = await data(
    emulator,
    `mutation { change_column_title(board_id: ${TASKS}, column_id: "priority", title: "Urgency") { title revision } }`,
  );
  assert.equal(renamed.change_column_title.title, "Urgency");
  assert.notEqual(renamed.change_column_title.revision, column.revision);
  assert.equal(
    await code(
      emulator,
      `mutation { update_column(board_id: ${TASKS}, id: "priority", revision: "${column.revision}", column_type: dropdown, title: "Stale") { id } }`,
    ),
    "InvalidArgumentException",
  );
  assert.equal(
    await code(
      emulator,
      `mutation { update_column(board_id: ${TASKS}, id: "priority", revision: "${renamed.change_column_title.revision}", column_type: text, title: "Retyped") { id } }`,
    ),
    "InvalidArgumentException",
  );
  const d = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { columns { id } } items(ids: [1000000001]) { column_values(ids: ["priority"]) { text ... on DropdownValue { values { id label } } } } }`,
  );
  const ids = d.boards[0].columns.map((c: { id: string }) => c.id);
  assert.equal(ids[ids.indexOf("status") + 1], "priority");
  assert.deepEqual(d.items[0].column_values[0], {
    text: "Low",
    values: [{ id: "2", label: "Low" }],
  });
  await data(
    emulator,
    `mutation { delete_column(board_id: ${TASKS}, column_id: "priority") { id } }`,
  );
  const log = (await boardLog(emulator)).filter((e) => e.entity === "board");
  assert.deepEqual(log.map((e) => e.event), [
    "delete_column",
    "update_column_name",
    "create_column",
  ]);
  assert.equal(log[2]!.data.column_type, "dropdown");
  assert.equal(log[1]!.data.column_title, "Urgency");
  assert.equal(
    await code(
      emulator,
      `mutation { change_column_value(board_id: ${TASKS}, item_id: 1000000001, column_id: "priority", value: "1") { id } }`,
    ),
    "InvalidColumnIdException",
  );
});

Deno.test("structure: retyping a column is the UI's: values that cannot be read are dropped", async () => {
  await using emulator = await startEmulator({ items: 3 });
  await data(
    emulator,
    `mutation { change_simple_column_value(board_id: ${TASKS}, item_id: 1000000001, column_id: "text", value: "42") { id } }`,
  );
  await data(
    emulator,
    `mutation { change_simple_column_value(board_id: ${TASKS}, item_id: 1000000002, column_id: "text", value: "not a number") { id } }`,
  );
  emulator.ui.changeColumnType(TASKS, "text", "numbers");
  const d = await data(
    emulator,
    `{ boards(ids: [${TASKS}]) { columns(ids: ["text"]) { type } activity_logs(limit: 1) { event data } }
       items(ids: [1000000001, 1000000002]) { column_values(ids: ["text"]) { type text ... on NumbersValue { number } } } }`,
  );
  assert.equal(d.boards[0].columns[0].type, "numbers");
  assert.equal(d.boards[0].activity_logs[0].event, "change_column_settings");
  assert.equal(
    JSON.parse(d.boards[0].activity_logs[0].data).column_type,
    "numeric",
  );
  assert.deepEqual(
    d.items.map((i: { column_values: unknown[] }) => i.column_values[0]),
    [
      { type: "numbers", text: "42", number: 42 },
      { type: "numbers", text: "", number: null },
    ],
  );
});

Deno.test("structure: boards are archived, deleted, renamed; boards(state: all) shows them", async () => {
  await using emulator = await startEmulator({ boards: 4, items: 2 });
  await data(
    emulator,
    "mutation { archive_board(board_id: 5000000003) { id } }",
  );
  await data(
    emulator,
    "mutation { delete_board(board_id: 5000000004) { id } }",
  );
  await data(
    emulator,
    'mutation { update_board(board_id: 5000000002, board_attribute: name, new_value: "Campaigns") }',
  );
  const d = await data(
    emulator,
    `{ active: boards { id name } all: boards(state: all) { id state }
       deleted: boards(state: deleted) { id } }`,
  );
  assert.deepEqual(d.active.map((b: { id: string }) => b.id), [
    "5000000001",
    "5000000002",
  ]);
  assert.equal(d.active[1].name, "Campaigns");
  assert.deepEqual(
    d.all.map((b: { id: string; state: string }) => [b.id, b.state]),
    [
      ["5000000001", "active"],
      ["5000000002", "active"],
      ["5000000003", "archived"],
      ["5000000004", "deleted"],
    ],
  );
  assert.deepEqual(d.deleted, [{ id: "5000000004" }]);
  emulator.ui.setBoardState("5000000004", "active");
  const back = await data(emulator, "{ boards { id } }");
  assert.equal(back.boards.length, 3);
});

Deno.test("structure: reading the items of a deleted board is an INTERNAL_SERVER_ERROR, as connectors see it", async () => {
  await using emulator = await startEmulator({ boards: 2, items: 2 });
  await data(
    emulator,
    "mutation { delete_board(board_id: 5000000002) { id } }",
  );
  const answer = await gql(
    emulator,
    "{ boards(ids: [5000000002], state: all) { id state items_page { items { id } } } }",
  );
  assert.equal(answer.status, 200);
  assert.equal(answer.body.errors[0].extensions.code, "INTERNAL_SERVER_ERROR");
  assert.deepEqual(answer.body.errors[0].path, ["boards", 0, "items_page"]);
  const log = await data(
    emulator,
    "{ boards(ids: [5000000002], state: all) { activity_logs { event } } }",
  );
  assert.deepEqual(log.boards[0].activity_logs, [{ event: "board_deleted" }]);
});
