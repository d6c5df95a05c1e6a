// MondayClient against the emulator: typed requests, each error class from
// the emulator's current and legacy shapes (and injected faults for shapes
// it cannot produce), each retry rule proven by the emulator's counters, the
// idempotent mutation retry, and proactive throttling.
import assert from "node:assert/strict";
import { staticToken } from "../../auth/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import {
  AuthenticationError,
  ComplexityBudgetError,
  ConcurrencyLimitError,
  ConflictError,
  CursorExpiredError,
  DailyLimitError,
  DataValidationError,
  FieldLimitError,
  GraphQLValidationError,
  InvalidVersionError,
  IpRateLimitError,
  type MondayApiError,
  MondayClient,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  type TypedDocumentNode,
} from "../../graphql/mod.ts";
import { clientFor } from "./_emulator_clock.ts";
import { timedTest } from "../_time_limit.ts";

async function firstBoard(client: MondayClient): Promise<string> {
  const { boards } = await client.request<{ boards: { id: string }[] }>(
    "query { boards(limit: 1) { id } }",
  );
  return boards[0]!.id;
}

const CREATE = (boardId: string, name: string) =>
  `mutation { create_item(board_id: ${boardId}, item_name: ${
    JSON.stringify(name)
  }) { id name } }`;

timedTest("emulator: typed requests and the raw response", async () => {
  await using emulator = await startEmulator({ items: 5 });
  const { client } = clientFor(emulator);
  const { parse } = await import("graphql");
  const MeDoc = parse(
    "query Me { me { id name } }",
  ) as unknown as TypedDocumentNode<
    { me: { id: string; name: string } },
    Record<string, never>
  >;
  const { me } = await client.request(MeDoc);
  assert.equal(me.id, emulator.credentials.apiTokens[0]!.userId);
  const raw = await client.rawRequest<{ boards: { id: string }[] }>(
    "query ($limit: Int) { boards(limit: $limit) { id } complexity { before after query } }",
    { limit: 2 },
  );
  assert.equal(raw.status, 200);
  assert.equal(raw.data?.boards.length, 2);
  assert.ok(raw.requestId);
  assert.equal(raw.headers.get("api-version"), "2026-10");
  assert.ok(raw.rateLimit.policy.some((p) => p.name === "minuteRate"));
  assert.ok(raw.complexity?.query !== undefined);

  // A credential provider from auth/ plugs in as is.
  const viaProvider = new MondayClient({
    credentials: staticToken(emulator.credentials.apiToken),
    apiUrl: emulator.apiUrl,
  });
  const again = await viaProvider.request<{ me: { id: string } }>(
    "{ me { id } }",
  );
  assert.equal(again.me.id, me.id);
});

timedTest(
  "emulator: authentication, permission, validation, version and not-found errors",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const wrong =
      clientFor(emulator, { token: "not-a-real-token-123456" }).client;
    const auth = await wrong.request("{ me { id } }").catch((e) => e);
    assert.ok(auth instanceof AuthenticationError, String(auth));
    assert.equal(auth.retryable, false);
    assert.ok(
      !Deno.inspect(auth, { depth: 10 }).includes("not-a-real-token-123456"),
    );

    const member = emulator.credentials.apiTokens.find((t) =>
      t.token !== emulator.credentials.apiToken
    )!;
    const memberClient = clientFor(emulator, { token: member.token }).client;
    const denied = await memberClient
      .request("{ audit_logs(limit: 1) { logs { event } } }")
      .catch((e) => e);
    assert.ok(
      denied instanceof AuthenticationError ||
        denied instanceof PermissionError,
      String(denied),
    );

    const { client } = clientFor(emulator);
    const invalid = await client.request("query {\n  me { id nope }\n}").catch((
      e,
    ) => e);
    assert.ok(invalid instanceof GraphQLValidationError, String(invalid));
    assert.equal(invalid.code, "undefinedField");
    assert.deepEqual(invalid.locations, [{ line: 2, column: 11 }]);
    const parse = await client.request("query { me { id ").catch((e) => e);
    assert.ok(parse instanceof GraphQLValidationError, String(parse));
    assert.ok(parse.locations?.length);

    // The client itself refuses a malformed version before sending (one rule
    // with the connection string); the header is rewritten on the wire to
    // show how the server's InvalidVersionException reaches the caller.
    const rewriting = clientFor(emulator, {
      fetch: (input, init) => {
        const request = new Request(input, init);
        request.headers.set("api-version", "2026-13");
        return fetch(request);
      },
    }).client;
    const version = await rewriting.request("{ me { id } }").catch((e) => e);
    assert.ok(version instanceof InvalidVersionError, String(version));

    const missing = await client.request(CREATE("999999999", "x")).catch((e) =>
      e
    );
    assert.ok(missing instanceof NotFoundError, String(missing));
    assert.equal(emulator.stats().executed.mutations, 0);
  },
);

