import assert from "node:assert/strict";
import {
  boardTable,
  itemRows,
  type MondayItem,
  sqlName,
  tableSignature,
} from "../../sync/_model.ts";

Deno.test("sqlName: snake_case, SQL-safe, never empty or leading digit", () => {
  assert.equal(sqlName("Due date"), "due_date");
  assert.equal(sqlName("  Owner (main)  "), "owner_main");
  assert.equal(sqlName("2026 Budget €"), "c_2026_budget");
  assert.equal(sqlName("Ünïcödé"), "unicode");
  assert.equal(sqlName("!!!"), "column");
  assert.equal(sqlName('x"; DROP TABLE items; --'), "x_drop_table_items");
});

Deno.test("boardTable: names are unique, typed by column type, mapping recorded", () => {
  const table = boardTable("42", [
    { id: "name", title: "Name", type: "name" },
    { id: "status", title: "Status", type: "status" },
    { id: "status_1", title: "Status", type: "status" },
    { id: "text0", title: "ID", type: "text" },
    { id: "numbers", title: "Cost", type: "numbers" },
    { id: "date4", title: "Due", type: "date" },
    { id: "check", title: "Done?", type: "checkbox" },
    { id: "person", title: "Owner", type: "people" },
    { id: "timeline", title: "Window", type: "timeline" },
    { id: "mirror", title: "Client", type: "mirror" },
    { id: "subitems", title: "Subitems", type: "subtasks" },
  ], false);
  assert.equal(table.spec.name, "board_42");
  assert.deepEqual(
    table.spec.columns.map((c) => `${c.name}:${c.type}`),
    [
      "id:text",
      "name:text",
      "group_id:text",
      "state:text",
      "created_at:timestamp",
      "updated_at:timestamp",
      "status:text",
      "status_2:text",
      "id_2:text",
      "cost:real",
      "due:date",
      "done:boolean",
      "owner:text",
      "owner_ids:text",
      "window_from:date",
      "window_to:date",
      "client:text",
    ],
  );
  assert.equal(table.sqlNames.get("status_1"), "status_2");
  assert.equal(table.sqlNames.get("name"), undefined);
  assert.equal(table.sqlNames.get("subitems"), undefined);
  const sub = boardTable("43", [], true);
  assert.ok(sub.spec.columns.some((c) => c.name === "parent_item_id"));
  assert.notEqual(tableSignature(table.spec), tableSignature(sub.spec));
});

Deno.test("itemRows: values converted by type, raw JSON kept in column_values", () => {
  const table = boardTable("42", [
    { id: "status", title: "Status", type: "status" },
    { id: "numbers", title: "Cost", type: "numbers" },
    { id: "date4", title: "Due", type: "date" },
    { id: "check", title: "Done", type: "checkbox" },
    { id: "person", title: "Owner", type: "people" },
    { id: "timeline", title: "Window", type: "timeline" },
    { id: "mirror", title: "Client", type: "mirror" },
    { id: "text", title: "Note", type: "text" },
  ], false);
  const item: MondayItem = {
    id: "9007199254740993",
    name: "Big id",
    state: "active",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-02T00:00:00Z",
    creator_id: "7",
    group: { id: "topics" },
    column_values: [
      { id: "status", type: "status", text: "Done", value: '{"index":1}' },
      { id: "numbers", type: "numbers", text: "12.5", value: '"12.5"' },
      {
        id: "date4",
        type: "date",
        text: "2026-03-04",
        value: '{"date":"2026-03-04","icon":null}',
      },
      { id: "check", type: "checkbox", text: "", value: null },
      {
        id: "person",
        type: "people",
        text: "Ada Lovelace, Alan Turing",
        value:
          '{"personsAndTeams":[{"id":1,"kind":"person"},{"id":2,"kind":"person"}]}',
      },
      {
        id: "timeline",
        type: "timeline",
        text: "2026-01-01 - 2026-02-01",
        value: '{"from":"2026-01-01","to":"2026-02-01"}',
      },
      {
        id: "mirror",
        type: "mirror",
        text: "",
        value: null,
        display_value: "Acme",
      },
      { id: "text", type: "text", text: "", value: null },
    ],
  };
  const rows = itemRows(item, "42", table);
  assert.deepEqual(rows.row, [
    "9007199254740993",
    "Big id",
    "topics",
    "active",
    "2026-01-01T00:00:00Z",
    "2026-01-02T00:00:00Z",
    "Done",
    12.5,
    "2026-03-04",
    false,
    "Ada Lovelace, Alan Turing",
    "1,2",
    "2026-01-01",
    "2026-02-01",
    "Acme",
    null,
  ]);
  assert.deepEqual(rows.item, [
    "9007199254740993",
    "42",
    "topics",
    null,
    "Big id",
    "active",
    "7",
    "2026-01-01T00:00:00Z",
    "2026-01-02T00:00:00Z",
  ]);
  assert.deepEqual(rows.values.find((v) => v[1] === "mirror"), [
    "9007199254740993",
    "mirror",
    "42",
    "mirror",
    "Acme",
    null,
  ]);
  assert.equal(rows.values.find((v) => v[1] === "status")![5], '{"index":1}');
});

Deno.test("itemRows: a value without its type (the sync does not ask for it) takes its column's type; a missing value leaves its cells empty", () => {
  const table = boardTable("42", [
    { id: "check", title: "Done", type: "checkbox" },
    { id: "numbers", title: "Cost", type: "numbers" },
    { id: "subitems", title: "Subitems", type: "subtasks" },
  ], false);
  const rows = itemRows(
    {
      id: "1",
      name: "One",
      column_values: [
        { id: "numbers", text: "3", value: '"3"' },
        { id: "subitems", text: "", value: null },
        { id: "gone", text: "x", value: '"x"' },
      ],
    },
    "42",
    table,
  );
  assert.deepEqual(rows.values.map((v) => [v[1], v[3]]), [
    ["numbers", "numbers"],
    ["subitems", "subtasks"],
    ["gone", null],
  ]);
  // The checkbox had no value: false, as monday shows it.
  assert.deepEqual(rows.row.slice(6), [false, 3]);
});

Deno.test("itemRows: a column id repeated in one item's values gives one row, the last value's", () => {
  const table = boardTable("42", [
    { id: "numbers", title: "Cost", type: "numbers" },
    { id: "text", title: "Note", type: "text" },
  ], false);
  const rows = itemRows(
    {
      id: "1",
      name: "One",
      column_values: [
        { id: "numbers", text: "3", value: '"3"' },
        { id: "text", text: "a", value: '"a"' },
        { id: "numbers", text: "5", value: '"5"' },
      ],
    },
    "42",
    table,
  );
  assert.deepEqual(rows.values.map((v) => [v[1], v[4]]), [
    ["numbers", "5"],
    ["text", "a"],
  ]);
  assert.deepEqual(rows.row.slice(6), [5, "a"]);
});
