import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { ActivityLog } from "../../emulator/_activity_log.ts";
import { firstBoardId, gql } from "./_helpers.ts";

interface Log {
  id: string;
  event: string;
  entity: string;
  data: string;
  user_id: string;
  account_id: string;
  created_at: string;
}

const LOG_FIELDS = "id event entity data user_id account_id created_at";

async function logs(
  emulator: Awaited<ReturnType<typeof startEmulator>>,
  boardId: string,
  args = "",
): Promise<Log[]> {
  const answer = await gql(
    emulator,
    `{ boards(ids: [${boardId}]) { activity_logs${
      args ? `(${args})` : ""
    } { ${LOG_FIELDS} } } }`,
  );
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body));
  return answer.body.data.boards[0].activity_logs;
}

Deno.test("activity logs: item mutations record monday's events and data shapes, newest first", async () => {
  await using emulator = await startEmulator({ items: 10 });
  const board = await firstBoardId(emulator);
  const admin = emulator.credentials.apiTokens[0]!.userId;
  const created = await gql(
    emulator,
    `mutation { create_item(board_id: ${board}, item_name: "Logged", group_id: "group_next", column_values: "{\\"status\\": {\\"label\\": \\"Done\\"}}") { id } }`,
  );
  const id = created.body.data.create_item.id;
  emulator.advance(1500);
  await gql(
    emulator,
    `mutation { change_column_value(board_id: ${board}, item_id: ${id}, column_id: "status", value: "{\\"index\\": 2}") { id } }`,
  );
  emulator.advance(1000);
  await gql(
    emulator,
    `mutation { change_multiple_column_values(board_id: ${board}, item_id: ${id}, column_values: "{\\"name\\": \\"Renamed\\"}") { id } }`,
  );

  const entries = await logs(emulator, board);
  assert.deepEqual(entries.map((e) => e.event), [
    "update_name",
    "update_column_value",
    "create_pulse",
  ]);
  for (const e of entries) {
    assert.match(
      e.id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(e.entity, "pulse");
    assert.equal(e.user_id, admin);
    assert.equal(e.account_id, "9000001");
    assert.match(e.created_at, /^\d{17}$/);
  }
  // 17 digits of 100-ns units: ÷10⁴ gives the emulator clock's ms.
  assert.equal(
    Math.floor(Number(entries[0]!.created_at) / 10_000),
    emulator.now(),
  );
  assert.equal(
    Math.floor(Number(entries[2]!.created_at) / 10_000),
    emulator.now() - 2500,
  );

  const create = JSON.parse(entries[2]!.data);
  assert.equal(create.board_id, Number(board));
  assert.equal(create.pulse_id, Number(id));
  assert.equal(create.pulse_name, "Logged");
  assert.equal(create.group_id, "group_next");
  assert.equal(create.group_name, "Next week");
  assert.equal(create.is_top_group, false);
  assert.equal(typeof create.column_values_json, "string");
  assert.deepEqual(JSON.parse(create.column_values_json).status.index, 1);

  const change = JSON.parse(entries[1]!.data);
  assert.equal(change.column_id, "status");
  assert.equal(change.column_type, "color");
  assert.equal(change.column_title, "Status");
  assert.deepEqual(change.value.label.index, 2);
  assert.equal(change.value.label.text, "Stuck");
  assert.equal(change.previous_value.label.text, "Done");
  assert.equal(change.is_column_with_hide_permissions, false);

  const rename = JSON.parse(entries[0]!.data);
  assert.deepEqual(rename.value, { name: "Renamed" });
  assert.deepEqual(rename.previous_value, { name: "Logged" });
});

Deno.test("activity logs: setting a value to what it already is records nothing", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const board = await firstBoardId(emulator);
  const first = await gql(
    emulator,
    `mutation { change_simple_column_value(board_id: ${board}, item_id: 1000000001, column_id: "text", value: "Same") { id } }`,
  );
  assert.equal(first.body.errors, undefined);
  await gql(
    emulator,
    `mutation { change_simple_column_value(board_id: ${board}, item_id: 1000000001, column_id: "text", value: "Same") { id } }`,
  );
  const entries = await logs(emulator, board);
  assert.equal(entries.length, 1);
  assert.equal(JSON.parse(entries[0]!.data).column_type, "text");
});