timedTest(
  "emulator: limit errors in the current and the legacy (2024-10) shapes",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const { client } = clientFor(emulator, { retry: false });
    for (const apiVersion of ["2026-10", "2024-10"]) {
      emulator.setLimits({ complexityPerMinute: 10 });
      const budget = await client.request(
        "{ boards(limit: 5) { id items_page(limit: 100) { items { id } } } }",
        undefined,
        { apiVersion },
      ).catch((e) => e);
      assert.ok(
        budget instanceof ComplexityBudgetError,
        `${apiVersion}: ${budget}`,
      );
      assert.equal(budget.retryable, true);
      assert.ok((budget.retryAfterMs ?? 0) > 0, `${apiVersion}: a wait`);
      emulator.advance(61_000);

      emulator.setLimits({
        complexityPerMinute: 10_000_000,
        complexityPerQuery: 5,
      });
      const tooBig = await client.request(
        "{ boards(limit: 5) { id items_page(limit: 100) { items { id } } } }",
        undefined,
        { apiVersion },
      ).catch((e) => e);
      assert.ok(
        tooBig instanceof ComplexityBudgetError,
        `${apiVersion}: ${tooBig}`,
      );
      assert.equal(tooBig.retryable, false);
      emulator.setLimits({ complexityPerQuery: 5_000_000 });

      emulator.advance(61_000);
      emulator.setLimits({ requestsPerMinute: 1 });
      await client.request("{ me { id } }", undefined, { apiVersion });
      // A second client, which has not seen the spent budget, is refused.
      const other = clientFor(emulator, { retry: false }).client;
      const rate = await other.request("{ me { id } }", undefined, {
        apiVersion,
      }).catch((e) => e);
      assert.equal(rate.constructor, RateLimitError, `${apiVersion}: ${rate}`);
      assert.ok((rate.retryAfterMs ?? 0) > 0);
      emulator.advance(61_000);
      emulator.setLimits({ requestsPerMinute: 5000 });
    }
    emulator.setLimits({ dailyCalls: 1 });
    const daily = await client.request("{ me { id } }").catch((e) => e);
    assert.ok(daily instanceof DailyLimitError, String(daily));
    assert.equal(daily.retryable, false);
  },
);

timedTest("emulator: field limits and concurrency limits", async () => {
  await using emulator = await startEmulator({ items: 5 });
  const { client } = clientFor(emulator, { retry: false });
  emulator.setLimits({ fieldCallsPerMinute: 1 });
  const create =
    'mutation { create_board(board_name: "B", board_kind: public) { id } }';
  await client.request(create);
  const field = await client.request(create).catch((e) => e);
  assert.ok(field instanceof FieldLimitError, String(field));
  assert.ok((field.retryAfterMs ?? 0) > 0);

  emulator.setLimits({ concurrentRequests: 1 });
  // The first request is held in flight by the emulator; the second is
  // sent once the emulator has received the first.
  const received = emulator.stats().requests.graphql;
  emulator.inject("graphql", { delayMs: 1_000 });
  const slow = client.request("{ me { id } }");
  while (emulator.stats().requests.graphql === received) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const busy = await client.request("{ me { id } }").catch((e) => e);
  await slow;
  assert.ok(busy instanceof ConcurrencyLimitError, String(busy));
});

