// monday as it really is, where public sources say less than the emulator
// used to assume (the issue "Hardening", points 11-15): a keyed 409 whose
// code is unknown, uploads that no Idempotency-Key is known to protect,
// expired cursors with a code never seen, a field's own limit, and the
// legacy body that tells one error twice.
import assert from "node:assert/strict";
import net from "node:net";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import {
  ConflictError,
  FieldLimitError,
  MondayApiError,
  MondayClient,
  NetworkError,
  NotFoundError,
  RequestTimeoutError,
  ServerError,
} from "../../graphql/mod.ts";
import { clientFor } from "./_emulator_clock.ts";

async function firstItem(
  client: MondayClient,
): Promise<{ boardId: string; itemId: string }> {
  const { boards } = await client.request<
    { boards: { id: string; items_page: { items: { id: string }[] } }[] }
  >("query { boards(limit: 1) { id items_page(limit: 1) { items { id } } } }");
  return {
    boardId: boards[0]!.id,
    itemId: boards[0]!.items_page.items[0]!.id,
  };
}

const CREATE = (boardId: string, name: string) =>
  `mutation { create_item(board_id: ${boardId}, item_name: ${
    JSON.stringify(name)
  }) { id name } }`;

// 11. A 409 with Retry-After on a keyed mutation ---------------------------

Deno.test("409: a keyed mutation answered 409 with Retry-After is retried as a conflict, whatever its code", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const { client, clock } = clientFor(emulator);
  const { boardId } = await firstItem(client);
  emulator.resetStats();
  // A code string no public source confirms, and the client has never seen.
  emulator.inject("graphql", { conflict: "DUPLICATE_REQUEST_IN_FLIGHT" });
  const { create_item } = await client.request<
    { create_item: { name: string } }
  >(CREATE(boardId, "after a conflict"));
  assert.equal(create_item.name, "after a conflict");
  assert.equal(emulator.stats().requests.graphql, 2);
  assert.equal(emulator.stats().executed.mutations, 1);
  assert.deepEqual(clock.sleeps, [1000], "waited the Retry-After");
});

Deno.test("409: without Retry-After, or on a request without a key, an unknown 409 is a final ConflictError", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const { client } = clientFor(emulator);
  const { boardId } = await firstItem(client);
  emulator.resetStats();
  const body = JSON.stringify({
    errors: [{
      message: "Conflict",
      extensions: { code: "SOMETHING_NEW", status_code: 409 },
    }],
  });
  emulator.inject("graphql", { status: 409, body });
  const keyedNoWait = await client.request(CREATE(boardId, "x")).catch((e) =>
    e
  );
  assert.ok(keyedNoWait instanceof ConflictError, String(keyedNoWait));
  assert.equal(keyedNoWait.retryable, false);
  emulator.inject("graphql", {
    status: 409,
    body,
    headers: { "retry-after": "1" },
  });
  const query = await client.request("{ me { id } }").catch((e) => e);
  assert.ok(query instanceof ConflictError, String(query));
  assert.equal(query.retryable, false);
  assert.equal(emulator.stats().requests.graphql, 2, "neither was retried");
});

// 12. File uploads ----------------------------------------------------------

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function filesOf(client: MondayClient, itemId: string) {
  const { items } = await client.request<
    { items: { column_values: { value: string | null }[] }[] }
  >(
    `query { items(ids: [${itemId}]) { column_values(ids: ["files"]) { value } } }`,
  );
  const value = items[0]!.column_values[0]!.value;
  return value
    ? (JSON.parse(value) as { files: { name: string }[] }).files.map((f) =>
      f.name
    )
    : [];
}

Deno.test("uploads: retried after a connection refused before sending, a 429 and a 409", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const port = await closedPort();
  let refused = 0;
  const attempts: number[] = [];
  const { client } = clientFor(emulator, {
    onRequest: (info) => {
      if (info.operation === "upload") attempts.push(info.attempt);
    },
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith("/v2/file") && refused++ === 0) {
        // A real refusal: nothing listens there.
        return fetch(`http://127.0.0.1:${port}/v2/file`, init);
      }
      return fetch(input, init);
    },
  });
  const { itemId } = await firstItem(client);
  emulator.resetStats();
  emulator.inject("file", { status: 429, headers: { "retry-after": "1" } });
  emulator.inject("file", { conflict: "SOME_CONFLICT" });
  const asset = await client.uploadFile({
    itemId,
    columnId: "files",
    file: new File(["hi"], "retried.txt"),
  });
  assert.equal(asset.name, "retried.txt");
  assert.deepEqual(attempts, [1, 2, 3, 4]);
  assert.equal(emulator.stats().requests.file, 3, "the refused one never came");
  assert.equal(emulator.stats().executed.byField.add_file_to_column, 1);
  assert.deepEqual(await filesOf(client, itemId), ["retried.txt"]);
});

Deno.test("uploads: never retried after a timeout, a 5xx or an unreadable answer, where the file may have arrived", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const { client } = clientFor(emulator, { timeoutMs: 100 });
  const { itemId } = await firstItem(client);
  const upload = (name: string) =>
    client.uploadFile({
      itemId,
      columnId: "files",
      file: new File(["x"], name),
    });

  emulator.resetStats();
  emulator.inject("file", { status: 500, body: "Internal Server Error" });
  await assert.rejects(() => upload("a.txt"), ServerError);
  assert.equal(emulator.stats().requests.file, 1);

  emulator.resetStats();
  emulator.inject("file", { malformedJson: true });
  await assert.rejects(() => upload("b.txt"), ServerError);
  assert.equal(emulator.stats().requests.file, 1);

  emulator.resetStats();
  emulator.inject("file", { delayMs: 400 });
  await assert.rejects(() => upload("c.txt"), RequestTimeoutError);
  assert.equal(emulator.stats().requests.file, 1);
  // The held request runs once the delay is over: the file arrives although
  // the client saw a timeout, which is why a retry could attach it twice.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const names = await filesOf(client, itemId);
  assert.deepEqual(names.filter((n) => n === "c.txt"), ["c.txt"]);
  assert.deepEqual(names.filter((n) => n === "b.txt"), ["b.txt"]);
});

