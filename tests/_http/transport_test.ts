import assert from "node:assert/strict";
import {
  defaultRetryAfterMs,
  FakeClock,
  type HttpEvent,
  HttpStatusError,
  HttpTransport,
  NetworkError,
  RedirectError,
  RequestTimeoutError,
  type TransportOptions,
  USER_AGENT,
} from "../../_http/mod.ts";

const URL_ = "https://api.monday.com/v2";

/** An error an interpret callback throws for a status. */
function statusInterpret(
  clock: { now(): number },
): (response: Response) => Promise<string> {
  return async (response) => {
    if (!response.ok) {
      const retryAfterMs = defaultRetryAfterMs(response, clock.now());
      throw new HttpStatusError(
        `Unexpected HTTP status: ${response.status}`,
        response.status,
        retryAfterMs === undefined ? {} : { retryAfterMs },
      );
    }
    return await response.text();
  };
}

/** A fake fetch answering from a list of responses or errors, recording requests. */
function scripted(
  steps: (Response | Error | (() => Response | Promise<Response>))[],
) {
  const requests: Request[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const step = steps[Math.min(requests.length - 1, steps.length - 1)];
    if (step instanceof Error) return Promise.reject(step);
    if (typeof step === "function") return Promise.resolve(step());
    return Promise.resolve(step!.clone());
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** A fetch that never answers until its signal aborts. */
function hangingFetch(): { fetch: typeof globalThis.fetch; calls: number } {
  const state = { calls: 0, fetch: undefined as unknown as typeof fetch };
  state.fetch = ((_input: RequestInfo | URL, init?: RequestInit) => {
    state.calls++;
    return new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal;
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener("abort", () => reject(signal.reason), {
        once: true,
      });
    });
  }) as typeof fetch;
  return state;
}

function transport(options: TransportOptions): HttpTransport {
  return new HttpTransport({ random: () => 0.5, ...options });
}

Deno.test("send returns the interpreted result and sets the User-Agent", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([new Response("ok")]);
  const events: HttpEvent[] = [];
  const t = transport({ fetch, clock, onEvent: (e) => events.push(e) });
  const result = await t.send(
    () => new Request(URL_, { method: "POST", body: "{}" }),
    statusInterpret(clock),
  );
  assert.equal(result, "ok");
  assert.equal(requests.length, 1);
  assert.equal(requests[0]!.headers.get("user-agent"), USER_AGENT);
  assert.deepEqual(events, [
    { type: "request", method: "POST", url: URL_, attempt: 1 },
    { type: "response", method: "POST", url: URL_, status: 200, attempt: 1 },
  ]);
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("send keeps a caller's User-Agent", async () => {
  const { fetch, requests } = scripted([new Response("ok")]);
  await transport({ fetch }).send(
    () => new Request(URL_, { headers: { "User-Agent": "mine/1" } }),
    (r) => r.text(),
  );
  assert.equal(requests[0]!.headers.get("user-agent"), "mine/1");
});

Deno.test("5xx retries with full-jitter exponential backoff and a fresh request per attempt", async () => {
  const clock = new FakeClock();
  const { fetch } = scripted([
    new Response("busy", { status: 503 }),
    new Response("busy", { status: 502 }),
    new Response("fine"),
  ]);
  const attempts: number[] = [];
  const result = await transport({ fetch, clock }).send(
    (attempt) => {
      attempts.push(attempt);
      return new Request(URL_);
    },
    statusInterpret(clock),
  );
  assert.equal(result, "fine");
  assert.deepEqual(attempts, [1, 2, 3]);
  // random 0.5 × min(30000, 500 × 2^(n-1))
  assert.deepEqual(clock.sleeps, [250, 500]);
});

Deno.test("backoff base and cap are configurable", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([new Response("", { status: 500 })]);
  await assert.rejects(
    transport({
      fetch,
      clock,
      random: () => 0.999,
      retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 },
    }).send(() => new Request(URL_), statusInterpret(clock)),
    HttpStatusError,
  );
  assert.equal(requests.length, 5);
  assert.deepEqual(clock.sleeps, [99, 199, 299, 299]);
});