timedTest(
  "emulator: shapes the emulator does not produce, injected as faults",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const { client } = clientFor(emulator, { retry: false });
    const cases: [number, unknown, new (...a: never[]) => MondayApiError][] = [
      [429, {
        errors: [{
          message: "IP limit",
          extensions: { code: "IP_RATE_LIMIT_EXCEEDED" },
        }],
      }, IpRateLimitError],
      [409, {
        errors: [{
          message: "Busy",
          extensions: { code: "IDEMPOTENCY_CONFLICT" },
        }],
      }, ConflictError],
      [200, {
        errors: [{
          message: "Invalid",
          extensions: {
            code: "DATA_VALIDATIONS_ERROR",
            error_data: [{ itemId: 1, columnIds: ["status"], message: "Bad" }],
          },
        }],
      }, DataValidationError],
      [403, {
        errors: [{
          message: "Denied",
          extensions: { code: "USER_ACCESS_DENIED" },
        }],
      }, PermissionError],
      [200, {
        error_code: "UserUnauthorizedException",
        error_message: "Unauthorized",
        status_code: 403,
      }, AuthenticationError],
      [500, "Internal Server Error", ServerError],
    ];
    for (const [status, body, cls] of cases) {
      emulator.inject("graphql", {
        status,
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const error = await client.request("{ me { id } }").catch((e) => e);
      assert.equal(error.constructor, cls, `${status}: ${error}`);
      assert.equal(error.status, status);
    }
  },
);

timedTest(
  "emulator: a response slower than timeoutMs is a RequestTimeoutError; a stale cursor a CursorExpiredError",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const { client } = clientFor(emulator, { retry: false, timeoutMs: 100 });
    emulator.inject("graphql", { delayMs: 400 });
    const slow = await client.request("{ me { id } }").catch((e) => e);
    assert.ok(slow instanceof RequestTimeoutError, String(slow));
    assert.doesNotMatch(
      Deno.inspect(slow) + JSON.stringify(slow),
      new RegExp(emulator.credentials.apiToken),
    );
    // Let the delayed handler finish before the emulator closes.
    await new Promise((resolve) => setTimeout(resolve, 400));

    // A cursor outliving its 60 minutes, as the emulator reports it.
    const board = await firstBoard(client);
    const { boards } = await client.request<
      { boards: { items_page: { cursor: string | null } }[] }
    >(`query { boards(ids: ${board}) { items_page(limit: 2) { cursor } } }`);
    const cursor = boards[0]!.items_page.cursor;
    assert.ok(cursor, "a cursor for the next page");
    emulator.advance(61 * 60_000);
    const stale = await client.request(
      "query ($c: String!) { next_items_page(cursor: $c) { cursor items { id } } }",
      { c: cursor },
    ).catch((e) => e);
    assert.ok(stale instanceof CursorExpiredError, String(stale));
  },
);

timedTest(
  "retry: a query retries 5xx, resets, truncated and malformed bodies; the counters show each attempt",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const { client, clock } = clientFor(emulator);
    emulator.inject("graphql", { status: 503, body: "unavailable", count: 2 });
    assert.ok(
      (await client.request<{ me: { id: string } }>("{ me { id } }")).me.id,
    );
    assert.equal(emulator.stats().requests.graphql, 3);
    assert.equal(clock.sleeps.length, 2);

    for (
      const fault of [{ reset: "before" as const }, { truncate: true }, {
        malformedJson: true,
      }]
    ) {
      emulator.resetStats();
      emulator.inject("graphql", fault);
      assert.ok(
        (await client.request<{ me: { id: string } }>("{ me { id } }")).me.id,
      );
      assert.equal(emulator.stats().requests.graphql, 2, JSON.stringify(fault));
    }
  },
);

timedTest(
  "retry: the 429 family waits what the server says; the daily limit is not retried",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const { client, clock } = clientFor(emulator);
    emulator.inject("graphql", {
      status: 429,
      body: JSON.stringify({
        errors: [{
          message: "Rate Limit Exceeded",
          extensions: { code: "RATE_LIMIT_EXCEEDED" },
        }],
      }),
      headers: { "retry-after": "12" },
    });
    await client.request("{ me { id } }");
    assert.equal(emulator.stats().requests.graphql, 2);
    assert.equal(clock.sleeps.reduce((a, b) => a + b, 0), 12_000);

    emulator.resetStats();
    emulator.setLimits({ complexityPerMinute: 200 });
    const query =
      "{ boards(limit: 1) { items_page(limit: 10) { items { id } } } }";
    // Spend the budget, then ask again: the client waits for the reset.
    for (let spent = 0; spent < 30; spent++) {
      const raw = await client.rawRequest(query);
      const left = raw.rateLimit.remaining.find((r) =>
        r.name === "complexityMinute"
      );
      if (left && left.remaining < 20) break;
    }
    const before = emulator.now();
    await client.request(query);
    await client.request(query);
    assert.ok(emulator.now() > before, "the client waited for the budget");
    emulator.setLimits({ complexityPerMinute: 10_000_000 });

    emulator.resetStats();
    emulator.setLimits({ dailyCalls: 1 });
    await assert.rejects(
      () => client.request("{ me { id } }"),
      DailyLimitError,
    );
    assert.equal(emulator.stats().requests.graphql, 1);
  },
);

