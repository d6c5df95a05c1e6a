import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import { Model } from "../../emulator/_model.ts";
import { gql } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
async function data(emulator: Emulator, query: string): Promise<any> {
  const answer = await gql(emulator, query);
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body));
  return answer.body.data;
}

const RICH_VALUES = `column_values {
  id type text value
  ... on DropdownValue { values { id label } }
  ... on TimelineValue { from to }
  ... on LinkValue { url url_text }
  ... on TagsValue { tag_ids tags { name } }
  ... on BoardRelationValue { display_value linked_item_ids }
  ... on MirrorValue { display_value mirrored_items { linked_board_id linked_item { id } } }
  ... on FormulaValue { display_value }
}`;

Deno.test("seed: workspaces with state, teams with users, tags and users", async () => {
  await using emulator = await startEmulator({ users: 9 });
  const d = await data(
    emulator,
    `{ workspaces { id name state kind } all: workspaces(state: all) { id state }
       teams { id name users { id } owners { id } } tags { id name color }
       me { teams { name } } }`,
  );
  assert.deepEqual(d.workspaces.map((w: { name: string }) => w.name), [
    "Main workspace",
    "Operations",
  ]);
  assert.deepEqual(d.all.map((w: { state: string }) => w.state), [
    "active",
    "active",
    "archived",
  ]);
  const everyone = d.teams.find((t: { name: string }) => t.name === "Everyone");
  assert.equal(everyone.users.length, 9);
  assert.equal(d.teams.length, 3);
  assert.equal(d.tags.length, 5);
  assert.ok(d.tags.every((t: { color: string }) => t.color.startsWith("#")));
  assert.deepEqual(
    d.me.teams.map((t: { name: string }) => t.name).sort(),
    ["Engineering", "Everyone"],
  );
});