Deno.test("gives up after maxAttempts and rethrows the last error", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([
    new Response("", { status: 500 }),
    new Response("", { status: 504 }),
  ]);
  const error = await transport({ fetch, clock, retry: { maxAttempts: 3 } })
    .send(() => new Request(URL_), statusInterpret(clock))
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof HttpStatusError);
  assert.equal(error.status, 504);
  assert.equal(requests.length, 3);
  assert.equal(clock.sleeps.length, 2);
});

Deno.test("network errors retry and end as a NetworkError", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([
    new TypeError("error sending request: connection refused"),
  ]);
  const error = await transport({ fetch, clock })
    .send(() => new Request(URL_), statusInterpret(clock))
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof NetworkError);
  assert.equal(error.retryable, true);
  assert.match(error.message, /connection refused/);
  assert.match(error.message, /GET https:\/\/api\.monday\.com\/v2/);
  assert.equal(requests.length, 5);
  assert.deepEqual(clock.sleeps, [250, 500, 1000, 2000]);
});

Deno.test("a network error then success returns the result", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([
    new TypeError("connection reset"),
    new Response("second"),
  ]);
  const result = await transport({ fetch, clock }).send(
    () => new Request(URL_),
    statusInterpret(clock),
  );
  assert.equal(result, "second");
  assert.equal(requests.length, 2);
});

const START = Date.UTC(2026, 10, 1, 12, 0, 0);

/** A first answer that names the server's wait, and the wait it means. */
const SERVER_WAITS: { name: string; first: Response; waitMs: number }[] = [
  {
    name: "429 waits the server's Retry-After seconds instead of backoff",
    first: new Response("", { status: 429, headers: { "Retry-After": "7" } }),
    waitMs: 7000,
  },
  {
    name:
      "Retry-After as an HTTP date waits until that date on the injected clock",
    first: new Response("", {
      status: 503,
      headers: { "Retry-After": new Date(START + 12_000).toUTCString() },
    }),
    waitMs: 12_000,
  },
  {
    name: "an exhausted RateLimit quota waits its t",
    first: new Response("", {
      status: 429,
      headers: {
        RateLimit: '"minuteRate";r=4000, "complexityMinute";r=0;t=45',
      },
    }),
    waitMs: 45_000,
  },
];

for (const { name, first, waitMs } of SERVER_WAITS) {
  Deno.test(name, async () => {
    const clock = new FakeClock({ start: START });
    const { fetch, requests } = scripted([first, new Response("done")]);
    const result = await transport({ fetch, clock }).send(
      () => new Request(URL_),
      statusInterpret(clock),
    );
    assert.equal(result, "done");
    assert.equal(requests.length, 2);
    assert.deepEqual(clock.sleeps, [waitMs]);
  });
}

Deno.test("an error's retryAfterMs (e.g. retry_in_seconds) sets the wait", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const result = await transport({
    fetch: () => Promise.resolve(new Response(String(++calls))),
    clock,
  }).send(() => new Request(URL_), async (response) => {
    const text = await response.text();
    if (text === "1") {
      throw Object.assign(new Error("Complexity budget exhausted"), {
        retryable: true,
        retryAfterMs: 16_000,
      });
    }
    return text;
  });
  assert.equal(result, "2");
  assert.deepEqual(clock.sleeps, [16_000]);
});