timedTest(
  "idempotency: a mutation whose response was lost runs exactly once",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    // No pooled connections, so the runtime cannot resend by itself: the
    // second attempt is the client's own retry.
    using http = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    const attempts: number[] = [];
    const keys: (string | undefined)[] = [];
    const { client } = clientFor(emulator, {
      fetch: (input, init) => fetch(input, { ...init, client: http }),
      onRequest: (info) => {
        attempts.push(info.attempt);
        keys.push(info.idempotencyKey);
      },
    });
    const boardId = await firstBoard(client);
    emulator.resetStats();
    attempts.length = 0;
    keys.length = 0;
    emulator.inject("graphql", { reset: "after" });
    const raw = await client.rawRequest<
      { create_item: { id: string; name: string } }
    >(CREATE(boardId, "Exactly once"));
    assert.equal(raw.data?.create_item.name, "Exactly once");
    assert.equal(raw.replayed, true);
    assert.deepEqual(attempts, [1, 2]);
    assert.ok(keys[0] && keys[0] === keys[1]);
    const stats = emulator.stats();
    assert.equal(stats.requests.graphql, 2);
    assert.equal(stats.executed.mutations, 1);
    assert.equal(stats.executed.byField.create_item, 1);
    const { items_page } = (await client.request<
      { boards: { items_page: { items: { name: string }[] } }[] }
    >(
      `query { boards(ids: [${boardId}]) { items_page(limit: 100, query_params: { rules: [{ column_id: "name", compare_value: ["Exactly once"], operator: contains_text }] }) { items { name } } } }`,
    )).boards[0]!;
    assert.equal(items_page.items.length, 1);
  },
);

timedTest(
  "idempotency: with retry: false the client sends once; the key still guards runtime resends",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const attempts: number[] = [];
    const { client } = clientFor(emulator, {
      onRequest: (info) => attempts.push(info.attempt),
    });
    const boardId = await firstBoard(client);
    emulator.resetStats();
    attempts.length = 0;
    emulator.inject("graphql", { reset: "after" });
    // Deno's fetch may itself resend a request whose reused keep-alive
    // connection was reset; the Idempotency-Key makes that resend a replay.
    const outcome = await client.request(CREATE(boardId, "once"), undefined, {
      retry: false,
    }).catch((e) => e);
    assert.deepEqual(attempts, [1]);
    if (outcome instanceof Error) {
      assert.ok(outcome instanceof NetworkError, String(outcome));
    }
    assert.equal(emulator.stats().executed.mutations, 1);
  },
);

timedTest(
  "idempotency: a mutation refused before executing is retried and runs once",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const { client } = clientFor(emulator);
    const boardId = await firstBoard(client);
    emulator.resetStats();
    emulator.inject("graphql", { status: 502, body: "Bad gateway" });
    emulator.inject("graphql", { reset: "before" });
    await client.request(CREATE(boardId, "after faults"));
    assert.equal(emulator.stats().requests.graphql, 3);
    assert.equal(emulator.stats().executed.mutations, 1);
  },
);

timedTest(
  "throttling: a spent minute budget makes the client wait instead of hitting 429",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const { client, clock } = clientFor(emulator);
    emulator.setLimits({ requestsPerMinute: 3 });
    for (let i = 0; i < 7; i++) await client.request("{ me { id } }");
    const stats = emulator.stats();
    assert.equal(stats.rateLimited, 0, "no request was refused");
    assert.equal(stats.requests.graphql, 7);
    assert.equal(clock.sleeps.length, 2, "two proactive waits");
  },
);

timedTest(
  "concurrency: maxConcurrency keeps the emulator under its concurrent limit",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    emulator.setLimits({ concurrentRequests: 2 });
    const { client } = clientFor(emulator, { maxConcurrency: 2, retry: false });
    emulator.inject("graphql", { delayMs: 20, count: 6 });
    await Promise.all(
      Array.from({ length: 6 }, () => client.request("{ me { id } }")),
    );
    assert.equal(emulator.stats().rateLimited, 0);
    assert.equal(emulator.stats().requests.graphql, 6);
  },
);
