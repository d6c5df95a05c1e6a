// MondayClient over a scripted fetch: headers, retry rules, throttling,
// concurrency, warnings, partial data, validation and secrecy. The tests
// against the emulator live in client_emulator_test.ts.
import assert from "node:assert/strict";
import { FakeClock } from "../../_http/mod.ts";
import {
  AuthenticationError,
  ComplexityBudgetError,
  DailyLimitError,
  DEFAULT_API_VERSION,
  type DeprecationWarning,
  GraphQLValidationError,
  MondayApiError,
  MondayClient,
  type MondayClientOptions,
  NetworkError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  type TypedDocumentNode,
  type TypedDocumentString,
} from "../../graphql/mod.ts";
import { json, type Reply, scriptedFetch } from "./_fake.ts";

const TOKEN = "test-token-0123456789abcdefWXYZ";
const API = "https://api.monday.com/v2";
const OK = json({
  data: { me: { id: "1" } },
  extensions: { request_id: "r1" },
});

function setup(
  replies: Reply[],
  options: Partial<MondayClientOptions> = {},
) {
  const clock = new FakeClock({ start: Date.UTC(2026, 10, 1) });
  const scripted = scriptedFetch(replies, () => clock.now());
  const client = new MondayClient({
    token: TOKEN,
    fetch: scripted.fetch,
    clock,
    random: () => 0.5,
    onWarning: () => {},
    ...options,
  });
  return { client, clock, sent: scripted.sent };
}

Deno.test("request: sends the token raw, the pinned API-Version, JSON and a User-Agent", async () => {
  const { client, sent } = setup([OK]);
  const data = await client.request<{ me: { id: string } }>(
    "query Me { me { id } }",
    { unused: 1 },
  );
  assert.deepEqual(data, { me: { id: "1" } });
  assert.equal(sent.length, 1);
  const [request] = sent;
  assert.equal(request!.method, "POST");
  assert.equal(request!.url, API);
  assert.equal(request!.headers.get("authorization"), TOKEN);
  assert.equal(request!.headers.get("api-version"), "2026-10");
  assert.equal(DEFAULT_API_VERSION, "2026-10");
  assert.equal(request!.headers.get("content-type"), "application/json");
  assert.match(request!.headers.get("user-agent") ?? "", /^mondaykit\//);
  assert.equal(request!.headers.get("idempotency-key"), null);
  assert.deepEqual(JSON.parse(request!.body), {
    query: "query Me { me { id } }",
    variables: { unused: 1 },
  });
});

Deno.test("request: typed documents infer result and variables", async () => {
  const { parse } = await import("graphql");
  const doc = parse(
    "query Q($id: ID!) { me { id } }",
  ) as unknown as TypedDocumentNode<{ me: { id: string } }, { id: string }>;
  const { client, sent } = setup([OK]);
  const data = await client.request(doc, { id: "1" });
  const id: string = data.me.id; // compiles only if the result is typed
  assert.equal(id, "1");
  // Type-level checks, which `deno check` enforces: were the result or the variables `any`,
  // these directives would be unused and fail the check.
  const _typeChecks = () => {
    // @ts-expect-error: the result has no such field
    data.me.name;
    // @ts-expect-error: the variable must be a string
    void client.request(doc, { id: 1 });
    // @ts-expect-error: the variables are required
    void client.request(doc);
  };
  assert.equal(
    JSON.parse(sent[0]!.body).query,
    "query Q($id: ID!) { me { id } }",
  );
});

Deno.test("request: typed document strings (graphql-codegen's string mode)", async () => {
  class TypedString<R, V> extends String implements TypedDocumentString<R, V> {
    __apiType?: (variables: V) => R;
  }
  const doc = new TypedString<{ me: { id: string } }, Record<string, never>>(
    "query Me { me { id } }",
  );
  const { client, sent } = setup([OK]);
  const data = await client.request(doc);
  const id: string = data.me.id;
  assert.equal(id, "1");
  assert.equal(JSON.parse(sent[0]!.body).query, "query Me { me { id } }");
});

Deno.test("request: per-call apiVersion, and malformed versions are refused before sending", async () => {
  const { client, sent } = setup([OK]);
  await client.request("{ me { id } }", undefined, { apiVersion: "2027-01" });
  assert.equal(sent[0]!.headers.get("api-version"), "2027-01");
  await assert.rejects(
    () => client.request("{ me { id } }", undefined, { apiVersion: "2023" }),
    RangeError,
  );
  assert.throws(
    () => new MondayClient({ token: TOKEN, apiVersion: "latest" }),
    /Invalid 'apiVersion'/,
  );
  assert.equal(sent.length, 1);
});

Deno.test("constructor: needs credentials and a secure URL", () => {
  assert.throws(
    () => new MondayClient({}),
    /'credentials'.*or 'token' is required/,
  );
  assert.throws(() => new MondayClient({ token: "" }), /empty/);
  assert.throws(
    () =>
      new MondayClient({ token: TOKEN, apiUrl: "http://api.example.com/v2" }),
    TypeError,
  );
  new MondayClient({ token: TOKEN, apiUrl: "http://127.0.0.1:9/v2" });
  assert.throws(
    () => new MondayClient({ token: TOKEN, maxConcurrency: 0 }),
    RangeError,
  );
});

Deno.test("credentials: a provider's value is sent as is; a 401 invalidates it and retries once", async () => {
  const invalidated: string[] = [];
  let n = 0;
  const provider = {
    authorization: () => Promise.resolve(`Bearer access-token-${++n}-abcdefgh`),
    invalidate: (rejected: string) => invalidated.push(rejected),
  };
  const { client, sent } = setup([
    json({ errors: [{ message: "Not Authenticated" }] }, 401),
    OK,
  ], { credentials: provider });
  await client.request("{ me { id } }");
  assert.deepEqual(invalidated, ["Bearer access-token-1-abcdefgh"]);
  assert.equal(sent.length, 2);
  assert.equal(
    sent[1]!.headers.get("authorization"),
    "Bearer access-token-2-abcdefgh",
  );

  // A second 401 in a row is final and not marked retryable.
  const again = setup([
    json({ errors: [{ message: "Not Authenticated" }] }, 401),
  ], {
    credentials: provider,
  });
  const error = await again.client.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof AuthenticationError);
  assert.equal(error.retryable, false);
  assert.equal(again.sent.length, 2);
});

