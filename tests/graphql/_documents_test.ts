// Fidelity: every document the client builds itself validates against
// monday's published schema (../shared/monday/schema-2026-10.graphql).
import assert from "node:assert/strict";
import {
  checkSelection,
  DEFAULT_PAGE_FIELDS,
  itemsPageDocument,
  nextItemsPageDocument,
  PAGE_ARGUMENTS,
  pageDocument,
  type PagedResource,
  uploadDocument,
} from "../../graphql/_documents.ts";
import { readMondaySchema } from "../_monday_schema.ts";

const sdl = await readMondaySchema("the client's documents");

function documents(): [string, string][] {
  const list: [string, string][] = [
    ["items_page (default fields)", itemsPageDocument("name")],
    ["next_items_page (default fields)", nextItemsPageDocument("name")],
    [
      "items_page (rich fields)",
      itemsPageDocument(
        "name state created_at group { id title } column_values { id text value }",
      ),
    ],
    [
      "next_items_page (rich fields)",
      nextItemsPageDocument('name column_values(ids: ["status"]) { id text }'),
    ],
    [
      "add_file_to_column",
      uploadDocument({ itemId: "123", columnId: "files" }),
    ],
    ["add_file_to_update", uploadDocument({ updateId: "456" })],
  ];
  for (const resource of Object.keys(PAGE_ARGUMENTS) as PagedResource[]) {
    list.push([
      `${resource} (no filters)`,
      pageDocument(resource, DEFAULT_PAGE_FIELDS[resource], []),
    ]);
    list.push([
      `${resource} (every filter)`,
      pageDocument(
        resource,
        DEFAULT_PAGE_FIELDS[resource],
        Object.keys(PAGE_ARGUMENTS[resource]),
      ),
    ]);
  }
  return list;
}

Deno.test({
  name: "fidelity: the client's own documents validate against monday's schema",
  ignore: sdl === undefined,
  async fn() {
    const { buildSchema, parse, validate } = await import("graphql");
    const schema = buildSchema(sdl!);
    for (const [what, text] of documents()) {
      const errors = validate(schema, parse(text));
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
        `${what} does not validate:\n${text}`,
      );
    }
  },
});

Deno.test("checkSelection: refuses selections that could break out of the document", () => {
  assert.equal(checkSelection("  id name ", "fields"), "id name");
  assert.throws(() => checkSelection("", "fields"), /Invalid 'fields'/);
  assert.throws(
    () => checkSelection("id } } mutation { x", "fields"),
    /unbalanced/,
  );
  assert.throws(() => checkSelection("id # }", "fields"), /comments/);
  assert.equal(
    checkSelection('column_values(ids: ["}"]) { id }', "fields"),
    'column_values(ids: ["}"]) { id }',
  );
});