Deno.test("seed: other boards carry monday's raw values, text and display_value per column type", async () => {
  await using emulator = await startEmulator({ items: 20, itemsPerBoard: 30 });
  const d = await data(
    emulator,
    `{ boards(ids: [5000000002]) { id type board_kind workspace_id updated_at state
         columns { id type settings }
         items_page(limit: 30) { items { id ${RICH_VALUES} } } } }`,
  );
  const board = d.boards[0];
  assert.equal(board.type, "board");
  assert.equal(board.workspace_id, "1000002");
  assert.match(board.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const items = board.items_page.items;
  assert.equal(items.length, 30);
  const cells = (id: string) =>
    items.map((i: { column_values: { id: string }[] }) =>
      i.column_values.find((c) => c.id === id)
    );
  // deno-lint-ignore no-explicit-any
  const full = (id: string) => cells(id).filter((c: any) => c.value !== null);
  // deno-lint-ignore no-explicit-any
  const [dropdown] = full("dropdown") as any[];
  const raw = JSON.parse(dropdown.value);
  assert.ok(Array.isArray(raw.ids) && typeof raw.changed_at === "string");
  assert.equal(
    dropdown.text,
    dropdown.values.map((v: { label: string }) => v.label).join(", "),
  );
  // deno-lint-ignore no-explicit-any
  const [timeline] = full("timeline") as any[];
  assert.equal(timeline.text, `${timeline.from} - ${timeline.to}`);
  assert.deepEqual(
    Object.keys(JSON.parse(timeline.value)).sort(),
    ["changed_at", "from", "to"],
  );
  // deno-lint-ignore no-explicit-any
  const [link] = full("link") as any[];
  assert.equal(link.text, `${link.url_text} - ${link.url}`);
  // deno-lint-ignore no-explicit-any
  const [tags] = full("tags") as any[];
  assert.deepEqual(JSON.parse(tags.value).tag_ids, tags.tag_ids);
  assert.equal(
    tags.text,
    tags.tags.map((t: { name: string }) => t.name).join(", "),
  );
  // board_relation: text empty, the names in display_value.
  // deno-lint-ignore no-explicit-any
  const relations = full("connect_boards") as any[];
  assert.ok(relations.length > 0);
  const relation = relations[0];
  assert.equal(relation.text, "");
  assert.equal(
    JSON.parse(relation.value).linkedPulseIds[0].linkedPulseId,
    Number(relation.linked_item_ids[0]),
  );
  const linked = await data(
    emulator,
    `{ items(ids: [${
      relation.linked_item_ids[0]
    }]) { name column_values(ids: ["status"]) { text } } }`,
  );
  assert.equal(relation.display_value, linked.items[0].name);
  // mirror: value and text null, the linked item's status in display_value.
  const mirrorIndex = items.findIndex((i: { id: string }) =>
    // deno-lint-ignore no-explicit-any
    (cells("connect_boards") as any[])[items.indexOf(i)].value !== null
  );
  const mirror = cells("mirror")[mirrorIndex];
  assert.equal(mirror.value, null);
  assert.equal(mirror.text, null);
  assert.equal(mirror.mirrored_items[0].linked_board_id, "5000000001");
  const mirroredItem = await data(
    emulator,
    `{ items(ids: [${
      mirror.mirrored_items[0].linked_item.id
    }]) { column_values(ids: ["status"]) { text } } }`,
  );
  assert.equal(
    mirror.display_value,
    mirroredItem.items[0].column_values[0].text,
  );
  // formula: {numbers}*2.
  const numbers = await data(
    emulator,
    `{ items(ids: [${
      items[0].id
    }]) { column_values(ids: ["numbers"]) { text } } }`,
  );
  const formula = cells("formula")[0];
  assert.equal(formula.text, null);
  assert.equal(
    formula.display_value,
    numbers.items[0].column_values[0].text === ""
      ? ""
      : String(Number(numbers.items[0].column_values[0].text) * 2),
  );
});

Deno.test("seed: subitems live on their own sub_items_board and seed deterministically", async () => {
  const options = { boards: 2, items: 4, itemsPerBoard: 3, subitems: 2 };
  await using a = await startEmulator(options);
  await using b = await startEmulator(options);
  const query = `{ boards(limit: 10) { id name type items_count
      columns(types: [subtasks]) { settings } } }`;
  const boards = (await data(a, query)).boards;
  assert.deepEqual(boards, (await data(b, query)).boards);
  assert.deepEqual(
    boards.map((
      x: { type: string; items_count: number },
    ) => [x.type, x.items_count]),
    [["board", 4], ["board", 3], ["sub_items_board", 8], [
      "sub_items_board",
      6,
    ]],
  );
  assert.deepEqual(
    JSON.parse(boards[0].columns[0].settings).boardIds,
    [Number(boards[2].id)],
  );
  const parent = await data(
    a,
    "{ items(ids: [1000000001]) { subitems { id name parent_item { id } board { id } } } }",
  );
  assert.equal(parent.items[0].subitems.length, 2);
  assert.ok(
    parent.items[0].subitems.every((
      s: { parent_item: { id: string }; board: { id: string } },
    ) => s.parent_item.id === "1000000001" && s.board.id === boards[2].id),
  );
});

Deno.test("seed: sized by options; 10 boards of 10,000 items seed quickly and deterministically", () => {
  const make = () =>
    new Model({
      seed: 5,
      boards: 10,
      items: 10_000,
      itemsPerBoard: 10_000,
      users: 20,
      now: Date.UTC(2026, 10, 1),
    });
  const m = make();
  assert.equal(m.boards.length, 10);
  assert.equal(
    m.boards.reduce((n, b) => n + b.items.length, 0),
    100_000,
  );
  const last = m.boards[9]!;
  const item = last.items[9_999]!;
  const again = make().boards[9]!.items[9_999]!;
  assert.deepEqual(
    last.columns.map((c) => m.cell(item, c).value),
    last.columns.map((c) => m.cell(again, c).value),
  );
});

Deno.test("seed: empty cells have monday's empty text: null for status and dropdown, empty for the others", () => {
  const m = new Model({
    seed: 2,
    boards: 2,
    items: 3,
    users: 4,
    now: Date.UTC(2026, 10, 1),
  });
  const board = m.boards[1]!;
  const item = board.items[0]!;
  m.setValues(
    board,
    item,
    { status: null, dropdown: null, person: null, text: null },
    Date.UTC(2026, 10, 1),
  );
  const cell = (id: string) =>
    m.cell(item, board.columns.find((c) => c.id === id)!);
  assert.deepEqual(cell("status"), { value: null, text: null });
  assert.deepEqual(cell("dropdown"), { value: null, text: null });
  assert.deepEqual(cell("person"), { value: null, text: "" });
  assert.deepEqual(cell("text"), { value: null, text: "" });
});