Deno.test("retry: a query retries 5xx and network errors, then succeeds", async () => {
  const { client, sent, clock } = setup([
    json({ error_message: "Internal Server Error" }, 500),
    new TypeError("connection reset"),
    OK,
  ]);
  const data = await client.request("{ me { id } }");
  assert.deepEqual(data, { me: { id: "1" } });
  assert.equal(sent.length, 3);
  assert.equal(clock.sleeps.length, 2); // backoff between attempts
});

Deno.test("hooks: onRequest and onResponse see every attempt, without secrets", async () => {
  const requests: unknown[] = [];
  const responses: {
    attempt: number;
    status: number;
    requestId?: string;
    error?: string;
  }[] = [];
  const { client } = setup([json({ error_message: "boom" }, 500), OK], {
    onRequest: (info) => requests.push(info),
    onResponse: (info) =>
      responses.push({
        attempt: info.attempt,
        status: info.status,
        ...(info.requestId ? { requestId: info.requestId } : {}),
        ...(info.error ? { error: info.error.name } : {}),
      }),
  });
  await client.request("query Me { me { id } }");
  assert.deepEqual(
    requests,
    [1, 2].map((attempt) => ({
      method: "POST",
      url: API,
      attempt,
      operation: "query",
      operationName: "Me",
      idempotencyKey: undefined,
      apiVersion: "2026-10",
    })),
  );
  assert.deepEqual(responses, [
    { attempt: 1, status: 500, error: "ServerError" },
    { attempt: 2, status: 200, requestId: "r1" },
  ]);
  assert.ok(!JSON.stringify([requests, responses]).includes(TOKEN));
});

Deno.test("retry: waits what the server says (Retry-After, retry_in_seconds, legacy message)", async () => {
  const { client, clock } = setup([
    json({ errors: [{ message: "Rate Limit Exceeded" }] }, 429, {
      "retry-after": "7",
    }),
    json({
      errors: [{
        message: "Field limit",
        extensions: { code: "FIELD_LIMIT_EXCEEDED", retry_in_seconds: 3 },
      }],
    }),
    json({
      error_code: "ComplexityException",
      status_code: 429,
      error_message:
        "Complexity budget exhausted, query cost 2 budget remaining 1 out of 10 reset in 16 seconds",
    }),
    OK,
  ]);
  await client.request("{ me { id } }");
  // The client's proactive pause and the transport's wait may split a wait
  // in two; the total per retry is what the server asked.
  assert.deepEqual(clock.sleeps.filter((ms) => ms > 0), [7000, 3000, 16_000]);
});

