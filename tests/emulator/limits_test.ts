import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import { gql, oauthToken } from "./_helpers.ts";

// boards: 1 + 1 × (items_page: 1 + 20 × (items: 1 + 1 × id)) = 42
const COST_42 =
  "{ boards(limit: 1) { items_page(limit: 20) { items { id } } } }";

Deno.test("limits: a query over complexityPerQuery is refused with maxComplexityExceeded", async () => {
  await using emulator = await startEmulator({
    items: 30,
    limits: { complexityPerQuery: 40 },
  });
  const answer = await gql(emulator, COST_42);
  assert.equal(answer.status, 200);
  assert.equal(answer.body.errors[0].extensions.code, "maxComplexityExceeded");
  assert.match(
    answer.body.errors[0].message,
    /complexity of 42.*max complexity of 40/,
  );
  assert.equal(answer.body.data, undefined);
});

Deno.test("limits: the per-minute complexity budget answers 429 COMPLEXITY_BUDGET_EXHAUSTED until the window resets", async () => {
  await using emulator = await startEmulator({
    items: 30,
    limits: { complexityPerMinute: 100 },
  });
  assert.equal((await gql(emulator, COST_42)).status, 200);
  emulator.advance(15_000);
  assert.equal((await gql(emulator, COST_42)).status, 200);
  const refused = await gql(emulator, COST_42);
  assert.equal(refused.status, 429);
  const error = refused.body.errors[0];
  assert.equal(error.extensions.code, "COMPLEXITY_BUDGET_EXHAUSTED");
  assert.equal(error.extensions.retry_in_seconds, 45);
  assert.equal(error.extensions.complexity, 42);
  assert.equal(error.extensions.complexity_budget_left, 16);
  assert.equal(error.extensions.complexity_budget_limit, 100);
  assert.equal(refused.headers.get("retry-after"), "45");
  assert.match(
    refused.headers.get("ratelimit")!,
    /"complexityMinute";r=16;t=45/,
  );
  assert.match(
    error.message,
    /^Complexity budget exhausted, query cost 42 budget remaining 16 out of 100 reset in 45 seconds$/,
  );
  assert.match(refused.body.extensions.request_id, /-/);
  assert.equal(emulator.stats().rateLimited, 1);
  emulator.advance(45_000);
  const after = await gql(emulator, COST_42);
  assert.equal(after.status, 200);
});

Deno.test("limits: the legacy shape (2024-10) reports ComplexityException with HTTP 200", async () => {
  await using emulator = await startEmulator({
    items: 30,
    limits: { complexityPerMinute: 50 },
  });
  const headers = { "API-Version": "2024-10" };
  await gql(emulator, COST_42, { headers });
  const refused = await gql(emulator, COST_42, { headers });
  assert.equal(refused.status, 200);
  assert.equal(refused.body.error_code, "ComplexityException");
  assert.equal(refused.body.status_code, 429);
  assert.match(refused.body.error_message, /reset in 60 seconds/);
  assert.equal(refused.body.account_id, 9000001);
  assert.equal(refused.headers.get("retry-after"), "60");
});

Deno.test("limits: requests per minute answer 429 Rate Limit Exceeded with Retry-After", async () => {
  await using emulator = await startEmulator({
    limits: { requestsPerMinute: 3 },
  });
  for (let i = 0; i < 3; i++) {
    const ok = await gql(emulator, "{ me { id } }");
    assert.equal(ok.status, 200);
    assert.match(
      ok.headers.get("ratelimit")!,
      new RegExp(`"minuteRate";r=${2 - i};t=60`),
    );
  }
  emulator.advance(20_000);
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  assert.equal(refused.body.errors[0].message, "Rate Limit Exceeded");
  assert.equal(refused.body.errors[0].extensions.code, "RATE_LIMIT_EXCEEDED");
  assert.equal(refused.body.errors[0].extensions.retry_in_seconds, 40);
  assert.equal(refused.headers.get("retry-after"), "40");
  assert.match(
    refused.headers.get("ratelimit-policy")!,
    /"minuteRate";q=3;w=60/,
  );
  emulator.advance(40_000);
  assert.equal((await gql(emulator, "{ me { id } }")).status, 200);
});

Deno.test("limits: concurrent requests beyond the limit answer 429 maxConcurrencyExceeded", async () => {
  await using emulator = await startEmulator({
    limits: { concurrentRequests: 2 },
  });
  emulator.inject("graphql", { delayMs: 500, count: 2 });
  const slow = [gql(emulator, "{ me { id } }"), gql(emulator, "{ me { id } }")];
  while (emulator.stats().requests.graphql < 2) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  assert.equal(
    refused.body.errors[0].extensions.code,
    "maxConcurrencyExceeded",
  );
  assert.ok(Number(refused.headers.get("retry-after")) >= 1);
  assert.match(refused.headers.get("ratelimit")!, /"concurrency";r=0/);
  for (const answer of await Promise.all(slow)) {
    assert.equal(answer.status, 200);
  }
  const after = await gql(emulator, "{ me { id } }");
  assert.equal(after.status, 200);
  assert.match(after.headers.get("ratelimit")!, /"concurrency";r=1/);
});