Deno.test("activity logs: filters by item, column, group, user and time; limit and page", async () => {
  await using emulator = await startEmulator({ items: 6 });
  const board = await firstBoardId(emulator);
  const start = emulator.now();
  const other = emulator.credentials.apiTokens[1]!;
  for (let i = 1; i <= 4; i++) {
    await gql(
      emulator,
      `mutation { change_simple_column_value(board_id: ${board}, item_id: 100000000${i}, column_id: "text", value: "v${i}") { id } }`,
      i === 4 ? { token: other.token } : {},
    );
    emulator.advance(60_000);
  }
  await gql(
    emulator,
    `mutation { change_simple_column_value(board_id: ${board}, item_id: 1000000001, column_id: "numbers", value: "7") { id } }`,
  );
  const all = await logs(emulator, board, "limit: 1000");
  assert.equal(all.length, 5);
  const ids = (list: Log[]) => list.map((e) => JSON.parse(e.data).pulse_id);
  assert.deepEqual(
    ids(await logs(emulator, board, "item_ids: [1000000001]")),
    [1000000001, 1000000001],
  );
  assert.deepEqual(
    ids(await logs(emulator, board, 'column_ids: ["numbers"]')),
    [1000000001],
  );
  // Items 1 and 4 are in group "topics" (items go round the three groups).
  assert.deepEqual(
    ids(await logs(emulator, board, 'group_ids: ["topics"]')),
    [1000000001, 1000000004, 1000000001],
  );
  assert.deepEqual(
    ids(await logs(emulator, board, `user_ids: [${other.userId}]`)),
    [1000000004],
  );
  const from = new Date(start + 60_000).toISOString();
  const to = new Date(start + 120_000).toISOString();
  assert.deepEqual(
    ids(await logs(emulator, board, `from: "${from}", to: "${to}"`)),
    [1000000003, 1000000002],
  );
  assert.deepEqual(
    ids(await logs(emulator, board, "limit: 2, page: 2")),
    ids(all).slice(2, 4),
  );
  const tooMany = await gql(
    emulator,
    `{ boards(ids: [${board}]) { activity_logs(limit: 1001) { id } } }`,
  );
  assert.equal(
    tooMany.body.errors[0].extensions.code,
    "InvalidArgumentException",
  );
});

Deno.test("activity logs: retention drops entries older than it, on the emulator clock", async () => {
  await using emulator = await startEmulator({
    items: 3,
    activityLogRetentionMs: 3_600_000,
  });
  const board = await firstBoardId(emulator);
  await gql(
    emulator,
    `mutation { change_simple_column_value(board_id: ${board}, item_id: 1000000001, column_id: "text", value: "old") { id } }`,
  );
  emulator.advance(3_000_000);
  await gql(
    emulator,
    `mutation { change_simple_column_value(board_id: ${board}, item_id: 1000000002, column_id: "text", value: "new") { id } }`,
  );
  assert.equal((await logs(emulator, board)).length, 2);
  emulator.advance(1_000_000);
  const left = await logs(emulator, board);
  assert.deepEqual(left.map((e) => JSON.parse(e.data).pulse_id), [
    1000000002,
  ]);
  emulator.setActivityLogRetention(undefined);
  emulator.advance(10 * 3_600_000);
  assert.equal((await logs(emulator, board)).length, 1);
});

Deno.test("ActivityLog: entries within one millisecond keep their order in created_at", () => {
  const log = new ActivityLog({
    now: () => 1_793_491_200_000,
    random: () => 0,
  });
  for (let i = 0; i < 3; i++) {
    log.record({
      event: "create_pulse",
      entity: "pulse",
      boardId: "1",
      userId: "2",
      data: { i },
    });
  }
  const stamps = log.query("1", {}, 25, 1).map((e) => e.createdAt);
  assert.deepEqual(stamps, [
    "17934912000000002",
    "17934912000000001",
    "17934912000000000",
  ]);
  assert.throws(() => log.setRetention(-1), RangeError);
});

Deno.test("activity logs: background activity changes items at their own times, the same for the same seed", async () => {
  const run = async () => {
    await using emulator = await startEmulator({
      items: 50,
      backgroundChangesPerHour: 120,
      seed: 9,
    });
    const start = emulator.now();
    emulator.advance(3_600_000);
    const answer = await gql(
      emulator,
      `{ boards(limit: 3) { id activity_logs(limit: 1000) { event created_at data } } }`,
    );
    const boards = answer.body.data.boards as {
      id: string;
      activity_logs: { event: string; created_at: string; data: string }[];
    }[];
    const entries = boards.flatMap((b) => b.activity_logs);
    const times = entries.map((e) => Math.floor(Number(e.created_at) / 10_000));
    assert.ok(entries.length > 60, `${entries.length} changes in an hour`);
    assert.ok(times.every((t) => t > start && t <= start + 3_600_000));
    assert.ok(new Set(times).size > entries.length / 2, "spread over the hour");
    for (const b of boards) {
      const ms = b.activity_logs.map((e) => Number(e.created_at));
      assert.deepEqual(ms, [...ms].sort((x, y) => y - x), "newest first");
    }
    // An item's updated_at is the time of its last change, to the second.
    const change = boards[0]!.activity_logs.find((e) =>
      e.event === "update_column_value"
    )!;
    const item = JSON.parse(change.data).pulse_id;
    const read = await gql(
      emulator,
      `{ items(ids: [${item}]) { updated_at } }`,
    );
    const last = boards[0]!.activity_logs.find((e) =>
      JSON.parse(e.data).pulse_id === item
    )!;
    assert.equal(
      read.body.data.items[0].updated_at,
      new Date(Math.floor(Number(last.created_at) / 10_000)).toISOString()
        .slice(0, 19) + "Z",
    );
    return entries.map((e) => [e.event, e.created_at, e.data]);
  };
  assert.deepEqual(await run(), await run());
});
