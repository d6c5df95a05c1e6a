// Hardening of the GraphQL client's transport: redirects (13.1), bounded
// responses (13.5) and a RateLimit header that must not stall it (13.7).

import assert from "node:assert/strict";
import { FakeClock } from "../../_http/mod.ts";
import {
  MondayClient,
  type MondayClientOptions,
  RateLimitError,
  RedirectError,
  ResponseTooLargeError,
} from "../../graphql/mod.ts";
import { json, scriptedFetch } from "./_fake.ts";

const TOKEN = "hardening-token-0123456789WXYZ";
const DATA = { data: { me: { id: "1" } } };

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
}

/** A server on 127.0.0.1 that records every request and answers with `reply`. */
function serve(
  reply: (request: Request, url: URL) => Response | Promise<Response>,
) {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: url.pathname,
        authorization: request.headers.get("authorization"),
      });
      await request.body?.cancel();
      return await reply(request, url);
    },
  );
  return {
    seen,
    origin: `http://127.0.0.1:${server.addr.port}`,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

function client(origin: string, options: Partial<MondayClientOptions> = {}) {
  return new MondayClient({
    token: TOKEN,
    apiUrl: `${origin}/v2`,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    onWarning: () => {},
    ...options,
  });
}

Deno.test("redirects: a request, an upload and a schema fetch redirected to another origin fail; the other server receives nothing", async () => {
  await using other = serve(() => Response.json(DATA));
  for (const status of [301, 302, 303, 307, 308]) {
    await using api = serve(() =>
      new Response(null, {
        status,
        headers: { location: `${other.origin}/v2?token=${TOKEN}` },
      })
    );
    const monday = client(api.origin);
    const calls: [string, () => Promise<unknown>][] = [
      ["request", () => monday.request("{ me { id } }")],
      ["mutation", () => monday.request("mutation { create_board { id } }")],
      [
        "uploadFile",
        () =>
          monday.uploadFile({
            itemId: "1",
            columnId: "files",
            file: new File(["hello"], "hello.txt"),
          }),
      ],
      ["fetchSchema", () => monday.fetchSchema()],
    ];
    for (const [what, call] of calls) {
      const error = await call().catch((e) => e);
      assert.ok(error instanceof RedirectError, `${what} ${status}: ${error}`);
      assert.equal(error.status, status);
      assert.equal(error.retryable, false);
      assert.ok(error.location.startsWith(`${other.origin}/v2`));
      assert.match(error.message, new RegExp(`HTTP ${status}`));
      assert.ok(error.message.includes(other.origin), error.message);
      assert.ok(!error.message.includes(TOKEN), error.message);
      assert.ok(!Deno.inspect(error).includes(TOKEN));
    }
    // Not retried: one request per call reached the API.
    assert.equal(api.seen.length, calls.length);
  }
  assert.deepEqual(other.seen, []);
});

Deno.test("redirects: a same-origin redirect is followed with the credential; plain http off loopback is refused", async () => {
  await using api = serve((request, url) =>
    url.pathname === "/v2"
      ? new Response(null, { status: 308, headers: { location: "/v2/moved" } })
      : url.pathname === "/v2/moved" && request.method === "POST"
      ? Response.json(DATA)
      : new Response(null, {
        status: 302,
        headers: { location: "http://api.monday.example/v2" },
      })
  );
  const monday = client(api.origin);
  assert.deepEqual(await monday.request("{ me { id } }"), DATA.data);
  assert.deepEqual(api.seen.map((s) => [s.method, s.path, s.authorization]), [
    ["POST", "/v2", TOKEN],
    ["POST", "/v2/moved", TOKEN],
  ]);

  const error = await monday.fetchSchema().catch((e) => e);
  assert.ok(error instanceof RedirectError, String(error));
  assert.equal(error.location, "http://api.monday.example/v2");
  assert.match(error.message, /plain http off loopback/);
});

Deno.test("bounded responses: a body far over maxResponseBytes is a clean ResponseTooLargeError, not retried", async () => {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  await using api = serve(() => {
    let sent = 0;
    // 64 MiB of spaces, streamed: no Content-Length to refuse it up front.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    return new Response(body, {
      headers: { "content-type": "application/json" },
    });
  });
  const monday = client(api.origin, { maxResponseBytes: 1024 * 1024 });
  const error = await monday.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof ResponseTooLargeError, String(error));
  assert.equal(error.maxBytes, 1024 * 1024);
  assert.equal(error.status, 200);
  assert.equal(error.retryable, false);
  assert.match(error.message, /maxResponseBytes/);
  assert.equal(api.seen.length, 1);

  const schema = await monday.fetchSchema().catch((e) => e);
  assert.ok(schema instanceof ResponseTooLargeError, String(schema));
  assert.equal(api.seen.length, 2);

  assert.throws(
    () => client(api.origin, { maxResponseBytes: 0 }),
    (e) => e instanceof RangeError && /maxResponseBytes/.test(e.message),
  );
});

