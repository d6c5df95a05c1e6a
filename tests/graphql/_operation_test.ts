import assert from "node:assert/strict";
import {
  listOperations,
  operationKindOfSource,
  resolveDocument,
} from "../../graphql/_operation.ts";

Deno.test("operation kind: queries, mutations and the shorthand", () => {
  assert.equal(operationKindOfSource("{ me { id } }"), "query");
  assert.equal(operationKindOfSource("query { me { id } }"), "query");
  assert.equal(
    operationKindOfSource("mutation { create_item(board_id: 1) { id } }"),
    "mutation",
  );
  assert.equal(
    operationKindOfSource("subscription S { x }"),
    "subscription",
  );
});

Deno.test("operation kind: comments, whitespace, commas and fragments are skipped", () => {
  const source = `
    # mutation in a comment
    ,,, fragment F on Item { id name(arg: "mutation {") }
    """ a block string with "quotes" and { braces """
    mutation Create($name: String = "query") @dir(x: {a: [1, 2]}) {
      create_item(item_name: $name) { ...F }
    }`;
  assert.equal(operationKindOfSource(source), "mutation");
  const ops = listOperations(source);
  assert.deepEqual(ops, [{ kind: "mutation", name: "Create" }]);
});

Deno.test("operation kind: operationName picks among several operations", () => {
  const source = `query A { me { id } }
mutation B { delete_item(item_id: 1) { id } }
fragment F on User { id }`;
  assert.equal(operationKindOfSource(source, "A"), "query");
  assert.equal(operationKindOfSource(source, "B"), "mutation");
  assert.equal(operationKindOfSource(source), undefined);
  assert.equal(operationKindOfSource(source, "C"), undefined);
});

Deno.test("resolveDocument: strings, String objects and nodes", async () => {
  const text = "mutation M { x }";
  const boxed = new String(text);
  assert.equal((await resolveDocument(boxed)).operation?.kind, "mutation");
  const { parse } = await import("graphql");
  const node = parse("query Q { me { id } }");
  const resolved = await resolveDocument(node);
  assert.equal(resolved.text, "query Q { me { id } }");
  assert.deepEqual(resolved.operation, { kind: "query", name: "Q" });
  // A node without loc (as graphql-codegen emits) is printed.
  const bare = JSON.parse(JSON.stringify({ ...node, loc: undefined }));
  const printed = await resolveDocument(bare);
  assert.match(printed.text, /query Q \{\s+me \{\s+id\s+\}\s+\}/);
  await assert.rejects(() => resolveDocument(""), TypeError);
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => resolveDocument(42 as any),
    /expected a string or a DocumentNode/,
  );
});