Deno.test("retry: the daily limit is not retried", async () => {
  const { client, sent } = setup([
    json({
      errors: [{
        message: "Daily limit",
        extensions: { code: "DAILY_LIMIT_EXCEEDED" },
      }],
    }, 429),
  ]);
  const error = await client.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof DailyLimitError);
  assert.equal(sent.length, 1);
});

Deno.test("retry: gives up after maxAttempts with the last classified error", async () => {
  const { client, sent } = setup(
    [json({ error_message: "boom" }, 503)],
    { retry: { maxAttempts: 3 } },
  );
  const error = await client.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof ServerError);
  assert.equal(error.status, 503);
  assert.equal(sent.length, 3);
});

Deno.test("mutations: one Idempotency-Key per call, reused across retries", async () => {
  const { client, sent } = setup([
    json({ error_message: "boom" }, 502),
    json({ data: { create_item: { id: "9" } } }),
    json({ data: { create_item: { id: "10" } } }),
  ]);
  await client.request(
    'mutation { create_item(board_id: 1, item_name: "a") { id } }',
  );
  await client.request(
    'mutation { create_item(board_id: 1, item_name: "b") { id } }',
  );
  const keys = sent.map((s) => s.headers.get("idempotency-key"));
  assert.equal(keys.length, 3);
  assert.match(keys[0]!, /^[0-9a-f-]{36}$/);
  assert.equal(keys[0], keys[1]);
  assert.notEqual(keys[1], keys[2]);
});

Deno.test("mutations: the caller's key is used; retry: false sends once", async () => {
  const { client, sent } = setup([json({ error_message: "boom" }, 502), OK]);
  await client.request("mutation { x }", undefined, {
    idempotencyKey: "my-key",
  })
    .catch(() => {});
  assert.equal(sent[0]!.headers.get("idempotency-key"), "my-key");
  assert.equal(sent[1]!.headers.get("idempotency-key"), "my-key");
  const once = setup([json({ error_message: "boom" }, 502), OK]);
  await assert.rejects(
    () => once.client.request("mutation { x }", undefined, { retry: false }),
    ServerError,
  );
  assert.equal(once.sent.length, 1);
});

Deno.test("mutations: an operation the client cannot identify is treated as a mutation", async () => {
  const { client, sent } = setup([OK]);
  await client.request("query A { me { id } } mutation B { x }");
  assert.ok(sent[0]!.headers.get("idempotency-key"));
  await client.request(
    "query A { me { id } } mutation B { x }",
    undefined,
    { operationName: "A" },
  );
  assert.equal(sent[1]!.headers.get("idempotency-key"), null);
  assert.equal(JSON.parse(sent[1]!.body).operationName, "A");
});

Deno.test("throttling: a budget at 0 makes the next request wait its reset", async () => {
  const { client, sent } = setup([
    json({ data: { me: { id: "1" } } }, 200, {
      ratelimit: '"minuteRate";r=4999, "complexityMinute";r=0;t=45',
    }),
    OK,
  ]);
  await client.request("{ me { id } }");
  await client.request("{ me { id } }");
  assert.equal(sent[1]!.at - sent[0]!.at, 45_000);
});

Deno.test("throttling: a 429's wait pauses the client's other requests too", async () => {
  const { client, sent } = setup([
    json({ errors: [{ message: "Rate Limit Exceeded" }] }, 429, {
      "retry-after": "10",
    }),
    OK,
    OK,
  ]);
  await client.request("{ me { id } }");
  await client.request("{ me { id } }");
  assert.equal(sent[1]!.at - sent[0]!.at, 10_000);
  assert.equal(sent[2]!.at - sent[1]!.at, 0);
});

Deno.test("concurrency: never more than maxConcurrency requests in flight", async () => {
  let inFlight = 0;
  let peak = 0;
  const { client, sent } = setup([async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    // Hold each request until the cap is reached (or nothing else can come).
    for (let i = 0; i < 500 && inFlight < 3 && sent.length < 10; i++) {
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    return OK.clone();
  }], { maxConcurrency: 3 });
  await Promise.all(
    Array.from({ length: 10 }, () => client.request("{ me { id } }")),
  );
  assert.equal(sent.length, 10);
  assert.equal(peak, 3);
});

