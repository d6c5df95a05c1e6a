// Fidelity: every GraphQL document the sync sends validates against
// monday's published schema (../shared/monday/schema-2026-10.graphql).
import assert from "node:assert/strict";
import {
  BOARD_UPDATES_DOCUMENT,
  BOARDS_DOCUMENT,
  groupItemsDocument,
  ITEM_UPDATES_DOCUMENT,
  itemFields,
  itemsByIdDocument,
  LOGS_DOCUMENT,
  nextItemsDocument,
  STRUCTURE_LOGS_DOCUMENT,
  TEAMS_TAGS_DOCUMENT,
  USERS_DOCUMENT,
  WORKSPACES_DOCUMENT,
} from "../../sync/_documents.ts";
import { readMondaySchema } from "../_monday_schema.ts";

const sdl = await readMondaySchema("the sync's documents");

Deno.test({
  name: "fidelity: the sync's documents validate against monday's schema",
  ignore: sdl === undefined,
  async fn() {
    const { buildSchema, parse, validate } = await import("graphql");
    const schema = buildSchema(sdl!);
    // Every display-value fragment at once, and none.
    const all = itemFields([
      "mirror",
      "formula",
      "board_relation",
      "dependency",
    ]);
    const none = itemFields([]);
    assert.match(all, /\.\.\. on MirrorValue \{ display_value \}/);
    assert.doesNotMatch(none, /display_value/);
    const documents: [string, string][] = [
      ["boards", BOARDS_DOCUMENT],
      ["users", USERS_DOCUMENT],
      ["workspaces", WORKSPACES_DOCUMENT],
      ["teams and tags", TEAMS_TAGS_DOCUMENT],
      ["structure and logs", STRUCTURE_LOGS_DOCUMENT],
      ["more logs", LOGS_DOCUMENT],
      ["group items", groupItemsDocument(all)],
      ["next items", nextItemsDocument(all)],
      ["items by id", itemsByIdDocument(all)],
      ["items by id, no fragments", itemsByIdDocument(none)],
      ["items by id with updates", itemsByIdDocument(itemFields([], true))],
      ["board updates", BOARD_UPDATES_DOCUMENT],
      ["item updates", ITEM_UPDATES_DOCUMENT],
    ];
    for (const [what, text] of documents) {
      const errors = validate(schema, parse(text));
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
        `${what} does not validate:\n${text}`,
      );
    }
  },
});
