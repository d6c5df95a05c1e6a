import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { firstBoardId, gql } from "./_helpers.ts";

Deno.test("stats: the latency applied is added up per route, with the longest delay", async () => {
  await using emulator = await startEmulator({
    latency: { graphql: { baseMs: 30 }, audit: { baseMs: 20 } },
  });
  for (let i = 0; i < 3; i++) await gql(emulator, "{ me { id } }");
  const audit = await fetch(`${emulator.auditUrl}?page=1&per_page=5`, {
    headers: { Authorization: `Bearer ${emulator.credentials.auditToken}` },
  });
  await audit.body?.cancel();
  const { latency } = emulator.stats();
  assert.equal(latency.graphql.answers, 3);
  assert.equal(latency.graphql.totalMs, 90);
  assert.equal(latency.graphql.maxMs, 30);
  assert.ok(latency.graphql.overMs >= 0);
  assert.equal(latency.audit.answers, 1);
  assert.equal(latency.audit.totalMs, 20);
  assert.deepEqual(
    { answers: latency.file.answers, totalMs: latency.file.totalMs },
    { answers: 0, totalMs: 0 },
  );
  emulator.resetStats();
  assert.equal(emulator.stats().latency.graphql.totalMs, 0);
  assert.equal(emulator.stats().latency.graphql.answers, 0);
});

Deno.test("latency: the emulator's own work counts toward the delay, so an answer is not slower by it", async () => {
  // 2,000 items with their values in one answer take the emulator a while
  // to build. Measured first without latency; then, with a delay longer
  // than that, the answer waits only the rest of the delay: the time beyond
  // its delay (overMs) is a small part of the build time. Were the delay
  // added on top of the work, overMs would be the whole build time.
  await using emulator = await startEmulator({
    boards: 4,
    items: 500,
    itemsPerBoard: 500,
  });
  const query =
    "{ boards(limit: 4) { items_page(limit: 500) { items { id name column_values { id text value } } } } }";
  let buildMs = Infinity;
  for (let i = 0; i < 2; i++) {
    emulator.resetStats();
    const start = performance.now();
    const answer = await gql(emulator, query);
    assert.equal(answer.body.data.boards.length, 4);
    buildMs = Math.min(buildMs, performance.now() - start);
  }
  assert.ok(buildMs >= 40, `the answer built in ${buildMs} ms`);
  emulator.setLatency({ graphql: { baseMs: buildMs * 3 + 500 } });
  emulator.resetStats();
  const start = performance.now();
  await gql(emulator, query);
  const ms = performance.now() - start;
  const { latency, cpuMs } = emulator.stats();
  assert.equal(latency.graphql.totalMs, buildMs * 3 + 500);
  assert.ok(ms >= latency.graphql.totalMs - 5, `answered after ${ms} ms`);
  assert.ok(
    latency.graphql.overMs < buildMs / 2,
    `${latency.graphql.overMs} ms beyond the delay, the build takes ${buildMs} ms`,
  );
  assert.ok(cpuMs > 0, "building the answer took CPU time");
});

Deno.test("stats: without latency every answer is counted with no delay", async () => {
  await using emulator = await startEmulator();
  await gql(emulator, "{ me { id } }");
  const { latency } = emulator.stats();
  assert.equal(latency.graphql.answers, 1);
  assert.equal(latency.graphql.totalMs, 0);
  assert.equal(latency.graphql.maxMs, 0);
});

Deno.test("stats: complexity counts the points charged, as the queries report them", async () => {
  await using emulator = await startEmulator({ items: 50 });
  const board = await firstBoardId(emulator);
  emulator.resetStats();
  const first = await gql(
    emulator,
    `{ complexity { query } boards(ids: ${board}) { items_page(limit: 50) { items { id name } } } }`,
  );
  const second = await gql(emulator, "{ complexity { query } me { id } }");
  const cost = first.body.data.complexity.query +
    second.body.data.complexity.query;
  assert.ok(first.body.data.complexity.query > 50);
  assert.equal(emulator.stats().complexity, cost);
  emulator.resetStats();
  assert.equal(emulator.stats().complexity, 0);
});

Deno.test("stats: a query refused for its complexity is not charged", async () => {
  await using emulator = await startEmulator({
    items: 50,
    limits: { complexityPerQuery: 100 },
  });
  const answer = await gql(
    emulator,
    "{ boards { items_page(limit: 500) { items { id column_values { id text } } } } }",
  );
  assert.equal(
    answer.body.errors[0].extensions.code,
    "maxComplexityExceeded",
  );
  assert.equal(emulator.stats().complexity, 0);
});

