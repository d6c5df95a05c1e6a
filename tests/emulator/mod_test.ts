import assert from "node:assert/strict";
import { planLimits, startEmulator } from "../../emulator/mod.ts";
import { gql } from "./_helpers.ts";

Deno.test("startEmulator: binds 127.0.0.1 on an ephemeral port and exposes every surface's URL", async () => {
  await using emulator = await startEmulator();
  const url = new URL(emulator.url);
  assert.equal(url.hostname, "127.0.0.1");
  assert.ok(Number(url.port) > 0);
  assert.equal(emulator.apiUrl, `${emulator.url}/v2`);
  assert.equal(emulator.fileUrl, `${emulator.url}/v2/file`);
  assert.equal(emulator.schemaUrl, `${emulator.url}/v2/get_schema`);
  assert.equal(emulator.domain, emulator.url);
  assert.equal(emulator.auditUrl, `${emulator.url}/audit-api/get-logs`);
  assert.equal(emulator.authUrl, emulator.url);
});

Deno.test("startEmulator: a plain request with the raw token answers a me query, as curl would send it", async () => {
  await using emulator = await startEmulator();
  const response = await fetch(emulator.apiUrl, {
    method: "POST",
    headers: {
      "Authorization": emulator.credentials.apiToken,
      "Content-Type": "application/json",
    },
    body: '{"query":"{ me { id name email } }"}',
  });
  const body = await response.json();
  assert.equal(response.status, 200);
  assert.equal(body.data.me.id, emulator.credentials.apiTokens[0]!.userId);
  assert.equal(body.data.me.name, emulator.credentials.apiTokens[0]!.name);
  assert.match(body.extensions.request_id, /^[0-9a-f-]{36}$/);
});

Deno.test("startEmulator: the same seed gives the same credentials and data, another seed other data", async () => {
  const read = async (seed: number) => {
    await using emulator = await startEmulator({ seed, items: 5 });
    const answer = await gql(
      emulator,
      "{ users(limit: 3) { id name email } boards(limit: 1) { items_page(limit: 5) { items { name column_values { id value } } } } }",
    );
    return {
      credentials: {
        ...emulator.credentials,
        apiTokens: emulator.credentials.apiTokens,
      },
      data: answer.body.data,
    };
  };
  const a = await read(7);
  const b = await read(7);
  const c = await read(8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.data, c.data);
  assert.notEqual(a.credentials.apiToken, c.credentials.apiToken);
});

Deno.test("startEmulator: credentials hold several users' tokens, an audit token and an OAuth app", async () => {
  await using emulator = await startEmulator({ users: 5 });
  const { credentials } = emulator;
  assert.equal(credentials.apiTokens.length, 3);
  assert.equal(credentials.apiToken, credentials.apiTokens[0]!.token);
  assert.equal(new Set(credentials.apiTokens.map((t) => t.token)).size, 3);
  assert.ok(credentials.auditToken.length >= 20);
  assert.ok(credentials.oauth.clientId.length >= 16);
  assert.ok(credentials.oauth.clientSecret.length >= 16);
  assert.ok(credentials.oauth.redirectUris.length >= 1);
  for (const t of credentials.apiTokens) {
    const answer = await gql(emulator, "{ me { id } }", { token: t.token });
    assert.equal(answer.body.data.me.id, t.userId);
  }
});

Deno.test("startEmulator: 100,000 items seed and the last page is reachable by ids", async () => {
  await using emulator = await startEmulator({ items: 100_000 });
  const answer = await gql(
    emulator,
    "{ boards(limit: 1) { items_count items_page(limit: 1, query_params: {ids: [1000100000]}) { items { id name } } } }",
  );
  assert.equal(answer.body.data.boards[0].items_count, 100_000);
  assert.deepEqual(
    answer.body.data.boards[0].items_page.items.map((i: { id: string }) =>
      i.id
    ),
    ["1000100000"],
  );
});

Deno.test("startEmulator: options are checked and name what is wrong", async () => {
  await assert.rejects(
    startEmulator({ items: -1 }),
    (error: Error) =>
      error instanceof RangeError && error.message.includes("'items'"),
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    startEmulator({ plan: "gold" as any }),
    (error: Error) =>
      error instanceof TypeError && error.message.includes("'gold'"),
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    startEmulator({ limits: { requestsPerMinut: 5 } as any }),
    (error: Error) =>
      error instanceof TypeError && error.message.includes("requestsPerMinut"),
  );
  await assert.rejects(
    startEmulator({ limits: { dailyCalls: 0 } }),
    RangeError,
  );
});

Deno.test("startEmulator: an aborted signal closes the server", async () => {
  const controller = new AbortController();
  const emulator = await startEmulator({ signal: controller.signal });
  const before = await gql(emulator, "{ me { id } }");
  assert.equal(before.status, 200);
  controller.abort();
  await emulator.close();
  await assert.rejects(fetch(emulator.apiUrl, { method: "POST" }), TypeError);
});

Deno.test("startEmulator: the clock starts at options.startTime and only moves when advanced", async () => {
  await using emulator = await startEmulator({
    startTime: Date.UTC(2030, 0, 1),
  });
  assert.equal(emulator.now(), Date.UTC(2030, 0, 1));
  emulator.advance(90_000);
  assert.equal(emulator.now(), Date.UTC(2030, 0, 1) + 90_000);
  assert.throws(() => emulator.advance(-1), RangeError);
});

Deno.test("planLimits: the plans carry monday's documented numbers", () => {
  assert.deepEqual(
    [
      planLimits("enterprise").requestsPerMinute,
      planLimits("pro").requestsPerMinute,
      planLimits("standard").requestsPerMinute,
    ],
    [5000, 2500, 1000],
  );
  assert.deepEqual(
    [
      planLimits("enterprise").concurrentRequests,
      planLimits("pro").concurrentRequests,
      planLimits("standard").concurrentRequests,
    ],
    [250, 100, 40],
  );
  assert.deepEqual(
    [
      planLimits("enterprise").dailyCalls,
      planLimits("pro").dailyCalls,
      planLimits("standard").dailyCalls,
    ],
    [25_000, 10_000, 1000],
  );
  assert.equal(planLimits("enterprise").complexityPerMinute, 10_000_000);
  assert.equal(planLimits("enterprise").complexityPerQuery, 5_000_000);
});

Deno.test("startEmulator: the plan picks the RateLimit-Policy quotas", async () => {
  await using emulator = await startEmulator({ plan: "pro" });
  const answer = await gql(emulator, "{ me { id } }");
  assert.match(
    answer.headers.get("ratelimit-policy")!,
    /"minuteRate";q=2500;w=60, "concurrency";q=100;qu="concurrent-requests"/,
  );
});

Deno.test("startEmulator: inspecting the emulator shows its URL but at most 4 characters of a token", async () => {
  await using emulator = await startEmulator();
  const text = Deno.inspect(emulator, { depth: 5 });
  assert.match(text, new RegExp(emulator.url.replace(/[.]/g, "\\.")));
  assert.ok(!text.includes(emulator.credentials.apiToken));
  assert.ok(!text.includes(emulator.credentials.auditToken));
  assert.ok(!text.includes(emulator.credentials.oauth.clientSecret));
  assert.ok(text.includes(emulator.credentials.apiToken.slice(-4)));
});
