import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { GraphQLValidationError, MondayClient } from "../../graphql/mod.ts";
import { schemaRequestUrl } from "../../graphql/fetch_schema.ts";
import { EmulatorClock } from "./_emulator_clock.ts";

async function setup() {
  const emulator = await startEmulator({ items: 3 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    clock: new EmulatorClock(emulator),
    onWarning: () => {},
  });
  return { emulator, client };
}

Deno.test("fetchSchema: SDL and introspection JSON from get_schema", async () => {
  const { emulator, client } = await setup();
  await using _ = emulator;
  const sdl = await client.fetchSchema();
  assert.match(sdl, /type Query \{/);
  assert.match(sdl, /items_page\(/);
  const json = await client.fetchSchema({ format: "json", version: "2026-07" });
  const schema = json.__schema as { queryType: { name: string } };
  assert.equal(schema.queryType.name, "Query");
  assert.equal(emulator.stats().requests.schema, 2);
  await assert.rejects(
    () => client.fetchSchema({ version: "26-10" }),
    RangeError,
  );
  assert.equal(
    schemaRequestUrl("https://api.monday.com/v2/get_schema", "dev", "sdl"),
    "https://api.monday.com/v2/get_schema?format=sdl&version=dev",
  );
  assert.equal(
    schemaRequestUrl("https://api.monday.com/v2/get_schema", "2026-10", "json"),
    "https://api.monday.com/v2/get_schema?version=2026-10",
  );
});

Deno.test("fetchSchema: retries a failed fetch", async () => {
  const { emulator, client } = await setup();
  await using _ = emulator;
  emulator.inject("schema", { status: 503, body: "busy" });
  assert.match(await client.fetchSchema(), /type Query/);
  assert.equal(emulator.stats().requests.schema, 2);
});

Deno.test("validate: a fetched schema checks documents before they are sent", async () => {
  const { emulator, client } = await setup();
  await using _ = emulator;
  const sdl = await client.fetchSchema();
  const checked = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    validate: sdl,
  });
  emulator.resetStats();
  const { me } = await checked.request<{ me: { id: string } }>("{ me { id } }");
  assert.ok(me.id);
  const error = await checked.request("{\n  me { id shoe_size }\n}").catch((
    e,
  ) => e);
  assert.ok(error instanceof GraphQLValidationError, String(error));
  assert.deepEqual(error.locations, [{ line: 2, column: 11 }]);
  assert.match(error.message, /shoe_size/);
  // The invalid document never reached the server.
  assert.equal(emulator.stats().requests.graphql, 1);
  // The client's own pagination documents pass the served schema too.
  let n = 0;
  const { boards } = await checked.request<{ boards: { id: string }[] }>(
    "{ boards(limit: 1) { id } }",
  );
  for await (const _item of checked.paginateItems(boards[0]!.id)) n++;
  assert.equal(n, 3);
});