Deno.test("a server wait longer than maxRetryAfterMs is not waited for", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([
    new Response("", { status: 429, headers: { "Retry-After": "3600" } }),
  ]);
  const error = await transport({ fetch, clock })
    .send(() => new Request(URL_), statusInterpret(clock))
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof HttpStatusError);
  assert.equal(error.retryAfterMs, 3_600_000);
  assert.equal(requests.length, 1);
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("non-retryable errors are thrown at once", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([new Response("", { status: 400 })]);
  await assert.rejects(
    transport({ fetch, clock }).send(
      () => new Request(URL_),
      statusInterpret(clock),
    ),
    (e: unknown) => e instanceof HttpStatusError && e.status === 400,
  );
  assert.equal(requests.length, 1);
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("retry: false on the call makes exactly one attempt", async () => {
  const clock = new FakeClock();
  for (
    const step of [
      new Response("", { status: 503 }),
      new TypeError("connection reset"),
    ]
  ) {
    const { fetch, requests } = scripted([step]);
    await assert.rejects(
      transport({ fetch, clock }).send(
        () => new Request(URL_, { method: "POST", body: "mutation" }),
        statusInterpret(clock),
        { retry: false },
      ),
    );
    assert.equal(requests.length, 1);
  }
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("retry: false on the transport makes exactly one attempt", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([new Response("", { status: 503 })]);
  await assert.rejects(
    transport({ fetch, clock, retry: false }).send(
      () => new Request(URL_),
      statusInterpret(clock),
    ),
    HttpStatusError,
  );
  assert.equal(requests.length, 1);
});

Deno.test("a per-attempt timeout aborts the attempt and is retried", async () => {
  const clock = new FakeClock();
  const hanging = hangingFetch();
  const error = await transport({
    fetch: hanging.fetch,
    clock,
    timeoutMs: 10,
    retry: { maxAttempts: 2 },
  }).send(() => new Request(URL_), statusInterpret(clock)).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof RequestTimeoutError);
  assert.equal(error.kind, "attempt");
  assert.equal(error.timeoutMs, 10);
  assert.equal(error.retryable, true);
  assert.equal(hanging.calls, 2);
  assert.equal(clock.sleeps.length, 1);
});

Deno.test("the per-attempt timeout defaults to monday's 60 seconds", async () => {
  // The attempt timer is a real timer (it must fire while fetch is pending):
  // record the delays it asks for and fire them at once.
  const realSetTimeout = globalThis.setTimeout;
  const delays: number[] = [];
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return realSetTimeout(fn, 0);
  }) as typeof setTimeout;
  try {
    const clock = new FakeClock();
    const hanging = hangingFetch();
    const error = await transport({
      fetch: hanging.fetch,
      clock,
      retry: false,
    }).send(() => new Request(URL_), statusInterpret(clock)).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof RequestTimeoutError, String(error));
    assert.equal(error.kind, "attempt");
    assert.equal(error.timeoutMs, 60_000);
    assert.match(error.message, /timed out after 60000 ms/);
    assert.deepEqual(delays, [60_000]);
    assert.equal(hanging.calls, 1);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
});

Deno.test("the overall deadline stops an attempt in flight and is not retried", async () => {
  const clock = new FakeClock();
  const hanging = hangingFetch();
  const error = await transport({
    fetch: hanging.fetch,
    clock,
    deadlineMs: 10,
  }).send(() => new Request(URL_), statusInterpret(clock)).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof RequestTimeoutError);
  assert.equal(error.kind, "deadline");
  assert.equal(error.timeoutMs, 10);
  assert.equal(error.retryable, false);
  assert.equal(hanging.calls, 1);
});

Deno.test("no backoff wait runs past the deadline", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([new Response("", { status: 503 })]);
  await assert.rejects(
    transport({ fetch, clock, random: () => 0.999, deadlineMs: 1200 }).send(
      () => new Request(URL_),
      statusInterpret(clock),
    ),
    (e: unknown) => e instanceof HttpStatusError && e.status === 503,
  );
  // waits 499 (total 499 < 1200), then 999 would end at 1498 > 1200: give up
  assert.deepEqual(clock.sleeps, [499]);
  assert.equal(requests.length, 2);
});

Deno.test("a server wait that would end past the deadline is not waited for", async () => {
  const clock = new FakeClock();
  const { fetch, requests } = scripted([
    new Response("", { status: 429, headers: { "Retry-After": "30" } }),
  ]);
  await assert.rejects(
    transport({ fetch, clock, deadlineMs: 10_000 }).send(
      () => new Request(URL_),
      statusInterpret(clock),
    ),
    (e: unknown) =>
      e instanceof HttpStatusError && e.status === 429 &&
      e.retryAfterMs === 30_000,
  );
  assert.deepEqual(clock.sleeps, []);
  assert.equal(requests.length, 1);
});

