import assert from "node:assert/strict";
import { Model, ModelError } from "../../emulator/_model.ts";

const NOW = Date.UTC(2026, 10, 1);

function setup() {
  const m = new Model({ seed: 4, boards: 2, items: 5, users: 4, now: NOW });
  const board = m.boards[1]!;
  const item = board.items[0]!;
  const set = (values: Record<string, unknown>) =>
    m.setValues(board, item, values, NOW);
  const cell = (id: string) =>
    m.cell(item, board.columns.find((c) => c.id === id)!);
  return { m, board, item, set, cell };
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

Deno.test("column values: the new types are written in monday's formats and read back as monday serves them", () => {
  const { m, set, cell } = setup();
  const tag = m.tags[1]!;
  const target = m.boards[0]!.items[2]!;
  set({
    dropdown: "Beta, Delta",
    timeline: { from: "2026-11-02", to: "2026-11-09" },
    link: "https://example.org/x Example",
    tags: { tag_ids: [Number(tag.id)] },
    connect_boards: { item_ids: [Number(target.id)] },
  });
  assert.equal(cell("dropdown").text, "Beta, Delta");
  assert.deepEqual(
    (cell("dropdown").data as { ids: number[] }).ids,
    [2, 4],
  );
  assert.equal(cell("timeline").text, "2026-11-02 - 2026-11-09");
  assert.equal(cell("link").text, "Example - https://example.org/x");
  assert.equal(cell("tags").text, tag.name);
  const relation = cell("connect_boards");
  assert.equal(relation.text, "");
  assert.deepEqual(
    (relation.data as { linkedPulseIds: unknown[] }).linkedPulseIds,
    [{ linkedPulseId: Number(target.id) }],
  );
  set({ dropdown: { ids: [1] } });
  assert.equal(cell("dropdown").text, "Alpha");
});

Deno.test("column values: bad values and computed columns raise ColumnValueException", () => {
  const { set } = setup();
  for (
    const values of [
      { dropdown: "Omega" },
      { timeline: { from: "2026-11-09", to: "2026-11-02" } },
      { timeline: "soon" },
      { link: "not a url" },
      { tags: { tag_ids: [1] } },
      { connect_boards: { item_ids: [42] } },
      { mirror: "x" },
      { formula: "1" },
    ]
  ) {
    assert.equal(
      code(() => set(values)),
      "ColumnValueException",
      JSON.stringify(values),
    );
  }
});