Deno.test("concurrency: the default cap is 40 requests in flight (the lowest plan's)", async () => {
  let inFlight = 0;
  let peak = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let answered = 0;
  const { client, sent } = setup([async () => {
    // The first request answers at once; the rest are held at the gate.
    if (answered++ === 0) return OK.clone();
    inFlight++;
    peak = Math.max(peak, inFlight);
    await gate;
    inFlight--;
    return OK.clone();
  }]);
  // One answer first: before it, the scheduler sends a single probe.
  await client.request("{ me { id } }");
  const all = Promise.all(
    Array.from({ length: 60 }, () => client.request("{ me { id } }")),
  );
  // Let every request that the limiter admits reach fetch.
  for (let i = 0; i < 50 && sent.length < 61; i++) {
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.equal(sent.length, 41, "the 41st request waits for a free slot");
  release();
  await all;
  assert.equal(sent.length, 61);
  assert.equal(peak, 40);
});

Deno.test("concurrency: before the first answer one request goes alone, then the rest", async () => {
  let inFlight = 0;
  let peak = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const { client, sent } = setup([async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    if (sent.length === 1) await gate;
    else await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    return OK.clone();
  }]);
  const all = Promise.all(
    Array.from({ length: 60 }, () => client.request("{ me { id } }")),
  );
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.equal(sent.length, 1, "nothing else goes while the probe is out");
  release();
  await all;
  assert.equal(sent.length, 60);
  assert.ok(peak > 1, "after the answer the rest go together");
});

Deno.test("warnings: each distinct deprecation warning reaches the hook once", async () => {
  const warnings: DeprecationWarning[] = [];
  const body = {
    data: { me: { id: "1" } },
    extensions: {
      warnings: [
        {
          message: "Field 'x' is deprecated",
          locations: [{ line: 1, column: 3 }],
        },
        { message: "Argument 'y' is deprecated" },
      ],
    },
  };
  const { client } = setup([json(body)], {
    onWarning: (w) => warnings.push(w),
  });
  const first = await client.rawRequest("{ me { id } }");
  await client.rawRequest("{ me { id } }");
  assert.equal(first.warnings.length, 2);
  assert.deepEqual(warnings.map((w) => w.message), [
    "Field 'x' is deprecated",
    "Argument 'y' is deprecated",
  ]);
});

Deno.test("rawRequest: status, headers, request id, rate limit, complexity, replay flag", async () => {
  const { client } = setup([json(
    {
      data: {
        complexity: {
          before: 100,
          after: 90,
          query: 10,
          reset_in_x_seconds: 30,
        },
      },
      extensions: { request_id: "abc" },
    },
    200,
    {
      "ratelimit-policy": '"minuteRate";q=5000;w=60',
      ratelimit: '"minuteRate";r=4999',
      "idempotency-replayed": "true",
    },
  )]);
  const raw = await client.rawRequest(
    "{ complexity { before after query reset_in_x_seconds } }",
  );
  assert.equal(raw.status, 200);
  assert.equal(raw.requestId, "abc");
  assert.deepEqual(raw.rateLimit, {
    policy: [{ name: "minuteRate", quota: 5000, windowSeconds: 60 }],
    remaining: [{ name: "minuteRate", remaining: 4999 }],
  });
  assert.deepEqual(raw.complexity, {
    before: 100,
    after: 90,
    query: 10,
    resetInSeconds: 30,
  });
  assert.equal(raw.replayed, true);
  assert.deepEqual(raw.errors, []);
  assert.equal(raw.headers.get("ratelimit"), '"minuteRate";r=4999');
});

Deno.test("partial data: thrown with the error by default, returned when asked", async () => {
  const body = {
    data: { me: { id: "1" }, boards: null },
    errors: [{
      message: "No access",
      path: ["boards"],
      extensions: { code: "ColumnValueException" },
    }],
  };
  const { client } = setup([json(body)]);
  const error = await client.request("{ me { id } boards { id } }").catch((e) =>
    e
  );
  assert.ok(error instanceof MondayApiError);
  assert.deepEqual(error.data, { me: { id: "1" }, boards: null });
  assert.deepEqual(error.path, ["boards"]);
  const raw = await client.rawRequest(
    "{ me { id } boards { id } }",
    undefined,
    { partial: true },
  );
  assert.deepEqual(raw.data, { me: { id: "1" }, boards: null });
  assert.equal(raw.errors.length, 1);
  const data = await client.request("{ me { id } boards { id } }", undefined, {
    partial: true,
  });
  assert.deepEqual(data, { me: { id: "1" }, boards: null });
});