Deno.test("limits: daily calls answer DAILY_LIMIT_EXCEEDED until 00:00 UTC on the emulator clock", async () => {
  await using emulator = await startEmulator({
    startTime: Date.UTC(2026, 10, 1, 23, 0, 0),
    limits: { dailyCalls: 2 },
  });
  await gql(emulator, "{ me { id } }");
  await gql(emulator, "{ me { id } }");
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  assert.equal(refused.body.errors[0].extensions.code, "DAILY_LIMIT_EXCEEDED");
  assert.equal(refused.body.errors[0].extensions.retry_in_seconds, 3600);
  assert.equal(refused.headers.get("retry-after"), "3600");
  emulator.advance(3600_000);
  assert.equal((await gql(emulator, "{ me { id } }")).status, 200);
});

Deno.test("limits: create_board is limited per minute with FIELD_LIMIT_EXCEEDED", async () => {
  await using emulator = await startEmulator({
    limits: { fieldCallsPerMinute: 2 },
  });
  const create = () =>
    gql(
      emulator,
      'mutation { create_board(board_name: "b", board_kind: public) { id } }',
    );
  assert.ok((await create()).body.data.create_board.id);
  assert.ok((await create()).body.data.create_board.id);
  const refused = await create();
  // monday answers FIELD_LIMIT_EXCEEDED with HTTP 429 and names the field
  // in error_data.entity.
  assert.equal(refused.status, 429);
  const error = refused.body.errors[0];
  assert.equal(error.extensions.code, "FIELD_LIMIT_EXCEEDED");
  assert.equal(error.extensions.error_data.retry_in_seconds, 60);
  assert.equal(error.extensions.error_data.entity, "create_board");
  assert.equal(error.extensions.retry_in_seconds, 60);
  assert.deepEqual(error.path, ["create_board"]);
  assert.equal(emulator.stats().executed.byField.create_board, 2);
});

Deno.test("limits: setLimits changes limits for the rest of the run", async () => {
  await using emulator = await startEmulator();
  assert.equal((await gql(emulator, "{ me { id } }")).status, 200);
  emulator.setLimits({ requestsPerMinute: 1 });
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  assert.throws(
    () => emulator.setLimits({ requestsPerMinute: -1 }),
    RangeError,
  );
});

Deno.test("limits: RateLimit-Policy and RateLimit are on every /v2 response, errors included", async () => {
  await using emulator = await startEmulator();
  const answers = [
    await gql(emulator, "{ me { id } }"),
    await gql(emulator, "{ me { id } }", { token: "wrong" }),
    await gql(emulator, "{ me { nope } }"),
  ];
  for (const answer of answers) {
    assert.equal(
      answer.headers.get("ratelimit-policy"),
      '"minuteRate";q=5000;w=60, "concurrency";q=250;qu="concurrent-requests", "complexityMinute";q=10000000;w=60',
    );
    assert.match(
      answer.headers.get("ratelimit")!,
      /^"minuteRate";r=\d+;t=\d+, "concurrency";r=\d+, "complexityMinute";r=\d+;t=\d+$/,
    );
  }
});

Deno.test("limits: the audit API's limit is configurable and counted in stats", async () => {
  await using emulator = await startEmulator({
    limits: { auditRequestsPerMinute: 1, auditWindowMs: 2000 },
  });
  const get = async () => {
    const response = await fetch(`${emulator.auditUrl}?page=1&per_page=5`, {
      headers: { Authorization: `Bearer ${emulator.credentials.auditToken}` },
    });
    await response.body?.cancel();
    return response;
  };
  assert.equal((await get()).status, 200);
  const refused = await get();
  assert.equal(refused.status, 429);
  assert.ok(refused.headers.get("retry-after"));
  assert.equal(emulator.stats().rateLimited, 1);
  emulator.advance(2000);
  assert.equal((await get()).status, 200);
});

Deno.test("limits: requests per IP window answer 429 IP_RATE_LIMIT_EXCEEDED", async () => {
  await using emulator = await startEmulator({
    limits: { ipRequestsPerWindow: 2, ipWindowMs: 10_000 },
  });
  await gql(emulator, "{ me { id } }");
  await gql(emulator, "{ me { id } }", { token: "not-a-token" });
  emulator.advance(4_000);
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  assert.equal(
    refused.body.errors[0].extensions.code,
    "IP_RATE_LIMIT_EXCEEDED",
  );
  assert.equal(refused.headers.get("retry-after"), "6");
  emulator.advance(6_000);
  assert.equal((await gql(emulator, "{ me { id } }")).status, 200);
});