Deno.test("an aborted signal stops the call before the first attempt", async () => {
  const { fetch, requests } = scripted([new Response("ok")]);
  const reason = new Error("stop");
  await assert.rejects(
    transport({ fetch }).send(() => new Request(URL_), (r) => r.text(), {
      signal: AbortSignal.abort(reason),
    }),
    (e) => e === reason,
  );
  assert.equal(requests.length, 0);
});

Deno.test("aborting during a request rejects with the signal's reason, no retry", async () => {
  const clock = new FakeClock();
  const hanging = hangingFetch();
  const controller = new AbortController();
  const reason = new Error("user cancelled");
  const pending = transport({ fetch: hanging.fetch, clock }).send(
    () => new Request(URL_),
    statusInterpret(clock),
    { signal: controller.signal },
  );
  await Promise.resolve();
  await Promise.resolve();
  controller.abort(reason);
  await assert.rejects(pending, (e) => e === reason);
  assert.equal(hanging.calls, 1);
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("aborting during the backoff wait rejects at once", async () => {
  const clock = new FakeClock({ autoAdvance: false });
  const { fetch, requests } = scripted([new Response("", { status: 503 })]);
  const controller = new AbortController();
  const reason = new Error("shutting down");
  const sleeping = clock.nextSleep();
  const pending = transport({ fetch, clock }).send(
    () => new Request(URL_),
    statusInterpret(clock),
    { signal: controller.signal },
  );
  assert.equal(await sleeping, 250);
  assert.equal(clock.pending, 1);
  controller.abort(reason);
  await assert.rejects(pending, (e) => e === reason);
  assert.equal(clock.pending, 0);
  assert.equal(requests.length, 1);
});

Deno.test("aborting while waiting for a concurrency slot rejects and frees the queue", async () => {
  let release!: () => void;
  let calls = 0;
  const fetch = (() => {
    calls++;
    return new Promise<Response>((resolve) => {
      release = () => resolve(new Response("first"));
    });
  }) as typeof globalThis.fetch;
  const t = transport({ fetch, maxConcurrency: 1 });
  const first = t.send(() => new Request(URL_), (r) => r.text());
  const controller = new AbortController();
  const reason = new Error("no longer needed");
  const second = t.send(() => new Request(URL_), (r) => r.text(), {
    signal: controller.signal,
  });
  await Promise.resolve();
  assert.equal(t.limiter.active, 1);
  assert.equal(t.limiter.waiting, 1);
  controller.abort(reason);
  await assert.rejects(second, (e) => e === reason);
  assert.equal(t.limiter.waiting, 0);
  release();
  assert.equal(await first, "first");
  assert.equal(calls, 1);
  assert.equal(t.limiter.active, 0);
});

Deno.test("the concurrency limit is never exceeded", async () => {
  let inFlight = 0;
  let peak = 0;
  const fetch = (async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight--;
    return new Response("x");
  }) as typeof globalThis.fetch;
  const t = transport({ fetch, maxConcurrency: 3 });
  const results = await Promise.all(
    Array.from(
      { length: 12 },
      () => t.send(() => new Request(URL_), (r) => r.text()),
    ),
  );
  assert.equal(results.length, 12);
  assert.equal(peak, 3);
  assert.equal(t.limiter.active, 0);
});

Deno.test("events and errors never show secrets", async () => {
  const clock = new FakeClock();
  const token = "eyJhbGciOiJIUzI1NiJ9.secret-api-token-WXYZ";
  const code = "oauth-code-0123456789";
  const events: HttpEvent[] = [];
  const { fetch } = scripted([
    new TypeError(`error sending request for ${token} with code=${code}`),
  ]);
  const error = await transport({
    fetch,
    clock,
    retry: { maxAttempts: 2 },
    onEvent: (e) => events.push(e),
    secrets: () => [token],
  }).send(
    () =>
      new Request(`https://auth.monday.com/oauth2/token?code=${code}`, {
        headers: { Authorization: token },
      }),
    statusInterpret(clock),
  ).then(() => undefined, (e) => e);
  assert.ok(error instanceof NetworkError);
  const everything = JSON.stringify(events) + error.message +
    String((error.cause as Error).message) + Deno.inspect(error);
  assert.ok(!everything.includes(token), everything);
  assert.ok(!everything.includes("secret-api-token"), everything);
  assert.ok(!everything.includes(code), everything);
  assert.deepEqual(events.map((e) => e.type), [
    "request",
    "retry",
    "request",
    "error",
  ]);
  assert.equal(
    events[0]!.url,
    "https://auth.monday.com/oauth2/token?code=…6789",
  );
  assert.match(events[1]!.error!, /…WXYZ/);
});

Deno.test("a throwing onEvent hook does not break requests", async () => {
  const { fetch } = scripted([new Response("ok")]);
  const result = await transport({
    fetch,
    onEvent: () => {
      throw new Error("logger down");
    },
  }).send(() => new Request(URL_), (r) => r.text());
  assert.equal(result, "ok");
});

Deno.test("retry events carry the status and the wait", async () => {
  const clock = new FakeClock();
  const events: HttpEvent[] = [];
  const { fetch } = scripted([
    new Response("", { status: 429, headers: { "Retry-After": "2" } }),
    new Response("ok"),
  ]);
  await transport({ fetch, clock, onEvent: (e) => events.push(e) }).send(
    () => new Request(URL_),
    statusInterpret(clock),
  );
  const retry = events.find((e) => e.type === "retry");
  assert.deepEqual(retry, {
    type: "retry",
    method: "GET",
    url: URL_,
    attempt: 1,
    status: 429,
    delayMs: 2000,
    error: "HttpStatusError: Unexpected HTTP status: 429",
  });
});

Deno.test("bad options and a bad build result are rejected clearly", async () => {
  assert.throws(() => new HttpTransport({ timeoutMs: 0 }), RangeError);
  assert.throws(() => new HttpTransport({ deadlineMs: -1 }), RangeError);
  assert.throws(() => new HttpTransport({ maxConcurrency: 0 }), RangeError);
  assert.throws(
    () => new HttpTransport({ retry: { maxAttempts: 0 } }),
    /'maxAttempts' must be a positive integer/,
  );
  await assert.rejects(
    new HttpTransport().send(
      () => "https://x" as unknown as Request,
      (r) => r.text(),
    ),
    { name: "TypeError", message: /build\(\) must return a Request/ },
  );
});

Deno.test("against a real server: failed bodies are released, Retry-After honoured", async () => {
  let hits = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => {
      hits++;
      if (hits === 1) {
        return new Response("x".repeat(100_000), {
          status: 503,
          headers: { "Retry-After": "3" },
        });
      }
      if (hits === 2) return new Response("error page", { status: 500 });
      return new Response(JSON.stringify({ ok: true }), {
        headers: { "content-type": "application/json" },
      });
    },
  );
  try {
    const clock = new FakeClock();
    const t = new HttpTransport({ clock, random: () => 0 });
    const url = `http://127.0.0.1:${server.addr.port}/v2`;
    const result = await t.send(
      () => new Request(url, { method: "POST", body: "{}" }),
      async (response) => {
        // never reads failed bodies: the transport must release them
        if (!response.ok) {
          const wait = defaultRetryAfterMs(response, clock.now());
          throw new HttpStatusError(
            "Unexpected HTTP status",
            response.status,
            wait === undefined ? {} : { retryAfterMs: wait },
          );
        }
        return await response.json();
      },
    );
    assert.deepEqual(result, { ok: true });
    assert.equal(hits, 3);
    assert.deepEqual(clock.sleeps, [3000, 0]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("against a real server: a stalled body hits the per-attempt timeout", async () => {
  const cancelled = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("partial"));
        },
        cancel() {
          cancelled.resolve();
        },
      });
      return new Response(body);
    },
  );
  try {
    const t = new HttpTransport({ timeoutMs: 50, retry: false });
    const url = `http://127.0.0.1:${server.addr.port}/v2`;
    await assert.rejects(
      t.send(() => new Request(url), (r) => r.text()),
      (e: unknown) => e instanceof RequestTimeoutError && e.kind === "attempt",
    );
    await cancelled.promise;
  } finally {
    await server.shutdown();
  }
});

