import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import { firstBoardId, oauthTokens } from "./_helpers.ts";

function createItemRequest(
  emulator: Emulator,
  boardId: string,
  key?: string,
): Promise<Response> {
  return fetch(emulator.apiUrl, {
    method: "POST",
    headers: {
      Authorization: emulator.credentials.apiToken,
      "Content-Type": "application/json",
      ...(key ? { "Idempotency-Key": key } : {}),
    },
    body: JSON.stringify({
      query:
        'mutation ($b: ID!) { create_item(board_id: $b, item_name: "faulty") { id } }',
      variables: { b: boardId },
    }),
  });
}

async function setup(): Promise<{ emulator: Emulator; boardId: string }> {
  const emulator = await startEmulator({ items: 5 });
  const boardId = await firstBoardId(emulator);
  emulator.resetStats();
  return { emulator, boardId };
}

Deno.test("faults: status, body and headers are answered instead, nothing executes", async () => {
  const { emulator, boardId } = await setup();
  await using _ = emulator;
  emulator.inject("graphql", {
    status: 503,
    body: '{"error_message":"Service Unavailable"}',
    headers: { "Retry-After": "7" },
    count: 2,
  });
  for (let i = 0; i < 2; i++) {
    const response = await createItemRequest(emulator, boardId);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "7");
    assert.deepEqual(await response.json(), {
      error_message: "Service Unavailable",
    });
  }
  assert.equal(emulator.stats().executed.mutations, 0);
  const normal = await createItemRequest(emulator, boardId);
  assert.equal(normal.status, 200);
  await normal.body?.cancel();
  assert.equal(emulator.stats().executed.mutations, 1);
  assert.equal(emulator.stats().requests.graphql, 3);
});

Deno.test("faults: a 429 answered by a fault counts as rate limited", async () => {
  const { emulator, boardId } = await setup();
  await using _ = emulator;
  emulator.inject("graphql", { status: 429, headers: { "Retry-After": "1" } });
  const response = await createItemRequest(emulator, boardId);
  assert.equal(response.status, 429);
  await response.body?.cancel();
  assert.equal(emulator.stats().rateLimited, 1);
});

Deno.test("faults: delayMs holds the request in flight before it executes", async () => {
  const { emulator, boardId } = await setup();
  await using _ = emulator;
  emulator.inject("graphql", { delayMs: 1000 });
  const pending = createItemRequest(emulator, boardId);
  while (emulator.stats().requests.graphql < 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(emulator.stats().executed.mutations, 0);
  const response = await pending;
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(emulator.stats().executed.mutations, 1);
});

Deno.test("faults: reset before executing makes fetch reject and nothing runs", async () => {
  const { emulator, boardId } = await setup();
  await using _ = emulator;
  emulator.inject("graphql", { reset: "before" });
  await assert.rejects(createItemRequest(emulator, boardId), TypeError);
  assert.equal(emulator.stats().executed.mutations, 0);
  assert.equal(emulator.stats().requests.graphql, 1);
});

Deno.test("faults: reset after executing loses the response but the mutation ran; a retry with the same Idempotency-Key does not run it again", async () => {
  const { emulator, boardId } = await setup();
  await using _ = emulator;
  emulator.inject("graphql", { reset: "after" });
  await assert.rejects(createItemRequest(emulator, boardId, "k-1"), TypeError);
  assert.deepEqual(emulator.stats().executed, {
    mutations: 1,
    byField: { create_item: 1 },
  });
  const retry = await createItemRequest(emulator, boardId, "k-1");
  assert.equal(retry.status, 200);
  assert.equal(retry.headers.get("idempotency-replayed"), "true");
  const body = await retry.json();
  assert.match(body.data.create_item.id, /^\d+$/);
  assert.equal(emulator.stats().executed.mutations, 1);
  assert.equal(emulator.stats().requests.graphql, 2);
});

Deno.test("faults: truncate sends half the body and drops the connection after executing", async () => {
  const { emulator, boardId } = await setup();
  await using _ = emulator;
  emulator.inject("graphql", { truncate: true });
  const response = await createItemRequest(emulator, boardId);
  assert.equal(response.status, 200);
  await assert.rejects(response.text(), TypeError);
  assert.equal(emulator.stats().executed.mutations, 1);
});

Deno.test("faults: malformedJson sends a body that is not JSON after executing", async () => {
  const { emulator, boardId } = await setup();
  await using _ = emulator;
  emulator.inject("graphql", { malformedJson: true });
  const response = await createItemRequest(emulator, boardId);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type")!, /application\/json/);
  await assert.rejects(response.json(), SyntaxError);
  assert.equal(emulator.stats().executed.mutations, 1);
});

Deno.test("faults: faults apply per route, in order, to count requests", async () => {
  await using emulator = await startEmulator();
  emulator.inject("audit", { status: 500, body: "boom" });
  emulator.inject("audit", { status: 502, count: 2 });
  emulator.inject("schema", { truncate: true });
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const response = await fetch(`${emulator.auditUrl}?page=1&per_page=1`, {
      headers: { Authorization: `Bearer ${emulator.credentials.auditToken}` },
    });
    statuses.push(response.status);
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [500, 502, 502, 200]);
  const schema = await fetch(`${emulator.schemaUrl}?format=sdl`);
  await assert.rejects(schema.text(), TypeError);
  const again = await fetch(`${emulator.schemaUrl}?format=sdl`);
  assert.match(await again.text(), /type Query/);
  assert.equal(emulator.stats().requests.audit, 4);
  assert.equal(emulator.stats().requests.schema, 2);
});