Deno.test("limits: app (OAuth) tokens draw on separate read and write budgets", async () => {
  await using emulator = await startEmulator({
    items: 30,
    limits: { appComplexityPerMinute: 50, complexityPerMinute: 1000 },
  });
  const token = `Bearer ${await oauthToken(
    emulator,
    "boards:read boards:write",
    "legacy",
  )}`;
  const read = await gql(emulator, COST_42, { token });
  assert.equal(read.status, 200);
  assert.match(
    read.headers.get("ratelimit-policy")!,
    /"complexityMinute";q=50;w=60/,
  );
  assert.match(read.headers.get("ratelimit")!, /"complexityMinute";r=8;/);
  const readAgain = await gql(emulator, COST_42, { token });
  assert.equal(readAgain.status, 429);
  assert.equal(
    readAgain.body.errors[0].extensions.complexity_budget_limit,
    50,
  );
  const write = await gql(
    emulator,
    'mutation { create_item(board_id: 5000000001, item_name: "w") { id } }',
    { token },
  );
  assert.equal(write.status, 200, write.text);
  const personal = await gql(emulator, COST_42);
  assert.equal(personal.status, 200);
  assert.match(personal.headers.get("ratelimit")!, /"complexityMinute";r=958;/);
});

/** A limit, how to provoke it on a fresh emulator, and what monday answers. */
interface LimitCase {
  name: string;
  limits: Record<string, number>;
  /** Requests that use the limit up; the next one is refused. */
  fill: (emulator: Emulator) => Promise<unknown>;
  code: string;
  /** The code in the legacy (2024-10) shape, where it differs. */
  legacyCode?: string;
  status: number;
  retryInSeconds: number;
}

const LIMIT_CASES: LimitCase[] = [
  {
    name: "requests per minute",
    limits: { requestsPerMinute: 1 },
    fill: (emulator) => gql(emulator, "{ me { id } }"),
    code: "RATE_LIMIT_EXCEEDED",
    status: 429,
    retryInSeconds: 60,
  },
  {
    name: "complexity per minute",
    limits: { complexityPerMinute: 50 },
    fill: (emulator) => gql(emulator, COST_42),
    code: "COMPLEXITY_BUDGET_EXHAUSTED",
    legacyCode: "ComplexityException",
    status: 429,
    retryInSeconds: 60,
  },
  {
    name: "daily calls",
    limits: { dailyCalls: 1 },
    fill: (emulator) => gql(emulator, "{ me { id } }"),
    code: "DAILY_LIMIT_EXCEEDED",
    status: 429,
    // The emulator clock starts at 2026-11-01T00:00:00Z: a whole day left.
    retryInSeconds: 86_400,
  },
  {
    name: "requests per IP",
    limits: { ipRequestsPerWindow: 1, ipWindowMs: 10_000 },
    fill: (emulator) => gql(emulator, "{ me { id } }"),
    code: "IP_RATE_LIMIT_EXCEEDED",
    status: 429,
    retryInSeconds: 10,
  },
];

for (const limit of LIMIT_CASES) {
  Deno.test(`limits: ${limit.name} answers ${limit.code} with status, retry_in_seconds, Retry-After and RateLimit headers`, async () => {
    await using emulator = await startEmulator({
      items: 30,
      limits: limit.limits,
    });
    await limit.fill(emulator);
    const refused = await gql(emulator, COST_42);
    assert.equal(refused.status, limit.status, refused.text);
    const error = refused.body.errors[0];
    assert.equal(error.extensions.code, limit.code);
    assert.equal(error.extensions.status_code, limit.status);
    assert.equal(error.extensions.retry_in_seconds, limit.retryInSeconds);
    assert.equal(
      error.extensions.error_data.retry_in_seconds,
      limit.retryInSeconds,
    );
    assert.equal(
      refused.headers.get("retry-after"),
      String(limit.retryInSeconds),
    );
    assert.ok(refused.headers.get("ratelimit-policy"));
    assert.ok(refused.headers.get("ratelimit"));
    assert.match(refused.body.extensions.request_id, /-/);
    assert.equal(emulator.stats().rateLimited, 1);
    assert.equal(emulator.stats().executed.mutations, 0);
  });

  Deno.test(
    `limits: ${limit.name} in the legacy shape (2024-10) is HTTP 200 with error_code ${
      limit.legacyCode ?? limit.code
    }`,
    async () => {
      await using emulator = await startEmulator({
        items: 30,
        limits: limit.limits,
      });
      await limit.fill(emulator);
      const refused = await gql(emulator, COST_42, {
        headers: { "API-Version": "2024-10" },
      });
      assert.equal(refused.status, 200, refused.text);
      assert.equal(refused.body.error_code, limit.legacyCode ?? limit.code);
      assert.equal(refused.body.status_code, limit.status);
      assert.equal(typeof refused.body.error_message, "string");
      assert.deepEqual(refused.body.errors, [{
        message: refused.body.error_message,
      }]);
      assert.equal(
        refused.body.error_data.retry_in_seconds,
        limit.retryInSeconds,
      );
      assert.equal(
        refused.headers.get("retry-after"),
        String(limit.retryInSeconds),
      );
      assert.ok(refused.headers.get("ratelimit"));
      assert.equal(refused.headers.get("api-version"), "2024-10");
    },
  );
}