Deno.test("stats: paginations follow items_page through next_items_page, with the longest chain's pages and delays", async () => {
  await using emulator = await startEmulator({
    items: 1200,
    latency: { graphql: { baseMs: 10 } },
  });
  const board = await firstBoardId(emulator);
  emulator.resetStats();
  let page = (await gql(
    emulator,
    `{ boards(ids: ${board}) { items_page(limit: 500) { cursor items { id } } } }`,
  )).body.data.boards[0].items_page;
  let pages = 1;
  while (page.cursor) {
    page = (await gql(
      emulator,
      `{ next_items_page(cursor: "${page.cursor}", limit: 500) { cursor items { id } } }`,
    )).body.data.next_items_page;
    pages++;
  }
  assert.equal(pages, 3);
  // A second pagination of one page, and a request that reads no items.
  await gql(
    emulator,
    `{ boards(ids: ${board}) { items_page(limit: 5) { items { id } } } }`,
  );
  await gql(emulator, "{ me { id } }");
  const { paginations } = emulator.stats();
  assert.deepEqual(paginations, {
    count: 2,
    pages: 4,
    longest: { pages: 3, delayMs: 30 },
  });
});

Deno.test("stats: a pagination begun before resetStats counts only its pages after it", async () => {
  await using emulator = await startEmulator({ items: 1200 });
  const board = await firstBoardId(emulator);
  const first = (await gql(
    emulator,
    `{ boards(ids: ${board}) { items_page(limit: 500) { cursor } } }`,
  )).body.data.boards[0].items_page;
  emulator.resetStats();
  await gql(
    emulator,
    `{ next_items_page(cursor: "${first.cursor}", limit: 500) { cursor } }`,
  );
  assert.deepEqual(emulator.stats().paginations, {
    count: 1,
    pages: 1,
    longest: { pages: 1, delayMs: 0 },
  });
});

async function account(emulator: Awaited<ReturnType<typeof startEmulator>>) {
  const answer = await gql(
    emulator,
    "{ boards(limit: 10) { id items_page(limit: 500) { items { id name group { id } column_values { id text } } } } }",
  );
  return answer.body.data.boards;
}

Deno.test("applyRandomChanges: makes the number of changes asked, seeded, and the activity logs show them", async () => {
  const options = { boards: 3, items: 40, itemsPerBoard: 40 };
  await using a = await startEmulator(options);
  await using b = await startEmulator(options);
  const before = JSON.stringify(await account(a));
  const result = a.applyRandomChanges(100, { seed: 9 });
  assert.equal(result.applied, 100);
  assert.equal(
    Object.values(result.byKind).reduce((sum, n) => sum + n, 0),
    100,
  );
  for (const kind of ["value", "create", "name", "delete"] as const) {
    assert.ok((result.byKind[kind] ?? 0) > 0, `no '${kind}' change`);
  }
  const after = JSON.stringify(await account(a));
  assert.notEqual(after, before);
  // The same seed on the same account makes the same changes.
  assert.deepEqual(b.applyRandomChanges(100, { seed: 9 }), result);
  assert.equal(JSON.stringify(await account(b)), after);
  const logs = await gql(
    a,
    "{ boards(limit: 10) { activity_logs(limit: 1000) { event } } }",
  );
  const events = logs.body.data.boards.flatMap((
    board: { activity_logs: { event: string }[] },
  ) => board.activity_logs.map((l) => l.event));
  // Every change but an update (a comment) is an activity-log event.
  const logged = 100 - (result.byKind.update ?? 0);
  assert.ok(events.length >= logged, `${events.length} events, ${logged}`);
  assert.ok(events.includes("create_pulse"));
  assert.ok(events.includes("update_column_value"));
});

Deno.test("applyRandomChanges: without a seed, each call makes other changes; a bad count is refused", async () => {
  await using emulator = await startEmulator({ items: 30 });
  const first = emulator.applyRandomChanges(20);
  assert.equal(first.applied, 20);
  const names = JSON.stringify(await account(emulator));
  emulator.applyRandomChanges(20);
  assert.notEqual(JSON.stringify(await account(emulator)), names);
  assert.deepEqual(emulator.applyRandomChanges(0), { applied: 0, byKind: {} });
  assert.throws(
    () => emulator.applyRandomChanges(-1),
    (error: unknown) =>
      error instanceof RangeError && /'count'.*'-1'/.test(error.message),
  );
});