Deno.test("faults: OAuth routes take faults too", async () => {
  await using emulator = await startEmulator();
  emulator.inject("token", { reset: "before" });
  await assert.rejects(
    fetch(`${emulator.authUrl}/oauth_ms/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token" }),
    }),
    TypeError,
  );
  assert.equal(emulator.stats().requests.token, 1);
});

Deno.test("faults: inject checks its arguments", async () => {
  await using emulator = await startEmulator();
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => emulator.inject("nope" as any, { status: 500 }),
    (error: Error) =>
      error instanceof TypeError && /'nope'/.test(error.message),
  );
  assert.throws(() => emulator.inject("graphql", { status: 42 }), RangeError);
  assert.throws(() => emulator.inject("graphql", { count: 0 }), RangeError);
  assert.throws(() => emulator.inject("graphql", { delayMs: -5 }), RangeError);
});

Deno.test("faults: close() while a delayed request waits ends cleanly", async () => {
  const emulator = await startEmulator();
  emulator.inject("graphql", { delayMs: 60_000 });
  const pending = fetch(emulator.apiUrl, {
    method: "POST",
    headers: { Authorization: emulator.credentials.apiToken },
    body: '{"query":"{ me { id } }"}',
  }).then(async (r) => {
    await r.body?.cancel();
    return r.status;
  }, (error) => error);
  while (emulator.stats().requests.graphql < 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await emulator.close();
  const outcome = await pending;
  assert.ok(outcome instanceof TypeError, String(outcome));
});

Deno.test("faults: a refresh whose response is lost still rotated; presenting the old refresh token again is refused as reuse", async () => {
  await using emulator = await startEmulator();
  const { clientId, clientSecret } = emulator.credentials.oauth;
  const token = (fields: Record<string, string>) =>
    fetch(`${emulator.authUrl}/oauth_ms/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: clientSecret,
        ...fields,
      }),
    });
  const first = await oauthTokens(emulator, "me:read", "2.1");

  emulator.inject("token", { reset: "after" });
  await assert.rejects(
    token({ grant_type: "refresh_token", refresh_token: first.refresh_token! }),
    TypeError,
  );
  assert.equal(emulator.stats().refreshes, 1, "the lost refresh ran");
  const retried = await token({
    grant_type: "refresh_token",
    refresh_token: first.refresh_token!,
  });
  assert.equal(retried.status, 400);
  assert.equal((await retried.json()).error, "invalid_grant");
  assert.equal(emulator.stats().requests.token, 3);
});

Deno.test("faults: the file route answers an injected status without storing the file", async () => {
  const { emulator } = await setup();
  await using _ = emulator;
  emulator.inject("file", { status: 502, body: "Bad Gateway" });
  const upload = () => {
    const form = new FormData();
    form.set(
      "query",
      'mutation ($file: File!) { add_file_to_column(item_id: 1000000001, column_id: "files", file: $file) { id } }',
    );
    form.set("variables[file]", new File(["hello"], "hello.txt"));
    return fetch(emulator.fileUrl, {
      method: "POST",
      headers: { Authorization: emulator.credentials.apiToken },
      body: form,
    });
  };
  const answer = await upload();
  assert.equal(answer.status, 502);
  assert.equal(await answer.text(), "Bad Gateway");
  assert.equal(emulator.stats().requests.file, 1);
  assert.equal(emulator.stats().executed.mutations, 0);
  // The same upload without a fault stores the file.
  const stored = await upload();
  assert.equal(stored.status, 200);
  assert.ok((await stored.json()).data.add_file_to_column.id);
  assert.deepEqual(emulator.stats().executed.byField, {
    add_file_to_column: 1,
  });
});

Deno.test("faults: conflict answers 409 with Retry-After and the given code, as monday answers a concurrent duplicate; nothing executes", async () => {
  const { emulator, boardId } = await setup();
  await using _ = emulator;
  assert.throws(
    () => emulator.inject("graphql", { conflict: "" }),
    /'conflict' must be a non-empty error code/,
  );
  emulator.inject("graphql", { conflict: "SOME_UNCONFIRMED_CODE" });
  const response = await createItemRequest(emulator, boardId, "key-1");
  assert.equal(response.status, 409);
  assert.equal(response.headers.get("retry-after"), "1");
  const body = await response.json();
  assert.equal(body.errors[0].extensions.code, "SOME_UNCONFIRMED_CODE");
  assert.equal(body.errors[0].extensions.status_code, 409);
  assert.equal(emulator.stats().executed.mutations, 0);
  const again = await createItemRequest(emulator, boardId, "key-1");
  assert.equal(again.status, 200);
  await again.body?.cancel();
  assert.equal(emulator.stats().executed.mutations, 1);
});