Deno.test("limits: concurrency refusals carry retry_in_seconds and Retry-After", async () => {
  await using emulator = await startEmulator({
    limits: { concurrentRequests: 1 },
  });
  emulator.inject("graphql", { delayMs: 300 });
  const slow = gql(emulator, "{ me { id } }");
  while (emulator.stats().requests.graphql < 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  const error = refused.body.errors[0];
  assert.equal(error.extensions.code, "maxConcurrencyExceeded");
  assert.equal(error.extensions.status_code, 429);
  assert.equal(error.extensions.retry_in_seconds, 1);
  assert.equal(error.extensions.error_data.retry_in_seconds, 1);
  assert.equal(refused.headers.get("retry-after"), "1");
  assert.equal((await slow).status, 200);
});

Deno.test("limits: RateLimit headers also on /v2/file, get_schema, 400s and 429s", async () => {
  await using emulator = await startEmulator({
    limits: { requestsPerMinute: 3 },
  });
  const schema = await fetch(`${emulator.schemaUrl}?format=sdl`);
  await schema.body?.cancel();
  const badBody = await fetch(emulator.apiUrl, {
    method: "POST",
    headers: {
      authorization: emulator.credentials.apiToken,
      "content-type": "application/json",
    },
    body: "{not json",
  });
  await badBody.body?.cancel();
  assert.equal(badBody.status, 400);
  const file = await gql(emulator, "{ me { id } }", { url: emulator.fileUrl });
  await gql(emulator, "{ me { id } }");
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  for (
    const headers of [
      schema.headers,
      badBody.headers,
      file.headers,
      refused.headers,
    ]
  ) {
    assert.match(headers.get("ratelimit-policy")!, /"minuteRate";q=3;w=60/);
    assert.match(headers.get("ratelimit")!, /"minuteRate";r=\d+;t=\d+/);
  }
  assert.match(refused.headers.get("ratelimit")!, /"minuteRate";r=0;/);
});

Deno.test("limits: failed requests count toward the minute and daily limits, as at monday", async () => {
  await using emulator = await startEmulator({
    limits: { requestsPerMinute: 3, dailyCalls: 4 },
  });
  // A bad token, a malformed version and a parse error: each refused, each
  // counted.
  assert.equal(
    (await gql(emulator, "{ me { id } }", { token: "nope" })).status,
    401,
  );
  const version = await gql(emulator, "{ me { id } }", {
    headers: { "API-Version": "2023" },
  });
  assert.equal(
    version.body.errors[0].extensions.code,
    "InvalidVersionException",
  );
  const parse = await gql(emulator, "{ me { id ");
  assert.match(parse.body.errors[0].message, /^Parse error/);
  const refused = await gql(emulator, "{ me { id } }");
  assert.equal(refused.status, 429);
  assert.equal(refused.body.errors[0].extensions.code, "RATE_LIMIT_EXCEEDED");
  emulator.advance(60_000);
  // The refused request counted too: 4 calls today, the daily limit is met.
  const daily = await gql(emulator, "{ me { id } }");
  assert.equal(daily.body.errors[0].extensions.code, "DAILY_LIMIT_EXCEEDED");
});

Deno.test("limits: a personal token is accepted raw and after 'Bearer ' (monday in practice), an unknown one neither way", async () => {
  await using emulator = await startEmulator();
  const token = emulator.credentials.apiToken;
  assert.equal((await gql(emulator, "{ me { id } }", { token })).status, 200);
  assert.equal(
    (await gql(emulator, "{ me { id } }", { token: `Bearer ${token}` })).status,
    200,
  );
  assert.equal(
    (await gql(emulator, "{ me { id } }", { token: `Bearer x${token}` }))
      .status,
    401,
  );
});