Deno.test("transport: a refused connection is a NetworkError sent before anything left; a reset is not", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const port = await closedPort();
  const refusedClient = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: `http://127.0.0.1:${port}/v2`,
    retry: false,
  });
  const refused = await refusedClient.request("{ me { id } }").catch((e) => e);
  assert.ok(refused instanceof NetworkError, String(refused));
  assert.equal(refused.beforeSend, true);

  using http = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  const { client } = clientFor(emulator, {
    retry: false,
    fetch: (input, init) => fetch(input, { ...init, client: http }),
  });
  emulator.inject("graphql", { reset: "before" });
  const reset = await client.request("{ me { id } }").catch((e) => e);
  assert.ok(reset instanceof NetworkError, String(reset));
  assert.equal(reset.beforeSend, false);
});

// 13. Expired cursors with an unknown code --------------------------------

const HOUR_AND_A_MINUTE = 61 * 60_000;

function unknownError(message: string): string {
  return JSON.stringify({
    data: null,
    errors: [{ message, extensions: { code: "NEVER_SEEN_BEFORE" } }],
  });
}

async function walkWithFault(
  emulator: Emulator,
  client: MondayClient,
  boardId: string,
  message: string,
  advanceMs: number,
): Promise<{ ids: string[]; requests: number; error?: unknown }> {
  const ids: string[] = [];
  emulator.resetStats();
  try {
    for await (const item of client.paginateItems(boardId, { pageSize: 10 })) {
      ids.push(item.id);
      if (ids.length === 10) {
        // The first page is read; its cursor now fails with a code the
        // client has never seen.
        emulator.advance(advanceMs);
        emulator.inject("graphql", {
          status: 200,
          body: unknownError(message),
        });
      }
    }
  } catch (error) {
    return { ids, requests: emulator.stats().requests.graphql, error };
  }
  return { ids, requests: emulator.stats().requests.graphql };
}

Deno.test("paginateItems: an unknown error past the cursor's lifetime restarts the walk; each item once", async () => {
  await using emulator = await startEmulator({ items: 25 });
  const { client } = clientFor(emulator);
  const { boardId } = await firstItem(client);
  const walk = await walkWithFault(
    emulator,
    client,
    boardId,
    "Something went wrong",
    HOUR_AND_A_MINUTE,
  );
  assert.equal(walk.error, undefined, String(walk.error));
  assert.equal(walk.ids.length, 25);
  assert.equal(new Set(walk.ids).size, 25);
  // items_page, the failed next_items_page, then a fresh walk of 3 pages.
  assert.equal(walk.requests, 5);
});

Deno.test("paginateItems: an unknown error whose message speaks of the cursor restarts the walk", async () => {
  await using emulator = await startEmulator({ items: 25 });
  const { client } = clientFor(emulator);
  const { boardId } = await firstItem(client);
  const walk = await walkWithFault(
    emulator,
    client,
    boardId,
    "The pagination cursor is no longer valid",
    0,
  );
  assert.equal(walk.error, undefined, String(walk.error));
  assert.equal(walk.ids.length, 25);
  assert.equal(new Set(walk.ids).size, 25);
});

Deno.test("paginateItems: an unknown error within the cursor's lifetime, not about the cursor, is thrown", async () => {
  await using emulator = await startEmulator({ items: 25 });
  const { client } = clientFor(emulator);
  const { boardId } = await firstItem(client);
  const walk = await walkWithFault(
    emulator,
    client,
    boardId,
    "Something went wrong",
    60_000,
  );
  assert.ok(walk.error instanceof MondayApiError, String(walk.error));
  assert.equal(walk.error.code, "NEVER_SEEN_BEFORE");
  assert.equal(walk.ids.length, 10);
});

// 15. A field's own limit; the legacy body ---------------------------------

Deno.test("FIELD_LIMIT_EXCEEDED pauses calls to that field only, not the whole client", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const { client, clock } = clientFor(emulator);
  emulator.setLimits({ fieldCallsPerMinute: 1 });
  const create =
    'mutation { create_board(board_name: "B", board_kind: public) { id } }';
  await client.request(create);
  const limited = await client.request(create, undefined, { retry: false })
    .catch((e) => e);
  assert.ok(limited instanceof FieldLimitError, String(limited));
  assert.equal(limited.status, 429);
  assert.equal(limited.field, "create_board");
  assert.equal(emulator.stats().rateLimited, 1);

  // Other fields go on at once.
  await client.request("{ me { id } }");
  assert.deepEqual(clock.sleeps, []);

  // The next create_board waits for the field's reset instead of being
  // refused again.
  await client.request(create);
  assert.equal(clock.sleeps.length, 1);
  assert.ok(clock.sleeps[0]! > 0);
  assert.equal(emulator.stats().rateLimited, 1, "no second 429");
});

Deno.test("legacy (2024-10): errors[] beside error_code is one error, not 'and 1 more'", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const { client } = clientFor(emulator, { apiVersion: "2024-10" });
  const error = await client.request(CREATE("999999999", "x")).catch((e) => e);
  assert.ok(error instanceof NotFoundError, String(error));
  assert.equal(error.code, "InvalidBoardIdException");
  assert.doesNotMatch(error.message, /more error/);
  assert.equal(error.errors.length, 1);
});
