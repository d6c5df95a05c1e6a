import assert from "node:assert/strict";
import { Model, ModelError } from "../../emulator/_model.ts";
import { createBoard } from "../../emulator/_model_structure.ts";

const NOW = Date.UTC(2026, 10, 1);

function model(items = 20): Model {
  return new Model({ seed: 3, boards: 2, items, users: 5, now: NOW });
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ModelError) return error.code;
    throw error;
  }
  return "no error";
}

Deno.test("Model: seeds boards, items and users deterministically", () => {
  const a = model();
  const b = model();
  assert.equal(a.boards.length, 2);
  assert.equal(a.boards[0]!.items.length, 20);
  assert.equal(a.boards[1]!.items.length, 5);
  assert.equal(a.users.length, 5);
  assert.equal(a.users[0]!.kind, "admin");
  const cells = (m: Model) =>
    m.boards[0]!.items.map((item) =>
      m.boards[0]!.columns.map((c) => m.cell(item, c).value)
    );
  assert.deepEqual(cells(a), cells(b));
  const other = new Model({
    seed: 4,
    boards: 2,
    items: 20,
    users: 5,
    now: NOW,
  });
  assert.notDeepEqual(cells(a), cells(other));
});

Deno.test("Model: 100,000 items seed with unique ids and lazily computed values", () => {
  const m = model(100_000);
  const items = m.boards[0]!.items;
  assert.equal(items.length, 100_000);
  assert.equal(items[99_999]!.id, "1000100000");
  assert.equal(m.item("1000100000"), items[99_999]);
  assert.equal(items[5]!.values, undefined);
  const status = m.boards[0]!.columns.find((c) => c.id === "status")!;
  const cell = m.cell(items[5]!, status);
  assert.match(cell.value!, /^\{"index":\d,"post_id":null,"changed_at":"/);
  assert.deepEqual(JSON.parse(cell.value!), cell.data);
});

Deno.test("Model: mutations normalize values as monday accepts them", () => {
  const m = model();
  const board = m.boards[0]!;
  const item = m.createItem(board, "New", {
    userId: m.users[0]!.id,
    now: NOW,
    columnValues: {
      status: "Done",
      numbers: 12,
      date4: "2026-05-06 10:00:00",
      person: `${m.users[1]!.id}`,
      checkbox: { checked: "true" },
      email: "x@example.com",
      long_text: { text: "long" },
    },
  });
  const text = (id: string) =>
    m.cell(item, board.columns.find((c) => c.id === id)!).text;
  assert.equal(text("status"), "Done");
  assert.equal(text("numbers"), "12");
  assert.equal(text("date4"), "2026-05-06 10:00:00");
  assert.equal(text("person"), m.users[1]!.name);
  assert.equal(text("checkbox"), "v");
  assert.equal(text("email"), "x@example.com");
  assert.equal(text("long_text"), "long");
  assert.equal(text("text"), "");
  m.setValues(board, item, '{"status": {"index": 2}, "text": null}', NOW);
  assert.equal(text("status"), "Stuck");
  assert.equal(text("text"), "");
});

Deno.test("Model: bad values and ids raise monday's codes", () => {
  const m = model();
  const board = m.boards[0]!;
  const item = board.items[0]!;
  const set = (values: unknown) => () => m.setValues(board, item, values, NOW);
  assert.equal(code(set({ numbers: "many" })), "ColumnValueException");
  assert.equal(code(set({ date4: "tomorrow" })), "ColumnValueException");
  assert.equal(code(set({ person: "123" })), "ColumnValueException");
  assert.equal(code(set({ email: "nobody" })), "ColumnValueException");
  assert.equal(
    code(set({ status: { label: "Maybe" } })),
    "ColumnValueException",
  );
  assert.equal(code(set({ files: "x" })), "ColumnValueException");
  assert.equal(code(set({ missing: "x" })), "InvalidColumnIdException");
  assert.equal(code(set("{not json")), "InvalidArgumentException");
  assert.equal(code(set([1, 2])), "InvalidArgumentException");
  assert.equal(code(() => m.requireBoard("1")), "InvalidBoardIdException");
  assert.equal(code(() => m.requireItem("1")), "InvalidItemIdException");
  assert.equal(
    code(() => m.requireItem(item.id, m.boards[1]!)),
    "InvalidItemIdException",
  );
  assert.equal(
    code(() => m.createItem(board, "", { userId: m.users[0]!.id, now: NOW })),
    "ItemNameTooLongException",
  );
  assert.equal(
    code(() =>
      m.createItem(board, "x", {
        userId: m.users[0]!.id,
        now: NOW,
        groupId: "nope",
      })
    ),
    "InvalidGroupIdException",
  );
  assert.equal(
    code(() => createBoard(m, "  ", "public", { ownerId: "1", now: NOW })),
    "CreateBoardException",
  );
});

Deno.test("Model: addFile appends assets to a file column only", () => {
  const m = model();
  const board = m.boards[0]!;
  const item = board.items[0]!;
  const files = board.columns.find((c) => c.type === "file")!;
  const a = m.addFile(item, files, { name: "a.png", size: 3 }, {
    userId: m.users[0]!.id,
    now: NOW,
  });
  const b = m.addFile(item, files, { name: "b.txt", size: 4 }, {
    userId: m.users[0]!.id,
    now: NOW,
  });
  const value = JSON.parse(m.cell(item, files).value!);
  assert.deepEqual(
    value.files.map((f: { assetId: number; isImage: string }) => [
      String(f.assetId),
      f.isImage,
    ]),
    [[a.id, "true"], [b.id, "false"]],
  );
  const text = board.columns.find((c) => c.id === "text")!;
  assert.equal(
    code(() =>
      m.addFile(item, text, { name: "c", size: 1 }, { userId: "1", now: NOW })
    ),
    "ColumnValueException",
  );
});

Deno.test("Model: delete hides an item from lookups", () => {
  const m = model();
  const item = m.boards[0]!.items[3]!;
  m.deleteItem(item, NOW);
  assert.equal(m.item(item.id), undefined);
});