Deno.test("bounded responses: the default limit still reads an ordinary answer", async () => {
  await using api = serve(() => Response.json(DATA));
  assert.deepEqual(
    await client(api.origin).request("{ me { id } }"),
    DATA.data,
  );
});

function stalled(
  ratelimit: string,
  options: Partial<MondayClientOptions> = {},
) {
  const clock = new FakeClock({ start: Date.UTC(2026, 10, 1) });
  const scripted = scriptedFetch(
    [json(DATA, 200, { ratelimit }), json(DATA)],
    () => clock.now(),
  );
  const monday = new MondayClient({
    token: TOKEN,
    fetch: scripted.fetch,
    clock,
    onWarning: () => {},
    ...options,
  });
  return { monday, clock, sent: scripted.sent };
}

Deno.test("throttling: a budget that resets a day away fails the next call at once with RateLimitError, not a day-long wait", async () => {
  const { monday, clock, sent } = stalled('"complexityMinute";r=0;t=86400');
  await monday.request("{ me { id } }");
  const before = clock.now();
  const error = await monday.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.retryAfterMs, 86_400_000);
  assert.equal(clock.now(), before, "no time was waited");
  assert.equal(sent.length, 1, "nothing more was sent");
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("throttling: the bound is the retry policy's maxRetryAfterMs; under it the wait happens", async () => {
  const { monday, clock, sent } = stalled('"complexityMinute";r=0;t=90', {
    retry: { maxRetryAfterMs: 100_000 },
  });
  await monday.request("{ me { id } }");
  await monday.request("{ me { id } }");
  assert.equal(sent.length, 2);
  assert.equal(sent[1]!.at - sent[0]!.at, 90_000);
  assert.deepEqual(clock.sleeps, [90_000]);

  const strict = stalled('"complexityMinute";r=0;t=90', {
    retry: { maxRetryAfterMs: 60_000 },
  });
  await strict.monday.request("{ me { id } }");
  const error = await strict.monday.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.retryAfterMs, 90_000);
  assert.equal(strict.sent.length, 1);
});

Deno.test("throttling: a wait that would pass the deadline fails at once; the caller's signal cancels a wait", async () => {
  const { monday, sent, clock } = stalled('"complexityMinute";r=0;t=60', {
    deadlineMs: 30_000,
  });
  await monday.request("{ me { id } }");
  const error = await monday.request("{ me { id } }").catch((e) => e);
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.retryAfterMs, 60_000);
  assert.match(error.message, /deadline/);
  assert.equal(sent.length, 1);
  assert.deepEqual(clock.sleeps, []);

  const manual = new FakeClock({ start: 0, autoAdvance: false });
  const scripted = scriptedFetch([
    json(DATA, 200, { ratelimit: '"complexityMinute";r=0;t=60' }),
    json(DATA),
  ], () => manual.now());
  const waiting = new MondayClient({
    token: TOKEN,
    fetch: scripted.fetch,
    clock: manual,
    onWarning: () => {},
  });
  await waiting.request("{ me { id } }");
  const controller = new AbortController();
  const slept = manual.nextSleep();
  const pending = waiting.request("{ me { id } }", undefined, {
    signal: controller.signal,
  });
  assert.equal(await slept, 60_000);
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(pending, (e) => e === reason);
  assert.equal(scripted.sent.length, 1);
});