Deno.test("the body of every failed attempt is cancelled before the retry", async () => {
  const clock = new FakeClock();
  const cancelled: number[] = [];
  let calls = 0;
  const fetch = (() => {
    const n = ++calls;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled.push(n);
      },
    });
    return Promise.resolve(new Response(body, { status: n < 3 ? 503 : 200 }));
  }) as typeof globalThis.fetch;
  const status = await transport({ fetch, clock }).send(
    () => new Request(URL_),
    (response) => {
      if (!response.ok) {
        return Promise.reject(
          new HttpStatusError("Unexpected HTTP status", response.status),
        );
      }
      const s = response.status;
      return response.body!.cancel().then(() => s);
    },
  );
  assert.equal(status, 200);
  assert.deepEqual(cancelled, [1, 2, 3]);
});

Deno.test("the deadline also bounds the wait for a concurrency slot", async () => {
  let release!: () => void;
  let calls = 0;
  // a fetch that ignores its signal holds the only slot
  const fetch = (() => {
    calls++;
    return new Promise<Response>((resolve) => {
      release = () => resolve(new Response("late"));
    });
  }) as typeof globalThis.fetch;
  const t = transport({ fetch, maxConcurrency: 1, deadlineMs: 20 });
  const first = t.send(() => new Request(URL_), (r) => r.text());
  const firstSettled = first.then(() => {}, () => {});
  await assert.rejects(
    t.send(() => new Request(URL_), (r) => r.text()),
    (e: unknown) =>
      e instanceof RequestTimeoutError && e.kind === "deadline" &&
      /waiting for a concurrency slot/.test(e.message),
  );
  assert.equal(t.limiter.waiting, 0);
  assert.equal(calls, 1);
  release();
  await firstSettled;
  assert.equal(t.limiter.active, 0);
});

