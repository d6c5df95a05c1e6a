import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { MondayClient } from "../../graphql/mod.ts";
import {
  AUDIT_LOGS_QUERY,
  AuditLogClient,
  entryId,
  exportAuditLogs,
  GraphQLAuditLogSource,
  MemorySink,
} from "../../auditlog/mod.ts";
import { readMondaySchema } from "../_monday_schema.ts";

const sdl = await readMondaySchema("AUDIT_LOGS_QUERY");

Deno.test({
  name: "AUDIT_LOGS_QUERY is valid against monday's 2026-10 schema",
  ignore: sdl === undefined,
}, async () => {
  const { buildSchema, parse, validate } = await import("graphql");
  const errors = validate(buildSchema(sdl!), parse(AUDIT_LOGS_QUERY));
  assert.deepEqual(errors.map((e) => e.message), []);
});

Deno.test("GraphQLAuditLogSource pages, filters and gives the same entries and ids as REST", async () => {
  await using emulator = await startEmulator({ auditEntries: 120 });
  const graphql = new GraphQLAuditLogSource(
    new MondayClient({
      token: emulator.credentials.apiToken,
      apiUrl: emulator.apiUrl,
    }),
    { perPage: 50 },
  );
  const rest = new AuditLogClient({
    token: emulator.credentials.auditToken,
    domain: emulator.domain,
  });
  const restAll = (await rest.getLogs({ perPage: 1000 })).entries;

  const first = await graphql.getLogs();
  assert.equal(first.entries.length, 50);
  assert.equal(first.nextPage, 2);
  const third = await graphql.getLogs({ page: 3 });
  assert.equal(third.entries.length, 20);
  assert.equal(third.nextPage, null);

  const all = [];
  for await (const entry of graphql.logs()) all.push(entry);
  assert.equal(all.length, 120);
  assert.deepEqual(
    await Promise.all(all.map((e) => entryId(e))),
    await Promise.all(restAll.map((e) => entryId(e))),
  );

  const logins = [];
  for await (const entry of graphql.logs({ events: ["login"] })) {
    logins.push(entry);
  }
  assert.deepEqual(
    logins.map((e) => e.timestamp),
    restAll.filter((e) => e.event === "login").map((e) => e.timestamp),
  );

  // The exporter takes it like the REST client.
  const sink = new MemorySink();
  const result = await exportAuditLogs({
    source: graphql,
    sink,
    perPage: 40,
    clock: {
      now: () => emulator.now() + 60_000,
      sleep: () => Promise.resolve(),
    },
  });
  assert.equal(result.entries, 120);
  assert.deepEqual(
    sink.records.map((r) => r.id),
    await Promise.all([...restAll].reverse().map((e) => entryId(e))),
  );
});

Deno.test("GraphQLAuditLogSource validates before sending and reports a missing permission", async () => {
  await using emulator = await startEmulator({ auditEntries: 5 });
  const admin = new GraphQLAuditLogSource(
    new MondayClient({
      token: emulator.credentials.apiToken,
      apiUrl: emulator.apiUrl,
    }),
  );
  emulator.resetStats();
  await assert.rejects(
    () => admin.getLogs({ filters: { ipAddress: "nope" } }),
    RangeError,
  );
  await assert.rejects(() => admin.getLogs({ perPage: 0 }), RangeError);
  assert.equal(emulator.stats().requests.graphql, 0);
  const member = emulator.credentials.apiTokens.find((t) =>
    t.token !== emulator.credentials.apiToken
  );
  assert.ok(member, "the emulator seeds non-admin users");
  {
    const source = new GraphQLAuditLogSource(
      new MondayClient({ token: member!.token, apiUrl: emulator.apiUrl }),
    );
    await assert.rejects(
      () => source.getLogs(),
      /manage_account_security|unauthorized/i,
    );
  }
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new GraphQLAuditLogSource({} as any), TypeError);
});
