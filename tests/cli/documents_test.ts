// Fidelity: the GraphQL documents the CLI writes itself validate against
// monday's published schema (../shared/monday/schema-2026-10.graphql).
import assert from "node:assert/strict";
import { ME_DOCUMENT } from "../../_cli/commands/auth.ts";
import { BOARD_INFO_DOCUMENT } from "../../_cli/commands/items_export.ts";
import { readMondaySchema } from "../_monday_schema.ts";

const sdl = await readMondaySchema("the CLI's documents");

Deno.test({
  name: "fidelity: the CLI's own documents validate against monday's schema",
  ignore: sdl === undefined,
  async fn() {
    const { buildSchema, parse, validate } = await import("graphql");
    const schema = buildSchema(sdl!);
    for (
      const [what, text] of [
        ["auth status: me", ME_DOCUMENT],
        ["items export: board info", BOARD_INFO_DOCUMENT],
      ]
    ) {
      const errors = validate(schema, parse(text!));
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
        `${what} does not validate:\n${text}`,
      );
    }
  },
});
