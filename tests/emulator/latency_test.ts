import assert from "node:assert/strict";
import { MONDAY_LATENCY, startEmulator } from "../../emulator/mod.ts";
import { LatencyModel, resolveLatency } from "../../emulator/_latency.ts";
import { firstBoardId, gql, oauthToken } from "./_helpers.ts";

// Timing checks here are lower bounds only: a loaded machine may make an
// answer slower, never faster than the delay the emulator waits out.

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await run();
  return [value, performance.now() - start];
}

Deno.test("latency: a base delay holds every /v2 answer at least that long, on real time", async () => {
  await using emulator = await startEmulator({ latency: 300 });
  const [answer, ms] = await timed(() => gql(emulator, "{ me { id } }"));
  assert.equal(answer.status, 200);
  assert.ok(ms >= 295, `answered after ${ms} ms, expected at least 300 ms`);
});

Deno.test("latency: the schema, audit and OAuth routes wait their own base delay", async () => {
  await using emulator = await startEmulator({
    latency: {
      schema: { baseMs: 200 },
      audit: { baseMs: 250 },
      oauth: { baseMs: 150 },
    },
  });
  const [schema, schemaMs] = await timed(async () => {
    const response = await fetch(emulator.schemaUrl);
    await response.body?.cancel();
    return response;
  });
  assert.equal(schema.status, 200);
  assert.ok(schemaMs >= 195, `schema after ${schemaMs} ms`);
  const [audit, auditMs] = await timed(async () => {
    const response = await fetch(`${emulator.auditUrl}?page=1&per_page=5`, {
      headers: { Authorization: `Bearer ${emulator.credentials.auditToken}` },
    });
    await response.body?.cancel();
    return response;
  });
  assert.equal(audit.status, 200);
  assert.ok(auditMs >= 245, `audit after ${auditMs} ms`);
  const [token, tokenMs] = await timed(async () => {
    const response = await fetch(`${emulator.authUrl}/oauth_ms/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=authorization_code&code=nope",
    });
    await response.body?.cancel();
    return response;
  });
  // No client credentials: refused, after the delay all the same.
  assert.equal(token.status, 401);
  assert.ok(tokenMs >= 145, `token after ${tokenMs} ms`);
});

Deno.test("latency: the processing cost grows with the response, so a 500-item page waits longer than `me`", async () => {
  await using emulator = await startEmulator({
    items: 500,
    latency: { graphql: { perKbMs: 10 } },
  });
  const board = await firstBoardId(emulator);
  const [page, ms] = await timed(() =>
    gql(
      emulator,
      `{ boards(ids: ${board}) { items_page(limit: 500) { items { id name column_values { id text } } } } }`,
    )
  );
  assert.equal(page.status, 200);
  assert.equal(page.body.data.boards[0].items_page.items.length, 500);
  const floor = 10 * new TextEncoder().encode(page.text).byteLength / 1024;
  assert.ok(floor > 100, `a 500-item page is ${page.text.length} bytes`);
  assert.ok(ms >= floor - 5, `answered after ${ms} ms, floor ${floor} ms`);
});

Deno.test("latency: a request in its delay holds a concurrency slot: 41 at once on the standard plan (40) get one 429 maxConcurrencyExceeded", async () => {
  await using emulator = await startEmulator({
    plan: "standard",
    latency: { graphql: { baseMs: 3000 } },
  });
  const answers = await Promise.all(
    Array.from({ length: 41 }, () => gql(emulator, "{ me { id } }")),
  );
  const refused = answers.filter((a) => a.status === 429);
  assert.equal(refused.length, 1);
  assert.equal(answers.filter((a) => a.status === 200).length, 40);
  const [one] = refused;
  assert.equal(one!.body.errors[0].extensions.code, "maxConcurrencyExceeded");
  assert.equal(one!.body.errors[0].extensions.retry_in_seconds, 1);
  assert.equal(one!.headers.get("retry-after"), "1");
  assert.match(one!.headers.get("ratelimit")!, /"concurrency";r=0/);
  assert.match(
    one!.headers.get("ratelimit-policy")!,
    /"concurrency";q=40/,
  );
  assert.equal(emulator.stats().rateLimited, 1);
  // Once the delays are over, the slots are free again.
  emulator.setLatency(undefined);
  const after = await gql(emulator, "{ me { id } }");
  assert.equal(after.status, 200);
  assert.match(after.headers.get("ratelimit")!, /"concurrency";r=39/);
});

Deno.test("latency: per-token budgets hold while latency is on: personal reads and writes share one, an app token's reads and writes are separate", async () => {
  await using emulator = await startEmulator({
    items: 30,
    limits: { appComplexityPerMinute: 50, complexityPerMinute: 60 },
    latency: { graphql: { baseMs: 20, jitterMs: 5 } },
  });
  // boards: 1 + 1 × (items_page: 1 + 20 × (items: 1 + 1 × id)) = 42
  const read =
    "{ boards(limit: 1) { items_page(limit: 20) { items { id } } } }";
  const write =
    'mutation { create_item(board_id: 5000000001, item_name: "w") { id } }';
  const app = `Bearer ${await oauthToken(
    emulator,
    "boards:read boards:write",
    "legacy",
  )}`;
  assert.equal((await gql(emulator, read, { token: app })).status, 200);
  const appRead = await gql(emulator, read, { token: app });
  assert.equal(appRead.status, 429);
  assert.equal(
    appRead.body.errors[0].extensions.code,
    "COMPLEXITY_BUDGET_EXHAUSTED",
  );
  assert.ok(Number(appRead.headers.get("retry-after")) >= 1);
  const appWrite = await gql(emulator, write, { token: app });
  assert.equal(appWrite.status, 200, appWrite.text);
  // The personal token: a read of 42 leaves 18, too few for a second read.
  assert.equal((await gql(emulator, read)).status, 200);
  const personal = await gql(emulator, read);
  assert.equal(personal.status, 429);
  assert.equal(
    personal.body.errors[0].extensions.complexity_budget_limit,
    60,
  );
  assert.match(personal.headers.get("ratelimit")!, /"complexityMinute";r=18;/);
});

Deno.test("latency: the minute limit still answers 429 RATE_LIMIT_EXCEEDED with Retry-After while latency is on", async () => {
  await using emulator = await startEmulator({
    limits: { requestsPerMinute: 2 },
    latency: 20,
  });
  assert.equal((await gql(emulator, "{ me { id } }")).status, 200);
  assert.equal((await gql(emulator, "{ me { id } }")).status, 200);
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  assert.equal(refused.body.errors[0].extensions.code, "RATE_LIMIT_EXCEEDED");
  assert.equal(refused.body.errors[0].message, "Rate Limit Exceeded");
  assert.equal(refused.headers.get("retry-after"), "60");
  assert.match(refused.headers.get("ratelimit")!, /"minuteRate";r=0;t=60/);
});

Deno.test("latency: the complexity budget still answers 429 COMPLEXITY_BUDGET_EXHAUSTED with Retry-After and RateLimit while latency is on", async () => {
  await using emulator = await startEmulator({
    items: 30,
    limits: { complexityPerMinute: 100 },
    latency: 20,
  });
  const query =
    "{ boards(limit: 1) { items_page(limit: 20) { items { id } } } }";
  assert.equal((await gql(emulator, query)).status, 200);
  assert.equal((await gql(emulator, query)).status, 200);
  const refused = await gql(emulator, query);
  assert.equal(refused.status, 429);
  const error = refused.body.errors[0];
  assert.equal(error.extensions.code, "COMPLEXITY_BUDGET_EXHAUSTED");
  assert.equal(error.extensions.complexity_budget_left, 16);
  assert.equal(refused.headers.get("retry-after"), "60");
  assert.match(refused.headers.get("ratelimit")!, /"complexityMinute";r=16/);
});

Deno.test("latency: setLatency changes the delay for later requests and undefined turns it off", async () => {
  await using emulator = await startEmulator();
  emulator.setLatency(250);
  const [answer, ms] = await timed(() => gql(emulator, "{ me { id } }"));
  assert.equal(answer.status, 200);
  assert.ok(ms >= 245, `answered after ${ms} ms`);
  emulator.setLatency(undefined);
  assert.equal((await gql(emulator, "{ me { id } }")).status, 200);
  assert.throws(
    () => emulator.setLatency(-5),
    (error: Error) =>
      error instanceof RangeError && /'latency'/.test(error.message) &&
      /-5/.test(error.message),
  );
});

Deno.test("latency: closing the emulator while requests wait out their delay ends them without leaking timers", async () => {
  const emulator = await startEmulator({ latency: 30_000 });
  const waiting = gql(emulator, "{ me { id } }").then(
    () => "answered",
    () => "failed",
  );
  while (emulator.stats().requests.graphql < 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await emulator.close();
  assert.equal(await waiting, "failed");
});

Deno.test("latency: invalid figures are refused before the emulator starts, naming the figure", async () => {
  await assert.rejects(
    () => startEmulator({ latency: { graphql: { baseMs: Number.NaN } } }),
    (error: Error) =>
      error instanceof RangeError &&
      error.message.includes("'latency.graphql.baseMs'"),
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => startEmulator({ latency: { grpahql: { baseMs: 1 } } as any }),
    (error: Error) =>
      error instanceof RangeError && error.message.includes("'grpahql'"),
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => startEmulator({ latency: "fast" as any }),
    RangeError,
  );
});

Deno.test("latency: the jitter is seeded, so the same seed draws the same delays", () => {
  const figures = { graphql: { baseMs: 100, jitterMs: 40 } };
  const draw = (seed: number) => {
    const model = new LatencyModel(seed, figures);
    return Array.from({ length: 20 }, () => model.delayMs("graphql"));
  };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
  for (const ms of draw(7)) assert.ok(ms >= 100, `${ms} below the base`);
  assert.ok(new Set(draw(7)).size > 1, "the jitter varies");
});

Deno.test("latency: the cost per KiB and per complexity point add to the base; a delay never passes monday's 60 s cut", () => {
  const model = new LatencyModel(1, {
    graphql: { baseMs: 100, perKbMs: 2, perComplexityMs: 0.5 },
  });
  assert.equal(model.delayMs("graphql", { bytes: 0, complexity: 0 }), 100);
  assert.equal(
    model.delayMs("graphql", { bytes: 10 * 1024, complexity: 40 }),
    100 + 20 + 20,
  );
  assert.equal(model.delayMs("graphql", { bytes: 1e12 }), 60_000);
  assert.equal(model.delayMs("audit", { bytes: 1e6 }), 0);
  assert.equal(new LatencyModel(1).delayMs("graphql", { bytes: 1e6 }), 0);
});

Deno.test("latency: the monday preset covers every route and is a copy, not the frozen table", () => {
  const resolved = resolveLatency("monday");
  assert.deepEqual(Object.keys(resolved).sort(), [
    "audit",
    "file",
    "graphql",
    "oauth",
    "schema",
  ]);
  assert.deepEqual(resolved.graphql, MONDAY_LATENCY.graphql);
  assert.notEqual(resolved.graphql, MONDAY_LATENCY.graphql);
  assert.ok(MONDAY_LATENCY.graphql.baseMs! >= 100);
  assert.ok(Object.isFrozen(MONDAY_LATENCY));
});