Deno.test("errors: network failures and timeouts throw the shared NetworkError and RequestTimeoutError", async () => {
  const { client } = setup([new TypeError(`connect failed for ${TOKEN}`)], {
    retry: { maxAttempts: 2 },
  });
  const error = await client.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof NetworkError);
  // No response arrived: a transport error, not one monday reported.
  assert.ok(!(error instanceof MondayApiError));
  assert.equal(error.retryable, true);
  assert.ok(!error.message.includes(TOKEN), error.message);

  const slow = setup([
    (_request, _sent, signal) =>
      new Promise<Response>((_resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason));
      }),
  ], { timeoutMs: 20, retry: false });
  const timeout = await slow.client.request("{ me { id } }").catch((e) => e);
  assert.ok(timeout instanceof RequestTimeoutError, String(timeout));
  assert.equal(timeout.name, "RequestTimeoutError");
  assert.equal(timeout.timeoutMs, 20);
});

Deno.test("errors: no error carries the token, in any property, cause or inspect output", async () => {
  const echo = `Token ${TOKEN} rejected`;
  const cases: Reply[][] = [
    [json({ errors: [{ message: echo }] }, 401)],
    [json({
      errors: [{ message: echo, extensions: { code: "ColumnValueException" } }],
    })],
    [new TypeError(echo)],
    [new Response(echo, { status: 500 })],
  ];
  for (const replies of cases) {
    const { client } = setup(replies, { retry: false });
    const error = await client.request("{ me { id } }").catch((e) => e);
    assert.ok(
      error instanceof MondayApiError || error instanceof NetworkError,
      String(error),
    );
    const seen = [
      error.message,
      String(error.stack),
      Deno.inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
      JSON.stringify((error as { errors?: unknown }).errors),
      Deno.inspect(error.cause, { depth: 10 }),
    ].join("\n");
    assert.ok(!seen.includes(TOKEN), `token leaked by ${error.name}:\n${seen}`);
    assert.ok(!seen.includes(TOKEN.slice(0, -4)));
  }
  const { client } = setup([OK]);
  assert.ok(
    !Deno.inspect(client, { depth: 10, showHidden: true }).includes(TOKEN),
  );
});

Deno.test("signal: aborting stops a pending wait and rejects with the reason", async () => {
  const clock = new FakeClock({ autoAdvance: false });
  const scripted = scriptedFetch([
    json({ errors: [{ message: "Rate Limit Exceeded" }] }, 429, {
      "retry-after": "60",
    }),
  ]);
  const client = new MondayClient({
    token: TOKEN,
    fetch: scripted.fetch,
    clock,
  });
  const controller = new AbortController();
  const pending = client.request("{ me { id } }", undefined, {
    signal: controller.signal,
  });
  await clock.nextSleep();
  controller.abort(new Error("stop"));
  await assert.rejects(pending, /stop/);
  assert.equal(scripted.sent.length, 1);
});

Deno.test("validate: documents are checked against the schema before sending", async () => {
  const sdl = "type Query { me: User } type User { id: ID! name: String }";
  const { client, sent } = setup([OK], { validate: sdl });
  await client.request("query { me { id } }");
  assert.equal(sent.length, 1);
  const error = await client.request("query {\n  me { id nope }\n}").catch((
    e,
  ) => e);
  assert.ok(error instanceof GraphQLValidationError, String(error));
  assert.deepEqual(error.locations, [{ line: 2, column: 11 }]);
  assert.match(error.message, /Cannot query field "nope" on type "User"/);
  const parse = await client.request("query { me { ").catch((e) => e);
  assert.ok(parse instanceof GraphQLValidationError);
  assert.equal(parse.locations?.[0]?.line, 1);
  assert.equal(sent.length, 1);
  const { buildSchema, parse: parseDocument } = await import("graphql");
  const built = setup([OK], { validate: buildSchema(sdl) });
  await assert.rejects(
    () => built.client.request("{ nope }"),
    GraphQLValidationError,
  );
  const node = await built.client
    .request(parseDocument("query {\n  me { shoe }\n}"))
    .catch((e) => e);
  assert.ok(node instanceof GraphQLValidationError, String(node));
  assert.deepEqual(node.locations, [{ line: 2, column: 8 }]);
  assert.equal(built.sent.length, 0);
});

Deno.test("errors: classes a caller catches come through request()", async () => {
  const { client } = setup([
    json({
      errors: [{
        message: "Budget",
        extensions: {
          code: "COMPLEXITY_BUDGET_EXHAUSTED",
          retry_in_seconds: 1,
        },
      }],
    }),
  ], { retry: false });
  const error = await client.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof ComplexityBudgetError);
  assert.equal(error.retryAfterMs, 1000);
  const rate = setup([
    json({ errors: [{ message: "Rate Limit Exceeded" }] }, 429),
  ], { retry: false });
  assert.ok(
    (await rate.client.request("{ me { id } }").catch((e) => e)) instanceof
      RateLimitError,
  );
});