Deno.test("an answer that arrives after the timeout fired is not taken", async () => {
  let bodyCancelled = false;
  // answers only once aborted, as a fetch that ignores its signal might
  const fetch =
    ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((resolve) => {
        init?.signal?.addEventListener("abort", () =>
          resolve(
            new Response(
              new ReadableStream({
                cancel() {
                  bodyCancelled = true;
                },
              }),
            ),
          ));
      })) as typeof globalThis.fetch;
  let interpreted = false;
  await assert.rejects(
    transport({ fetch, timeoutMs: 10, retry: false }).send(
      () => new Request(URL_),
      (r) => {
        interpreted = true;
        return r.text();
      },
    ),
    (e: unknown) => e instanceof RequestTimeoutError && e.kind === "attempt",
  );
  assert.equal(interpreted, false);
  assert.equal(bodyCancelled, true);
});

Deno.test("a connection lost while reading the body counts as a network error", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const result = await transport({
    fetch: () => Promise.resolve(new Response(String(++calls))),
    clock,
  }).send(() => new Request(URL_), async (response) => {
    const text = await response.text();
    if (text === "1") {
      throw new TypeError("error reading a body from connection");
    }
    return text;
  });
  assert.equal(result, "2");
  assert.equal(clock.sleeps.length, 1);
});

Deno.test("a TypeError that is a bug in interpret is not retried", async () => {
  const clock = new FakeClock();
  let calls = 0;
  await assert.rejects(
    transport({
      fetch: () => Promise.resolve(new Response(String(++calls))),
      clock,
    }).send(() => new Request(URL_), () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    }),
    { name: "TypeError" },
  );
  assert.equal(calls, 1);
});

