import assert from "node:assert/strict";
import { type OperationDefinitionNode, parse } from "graphql";
import { complexityOf } from "../../emulator/_graphql_cost.ts";

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const operation = document.definitions.find((d) =>
    d.kind === "OperationDefinition"
  ) as OperationDefinitionNode;
  return complexityOf(document, operation, variables);
}

Deno.test("complexityOf: the documented example costs 17,002", () => {
  assert.equal(
    cost(
      "{ boards(ids: [1]) { items_page(limit: 500) { items { id name column_values { id text value } } } } }",
    ),
    17_002,
  );
});

Deno.test("complexityOf: page sizes multiply, from literals or variables, with documented defaults", () => {
  assert.equal(cost("{ me { id } }"), 2);
  // boards default limit 25: 1 + 25 × 1
  assert.equal(cost("{ boards { id } }"), 26);
  assert.equal(cost("{ boards(ids: [1, 2, 3]) { id } }"), 4);
  assert.equal(
    cost("query ($n: Int!) { boards(limit: $n) { id } }", { n: 7 }),
    8,
  );
  // users default 200
  assert.equal(cost("{ users { id } }"), 201);
  // items_page default 25, nested items counted once
  assert.equal(
    cost("{ boards(ids: [1]) { items_page { items { id } } } }"),
    52,
  );
  assert.equal(
    cost('{ next_items_page(cursor: "c", limit: 100) { items { id } } }'),
    201,
  );
  // column_values default 10, or the ids given
  assert.equal(cost("{ items(ids: [1]) { column_values { id } } }"), 12);
  assert.equal(
    cost('{ items(ids: [1]) { column_values(ids: ["a", "b"]) { id } } }'),
    4,
  );
});

Deno.test("complexityOf: fragments count like inline selections; __typename is free", () => {
  assert.equal(
    cost(
      "query { boards(ids: [1]) { ...B __typename } } fragment B on Board { id name }",
    ),
    cost("{ boards(ids: [1]) { id name } }"),
  );
  assert.equal(
    cost(
      "{ items(ids: [1]) { column_values { ... on StatusValue { label } } } }",
    ),
    12,
  );
});

Deno.test("complexityOf: mutations cost 10 more per root field, create_board 1,000", () => {
  assert.equal(
    cost('mutation { create_item(board_id: 1, item_name: "x") { id } }'),
    12,
  );
  assert.equal(
    cost(
      'mutation { create_board(board_name: "x", board_kind: public) { id } }',
    ),
    1002,
  );
});

Deno.test("complexityOf: activity logs, updates and workspaces multiply by their page size", () => {
  // boards: 1 + 1 × (activity_logs: 1 + 1000 × (id + event))
  assert.equal(
    cost("{ boards(ids: [1]) { activity_logs(limit: 1000) { id event } } }"),
    2002,
  );
  // updates default 25
  assert.equal(cost("{ updates { id } }"), 26);
  assert.equal(cost("{ workspaces(limit: 100) { id } }"), 101);
  // subitems count 10 per item
  assert.equal(cost("{ items(ids: [1]) { subitems { id } } }"), 12);
});
