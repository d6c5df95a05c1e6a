import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { MondayClient, paginatePages } from "../../graphql/mod.ts";
import { json, scriptedFetch } from "./_fake.ts";
import { timedTest } from "../_time_limit.ts";

async function setup(options: Parameters<typeof startEmulator>[0]) {
  const emulator = await startEmulator(options);
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    onWarning: () => {},
  });
  return { emulator, client };
}

timedTest("paginatePages: users, page by page until a short page", async () => {
  const { emulator, client } = await setup({ users: 45 });
  await using _ = emulator;
  emulator.resetStats();
  const users: { id: string; email: string }[] = [];
  for await (
    const user of client.paginatePages<{ id: string; email: string }>("users", {
      pageSize: 10,
    })
  ) users.push(user);
  assert.equal(users.length, 45);
  assert.equal(new Set(users.map((u) => u.id)).size, 45);
  assert.ok(users.every((u) => u.email.includes("@")));
  assert.equal(emulator.stats().requests.graphql, 5);
});

timedTest("paginatePages: boards with filters and a start page", async () => {
  const { emulator, client } = await setup({ boards: 7 });
  await using _ = emulator;
  const all: string[] = [];
  for await (
    const board of paginatePages<{ id: string }>(client, "boards", {
      pageSize: 3,
    })
  ) all.push(board.id);
  assert.equal(all.length, 7);
  const later: string[] = [];
  for await (
    const board of client.paginatePages<{ id: string }>("boards", {
      pageSize: 3,
      startPage: 2,
    })
  ) later.push(board.id);
  assert.deepEqual(later, all.slice(3));
  const picked: string[] = [];
  for await (
    const board of client.paginatePages<{ id: string }>("boards", {
      filters: { ids: [all[1], all[4]] },
    })
  ) picked.push(board.id);
  assert.deepEqual(picked.sort(), [all[1], all[4]].sort());
});

timedTest(
  "paginatePages: audit_logs follows has_more_pages, with filters",
  async () => {
    const { emulator, client } = await setup({ auditEntries: 250 });
    await using _ = emulator;
    emulator.resetStats();
    let count = 0;
    for await (
      const _entry of client.paginatePages("audit_logs", { pageSize: 100 })
    ) count++;
    assert.equal(count, 250);
    assert.equal(emulator.stats().requests.graphql, 3);
    const logins: { event: string }[] = [];
    for await (
      const entry of client.paginatePages<{ event: string }>("audit_logs", {
        pageSize: 50,
        filters: { events: ["login"] },
        fields: "event timestamp",
      })
    ) logins.push(entry);
    assert.ok(logins.length > 0 && logins.length < 250);
    assert.ok(logins.every((e) => e.event === "login"));
  },
);

timedTest("paginatePages: updates (over a scripted server)", async () => {
  const page = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: String(from + i) }));
  const scripted = scriptedFetch([
    json({ data: { updates: page(1, 100) } }),
    json({ data: { updates: page(101, 100) } }),
    json({ data: { updates: page(201, 7) } }),
  ]);
  const client = new MondayClient({
    token: "scripted-token-123456",
    fetch: scripted.fetch,
  });
  const ids: string[] = [];
  for await (
    const update of client.paginatePages<{ id: string }>("updates", {
      filters: { from_date: "2026-01-01" },
    })
  ) ids.push(update.id);
  assert.equal(ids.length, 207);
  const bodies = scripted.sent.map((s) => JSON.parse(s.body));
  assert.deepEqual(bodies.map((b) => b.variables), [
    { limit: 100, page: 1, from_date: "2026-01-01" },
    { limit: 100, page: 2, from_date: "2026-01-01" },
    { limit: 100, page: 3, from_date: "2026-01-01" },
  ]);
  assert.match(
    bodies[0].query,
    /updates\(limit: \$limit, page: \$page, from_date: \$from_date\)/,
  );
});

timedTest("paginatePages: bad arguments name what is wrong", () => {
  const client = new MondayClient({ token: "scripted-token-123456" });
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => client.paginatePages("items" as any),
    /Invalid resource 'items': expected one of 'users', 'boards', 'updates', 'audit_logs'/,
  );
  assert.throws(
    () => client.paginatePages("users", { filters: { colour: "red" } }),
    /Invalid filter 'colour' for 'users'/,
  );
  assert.throws(
    () => client.paginatePages("updates", { pageSize: 101 }),
    /from 1 to 100/,
  );
  assert.throws(
    () => client.paginatePages("users", { startPage: 0 }),
    RangeError,
  );
});