Deno.test("a request spec from build() is sent as one request, with the user agent and the signal", async () => {
  const seen: { method: string; headers: Headers; body: string }[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      seen.push({
        method: request.method,
        headers: request.headers,
        body: await request.text(),
      });
      return new Response("ok");
    },
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/v2`;
    const transport = new HttpTransport({ userAgent: "mondaykit-test/1" });
    const text = await transport.send(
      () => ({
        url,
        method: "POST",
        headers: { "content-type": "application/json", authorization: "t" },
        body: '{"query":"{ me { id } }"}',
      }),
      (response) => response.text(),
    );
    assert.equal(text, "ok");
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.method, "POST");
    assert.equal(seen[0]!.headers.get("user-agent"), "mondaykit-test/1");
    assert.equal(seen[0]!.headers.get("authorization"), "t");
    assert.equal(seen[0]!.body, '{"query":"{ me { id } }"}');

    // A caller's own user agent is kept; an aborted signal stops the spec too.
    await transport.send(
      () => ({ url, method: "GET", headers: { "user-agent": "mine/2" } }),
      (response) => response.text(),
    );
    assert.equal(seen[1]!.headers.get("user-agent"), "mine/2");
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(
      transport.send(
        () => ({ url, method: "GET", headers: {} }),
        (response) => response.text(),
        { signal: controller.signal },
      ),
      /stop/,
    );
    assert.equal(seen.length, 2);
  } finally {
    await server.shutdown();
  }
});

Deno.test("HttpTransport: redirects are followed only to the same origin; another origin receives nothing", async () => {
  const seen: string[] = [];
  const other = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      seen.push(
        `other ${request.method} ${request.headers.get("authorization")}`,
      );
      return new Response("stolen");
    },
  );
  const otherOrigin = `http://127.0.0.1:${other.addr.port}`;
  const api = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const path = new URL(request.url).pathname;
      const auth = request.method === "GET"
        ? ` ${request.headers.get("authorization")}`
        : "";
      seen.push(`api ${request.method} ${path} ${await request.text()}${auth}`);
      if (path === "/same") {
        return new Response(null, {
          status: 307,
          headers: { location: "/final" },
        });
      }
      if (path === "/final") return new Response("done");
      return new Response(null, {
        status: 302,
        headers: { location: `${otherOrigin}/collect` },
      });
    },
  );
  const origin = `http://127.0.0.1:${api.addr.port}`;
  try {
    const transport = new HttpTransport({ clock: new FakeClock() });
    const read = async (response: Response) => await response.text();
    // A built Request (as the audit client and sinks send): its body is sent
    // again to the same-origin target.
    const text = await transport.send(
      () =>
        new Request(`${origin}/same`, {
          method: "POST",
          headers: { authorization: "Bearer secret-audit-token-1234" },
          body: "payload",
        }),
      read,
    );
    assert.equal(text, "done");
    // A bodiless Request (the audit client's GET) keeps its headers.
    assert.equal(
      await transport.send(
        () =>
          new Request(`${origin}/same`, {
            headers: { authorization: "Bearer secret-audit-token-1234" },
          }),
        read,
      ),
      "done",
    );
    const error = await transport.send(
      () => ({
        url: `${origin}/elsewhere`,
        method: "GET",
        headers: { authorization: "Bearer secret-audit-token-1234" },
      }),
      read,
    ).catch((e) => e);
    assert.ok(error instanceof RedirectError, String(error));
    assert.equal(error.status, 302);
    assert.equal(error.location, `${otherOrigin}/collect`);
    assert.deepEqual(seen, [
      "api POST /same payload",
      "api POST /final payload",
      "api GET /same  Bearer secret-audit-token-1234",
      "api GET /final  Bearer secret-audit-token-1234",
      "api GET /elsewhere  Bearer secret-audit-token-1234",
    ]);
  } finally {
    await api.shutdown();
    await other.shutdown();
  }
});

Deno.test("attempt time limits share one timer: back-to-back and concurrent sends set it once", async () => {
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    timers++;
    return realSetTimeout(fn, ms);
  }) as typeof setTimeout;
  try {
    const clock = new FakeClock();
    const http = transport({
      clock,
      fetch: () => Promise.resolve(new Response("ok")),
    });
    const send = () =>
      http.send(() => new Request(URL_), async (r) => await r.text());
    for (let i = 0; i < 10; i++) assert.equal(await send(), "ok");
    await Promise.all(Array.from({ length: 10 }, send));
    assert.equal(timers, 1, "one timer for twenty attempts");
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
});

Deno.test("timeoutMs: Infinity means no time limit, not a failing request", async () => {
  const clock = new FakeClock();
  const { fetch } = scripted([new Response("ok")]);
  const t = transport({ fetch, clock, timeoutMs: Infinity });
  for (let i = 0; i < 2; i++) {
    const result = await t.send(
      () => new Request(URL_, { method: "POST", body: "{}" }),
      statusInterpret(clock),
    );
    assert.equal(result, "ok");
  }
});
